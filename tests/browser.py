"""Headless Chromium for browser tests (Debian's chromium + chromedriver; no downloads).

A test module calls :func:`require_browser` at import time: it skips where no browser is
installed, and fails in CI, where the browser tests must run.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "var" / "test-artifacts"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
T = TypeVar("T")


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


def patient_wait(driver: Any, seconds: float = 30) -> Any:
    """A WebDriverWait that keeps polling while htmx or a live update swaps the element it
    looked at (a stale element is a page still changing, not a failure)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(
        driver,
        seconds,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )


def retry_stale(action: Callable[[], T], attempts: int = 5) -> T:
    """Run ``action`` again (after a short pause) when the page swapped an element under it."""
    from selenium.common.exceptions import StaleElementReferenceException

    for attempt in range(attempts):
        try:
            return action()
        except StaleElementReferenceException:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


# ---- the worker's chat page -------------------------------------------------------------


def chat_texts(driver: Any, who: str = "bot") -> list[str]:
    """Texts of the chat page's messages of one kind: bot, staff (pushed) or me."""
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, f".msg.{who}")]


def tap(driver: Any, title: str) -> None:
    """Tap the newest enabled chip with this title, then wait for the reply."""
    from selenium.webdriver.common.by import By

    before = len(chat_texts(driver))
    chips = [
        c
        for c in driver.find_elements(By.CSS_SELECTOR, ".chip")
        if c.is_enabled() and c.text.strip() == title
    ]
    assert chips, f"no enabled chip {title!r}"
    chips[-1].click()
    patient_wait(driver).until(lambda d: len(chat_texts(d)) > before)


def type_in(driver: Any, text: str, *, answered: bool = True) -> None:
    """Type and send a message; wait for the bot's reply (or, with ``answered=False``, only
    until the message is sent: a person has the chat and the bot stays silent)."""
    from selenium.webdriver.common.by import By

    wait = patient_wait(driver)
    replies, mine = len(chat_texts(driver)), len(chat_texts(driver, "me"))
    driver.find_element(By.ID, "input").send_keys(text)  # ChromeDriver types BMP characters only
    driver.find_element(By.ID, "send").click()
    if answered:
        wait.until(lambda d: len(chat_texts(d)) > replies)
    else:
        wait.until(lambda d: len(chat_texts(d, "me")) > mine)
        wait.until(lambda d: d.find_element(By.ID, "send").is_enabled())


def shoot(driver: Any, name: str) -> None:
    """A screenshot in var/test-artifacts/, copied to docs/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / name)


def fill_complaint(driver: Any) -> None:
    """Go through the whole intake on the chat page, up to the summary (not submitted)."""
    from bot.prompts import load_prompts
    from handoff.cases.categories import categories

    intake, core = load_prompts("intake"), load_prompts("core")
    tap(
        driver,
        next(b.title for b in core.buttons("menu_buttons") if b.payload == "/file_complaint"),
    )
    tap(driver, next(b.title for b in intake.buttons("consent_buttons") if "yes" in b.payload))
    tap(driver, categories()["wages"].label)
    tap(driver, intake.buttons("done_button")[0].title)
    type_in(driver, "宏达电子厂")
    tap(driver, intake.buttons("unknown_button")[0].title)  # brands
    type_in(driver, "广东东莞")
    tap(driver, intake.buttons("skip_button")[0].title)  # district
    type_in(driver, "去年三月")
    tap(driver, intake.section("choices")["ongoing"]["still"])
    tap(driver, intake.section("choices")["affected"]["many"])
    type_in(driver, "拖欠三个月工资，车间三十多人都没拿到")
    tap(driver, intake.buttons("skip_button")[0].title)  # evidence
    tap(driver, intake.buttons("skip_button")[0].title)  # wants
    tap(driver, intake.section("choices")["contact"]["chat"])
