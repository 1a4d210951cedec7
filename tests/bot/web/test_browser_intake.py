"""A worker files a complaint in the web chat on a phone-sized screen (headless Chromium) and
gets the receipt; screenshots of the summary and the receipt go to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from bot.prompts import load_prompts
from bot.runtime import Runtime
from tests.bot.conftest import add_organisation
from tests.browser import (
    chat_texts,
    fill_complaint,
    make_driver,
    require_browser,
    shoot,
    tap,
)

require_browser()

from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402 - needs a browser to be useful
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
INTAKE = load_prompts("intake")
RECEIPT = re.compile(r"\d{4} \d{4} \d{4} \d{4}")


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[WebDriver]:
    driver = make_driver(tmp_path, 390, 844)
    try:
        yield driver
    finally:
        driver.quit()


def test_worker_files_a_complaint_on_a_phone(
    phone: WebDriver, live_server: str, app: FastAPI, runtime: Runtime
) -> None:
    add_organisation(runtime)
    wait = WebDriverWait(phone, 30)
    phone.get(live_server + "/")
    wait.until(lambda d: chat_texts(d))
    fill_complaint(phone)
    assert "宏达电子厂" in chat_texts(phone)[-1]
    width = phone.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
    shoot(phone, "intake_summary_phone.png")

    tap(phone, INTAKE.buttons("summary_submit")[0].title)
    wait.until(lambda d: any(RECEIPT.search(t) for t in chat_texts(d)))
    shoot(phone, "intake_receipt_phone.png")
    receipt = next(m.group(0) for t in chat_texts(phone) if (m := RECEIPT.search(t)))
    assert runtime.cases.find_by_receipt(receipt.replace(" ", "")) is not None
    # The conversation is kept across closing the tab while it matters (localStorage).
    assert phone.execute_script("return localStorage.getItem('gongyou.conversation')")
