"""Headless Chromium for the explorer's tests (Selenium with Debian's chromium and
chromium-driver). Without them the browser tests skip with an install hint, unless
MINIGRAD_REQUIRE_BROWSER is set (as CI does), when they fail instead."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import pytest

INSTALL_HINT = ("headless Chromium is needed: apt-get install chromium chromium-driver, "
                "and pip install selenium (the dev extra)")


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    if not (shutil.which("chromedriver") and
            (shutil.which("chromium") or shutil.which("chromium-browser"))):
        return "chromium or chromedriver is not on PATH"
    return None


def require_browser() -> None:
    missing = _missing()
    if missing is None:
        return
    message = f"{missing}; {INSTALL_HINT}"
    if os.environ.get("MINIGRAD_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 860):
    """A fresh headless Chromium with no network services, its console log readable."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="minigrad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")]
