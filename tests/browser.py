"""Headless Chromium for browser tests (Debian's chromium + chromedriver; no downloads).

A test module calls :func:`require_browser` at import time: it skips where no browser is
installed, and fails in CI, where the browser tests must run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "var" / "test-artifacts"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def require_browser() -> None:
    """Skip the calling module without a browser; in CI, fail instead."""
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get("CI"):
        pytest.fail(
            "CI must run the browser tests: install chromium and chromium-driver", pytrace=False
        )
    pytest.skip("headless Chromium/ChromeDriver not installed", allow_module_level=True)


def make_driver(profile_dir: Path, width: int = 390, height: int = 844) -> Any:
    """A headless Chromium that resolves nothing but 127.0.0.1 (pages need nothing else)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile_dir}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER or ""))
    driver.set_window_size(width, height)
    return driver
