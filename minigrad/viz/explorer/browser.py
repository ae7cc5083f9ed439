"""Explorer pages in headless Chromium, for the tests and the docs' screenshots.

Needs the `selenium` package (the dev extra) and Chromium with its WebDriver on PATH
(Debian: `apt-get install chromium chromium-driver`). The browser starts with a fresh
profile and its background network services off, so a page that works here works
offline; the console log is kept so callers can check that a page raised no error.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

INSTALL_HINT = ("headless Chromium is needed: apt-get install chromium chromium-driver, "
                "and pip install selenium (minigrad's dev extra)")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync",
         "--disable-dev-shm-usage")


def missing() -> str | None:
    """What is missing to drive a browser here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    if not (shutil.which("chromedriver") and _chromium()):
        return "chromium or chromedriver is not on PATH"
    return None


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 860) -> Iterator:
    """A Selenium driver of a fresh headless Chromium window of the given size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="minigrad-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = _chromium()
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    """The errors the page logged to the console since the last call."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "ERROR")]


def screenshot(page: Path, png: Path, script: str = "", width: int = 1280,
               height: int = 800) -> Path:
    """Open the saved page `page`, run `script` in it (to step, toggle paths...), and save
    what the window shows as `png`. Raises RuntimeError if the page logged an error."""
    with chromium(width, height) as driver:
        driver.get(Path(page).resolve().as_uri())
        if script:
            driver.execute_script(script)
        errors = console_errors(driver)
        if errors:
            raise RuntimeError(f"the explorer page {page} logged errors: {errors}")
        driver.save_screenshot(str(png))
    return Path(png)
