#!/usr/bin/env sh
# Make sure Graphviz's `dot` executable is on PATH, installing it with the system package
# manager when that is possible here. Exits 0 either way: drawing works without `dot`,
# only rendering to SVG/PNG/PDF needs it, and minigrad says so when it is missing.
command -v dot >/dev/null 2>&1 && exit 0

as_root=""
[ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && as_root="sudo -n"; }

if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; }; then
    echo "Installing Graphviz (dot) with apt-get ..."
    $as_root apt-get update -qq && $as_root apt-get install -y -qq graphviz >/dev/null
elif command -v brew >/dev/null 2>&1; then
    echo "Installing Graphviz (dot) with Homebrew ..."
    brew install graphviz
elif command -v dnf >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; }; then
    $as_root dnf install -y graphviz
fi

if ! command -v dot >/dev/null 2>&1; then
    cat >&2 <<'MSG'
Graphviz's `dot` executable is missing and could not be installed here.
Graphs are still built (as DOT source); to render them to SVG/PNG/PDF install Graphviz:
  Debian/Ubuntu: sudo apt-get install graphviz
  macOS:         brew install graphviz
  conda:         conda install -c conda-forge graphviz
MSG
fi
exit 0
