"""Headless Chromium for the explorer's tests (see minigrad.viz.explorer.browser). Without
it the browser tests skip with an install hint, unless MINIGRAD_REQUIRE_BROWSER is set (as
CI does), when they fail instead."""

from __future__ import annotations

import os

import pytest

from minigrad.viz.explorer.browser import INSTALL_HINT, chromium, console_errors, missing

__all__ = ["chromium", "console_errors", "require_browser"]


def require_browser() -> None:
    what = missing()
    if what is None:
        return
    message = f"{what}; {INSTALL_HINT}"
    if os.environ.get("MINIGRAD_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)
