#!/usr/bin/env sh
# Make sure headless Chromium and its WebDriver are on PATH for the explorer's browser
# tests and the docs' screenshot, installing Debian's chromium and chromium-driver with
# apt-get when that is possible here. Exits 0 either way: without a browser those tests
# skip (unless MINIGRAD_REQUIRE_BROWSER=1, as CI sets, makes them fail).
command -v chromedriver >/dev/null 2>&1 && \
    { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } && exit 0

as_root=""
[ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && as_root="sudo -n"; }

if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; }; then
    echo "Installing Chromium and its WebDriver with apt-get ..."
    $as_root apt-get update -qq && $as_root apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if ! command -v chromedriver >/dev/null 2>&1; then
    cat >&2 <<'MSG'
Headless Chromium (with chromedriver) is missing and could not be installed here.
The explorer's browser tests will skip; to run them install:
  Debian/Ubuntu: sudo apt-get install chromium chromium-driver
and the dev extra (pip install -e '.[dev]', which brings selenium).
MSG
fi
exit 0
