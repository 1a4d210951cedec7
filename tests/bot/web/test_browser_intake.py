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
from handoff.cases.categories import categories
from tests.bot.conftest import add_organisation
from tests.browser import chat_texts, make_driver, require_browser, shoot, tap, type_in

require_browser()

from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402 - needs a browser to be useful
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
INTAKE = load_prompts("intake")
CORE = load_prompts("core")
RECEIPT = re.compile(r"\d{4} \d{4} \d{4} \d{4}")


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[WebDriver]:
    driver = make_driver(tmp_path, 390, 844)
    try:
        yield driver
    finally:
        driver.quit()


def title_of(book_key: str, payload: str) -> str:
    book = INTAKE if book_key == "intake" else CORE
    for key in ("menu_buttons", "consent_buttons"):
        try:
            buttons = book.buttons(key)
        except KeyError:
            continue
        for button in buttons:
            if button.payload == payload:
                return button.title
    raise KeyError(payload)


def test_worker_files_a_complaint_on_a_phone(
    phone: WebDriver, live_server: str, app: FastAPI, runtime: Runtime
) -> None:
    add_organisation(runtime)
    wait = WebDriverWait(phone, 30)
    phone.get(live_server + "/")
    wait.until(lambda d: chat_texts(d))
    tap(phone, title_of("core", "/file_complaint"))
    tap(phone, title_of("intake", "/pick{consent:yes}"))
    tap(phone, categories()["wages"].label)
    tap(phone, INTAKE.buttons("done_button")[0].title)
    type_in(phone, "宏达电子厂")
    tap(phone, INTAKE.buttons("unknown_button")[0].title)  # brands
    type_in(phone, "广东东莞")
    tap(phone, INTAKE.buttons("skip_button")[0].title)  # district
    type_in(phone, "去年三月")
    tap(phone, INTAKE.section("choices")["ongoing"]["still"])
    tap(phone, INTAKE.section("choices")["affected"]["many"])
    type_in(phone, "拖欠三个月工资，车间三十多人都没拿到")
    tap(phone, INTAKE.buttons("skip_button")[0].title)  # evidence
    tap(phone, INTAKE.buttons("skip_button")[0].title)  # wants
    tap(phone, INTAKE.section("choices")["contact"]["chat"])
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
