"""The whole loop in two real browsers (headless Chromium): a worker on a phone-sized chat page
and a caseworker in the console, logged in with a password and a TOTP code.

1. The worker files a complaint; the caseworker claims it and replies; the reply appears in the
   worker's open page without a reload; the worker answers from the chat; the caseworker sees
   the answer appear on the open case page without a reload.
2. The worker asks for a person; the request appears in the caseworker's open list; the
   caseworker takes the chat over (the bot goes silent), they talk both ways live, and the
   caseworker hands the chat back to the bot.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import update

from bot.prompts import load_prompts
from bot.runtime import Runtime
from handoff.console.texts import text
from handoff.console.totp import seal_secret
from handoff.orgs.models import Member, Organisation
from tests.bot.conftest import COORDINATOR, PASSWORD, add_organisation
from tests.browser import (
    chat_texts,
    fill_complaint,
    make_driver,
    patient_wait,
    require_browser,
    retry_stale,
    shoot,
    tap,
    type_in,
)
from tests.conftest import deployment_params

require_browser()

from selenium.webdriver.common.by import By  # noqa: E402 - needs a browser to be useful
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser
INTAKE = load_prompts("intake")
CORE = load_prompts("core")
LIVE = load_prompts("live")


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[WebDriver]:
    driver = make_driver(tmp_path / "phone", 390, 844)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[WebDriver]:
    driver = make_driver(tmp_path / "desk", 1200, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def runtime(served_runtime: Runtime) -> Runtime:
    """The app under test, on every configured backend."""
    return served_runtime


@pytest.fixture
def totp(runtime: Runtime) -> pyotp.TOTP:
    """An organisation that requires two-factor login, its coordinator enrolled."""
    add_organisation(runtime)
    secret = pyotp.random_base32()
    with runtime.console.db() as session:
        member = session.query(Member).filter_by(username=COORDINATOR).one()
        member.totp_secret_wrapped = seal_secret(member.public_key, secret)
        session.execute(update(Organisation).values(require_totp=True))
        session.commit()
    return pyotp.TOTP(secret)


def menu_title(payload: str) -> str:
    return next(b.title for b in CORE.buttons("menu_buttons") if b.payload == payload)


def log_in(driver: WebDriver, base: str, code: str) -> None:
    driver.get(base + "/console/login")
    driver.find_element(By.NAME, "username").send_keys(COORDINATOR)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.NAME, "totp").send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/console/login" not in d.current_url)


def form_for(driver: WebDriver, action_suffix: str) -> WebElement:
    """The page's form whose action ends with ``action_suffix``."""
    return next(
        f
        for f in driver.find_elements(By.TAG_NAME, "form")
        if (f.get_attribute("action") or "").endswith(action_suffix)
    )


def submit(driver: WebDriver, action_suffix: str) -> None:
    """Press the submit button of the page's form whose action ends with ``action_suffix``
    (found again if a live update swapped it meanwhile)."""
    retry_stale(
        lambda: (
            form_for(driver, action_suffix)
            .find_element(By.CSS_SELECTOR, "button[type=submit]")
            .click()
        )
    )


def send_from_console(driver: WebDriver, action_suffix: str, message: str) -> None:
    """Type ``message`` into that form and send it (again from the start if it was swapped)."""

    def send() -> None:
        form = form_for(driver, action_suffix)
        field = form.find_element(By.NAME, "text")
        field.clear()
        field.send_keys(message)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    retry_stale(send)


def no_errors(driver: WebDriver) -> None:
    severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe


@pytest.mark.parametrize(("served_runtime", "engine"), deployment_params(), indirect=True)
def test_reply_and_answer_appear_live_on_both_sides(
    phone: WebDriver, desk: WebDriver, live_server: str, totp: pyotp.TOTP
) -> None:
    chat_wait, desk_wait = patient_wait(phone), patient_wait(desk)
    phone.get(live_server + "/")
    chat_wait.until(lambda d: chat_texts(d))
    fill_complaint(phone)
    tap(phone, INTAKE.buttons("summary_submit")[0].title)

    log_in(desk, live_server, totp.now())
    desk.get(live_server + "/console/cases")
    retry_stale(lambda: desk.find_element(By.CSS_SELECTOR, "a.case-link").click())
    desk_wait.until(lambda d: d.find_elements(By.ID, "case-thread"))
    submit(desk, "/claim")
    desk_wait.until(
        lambda d: (
            not [
                f
                for f in d.find_elements(By.TAG_NAME, "form")
                if (f.get_attribute("action") or "").endswith("/claim")
            ]
        )
    )
    send_from_console(desk, "/messages", "你好，我是工作人员，请问一共欠了多少？")

    # The worker's open page shows it without a reload, labelled, with a reply button.
    chat_wait.until(lambda d: any("一共欠了多少" in t for t in chat_texts(d, "staff")))
    staff_message = next(t for t in chat_texts(phone, "staff") if "一共欠了多少" in t)
    assert staff_message.startswith(text("cases.staff_message").split("{", 1)[0])
    assert COORDINATOR not in staff_message
    shoot(phone, "live_reply_phone.png")
    tap(phone, LIVE.text("reply_button"))
    type_in(phone, "大概两万块")

    # The caseworker's open case page shows the answer without a reload.
    desk_wait.until(lambda d: "大概两万块" in d.find_element(By.ID, "case-thread").text)
    no_errors(phone)
    no_errors(desk)


@pytest.mark.parametrize(("served_runtime", "engine"), deployment_params(), indirect=True)
def test_live_takeover_and_hand_back(
    phone: WebDriver, desk: WebDriver, live_server: str, totp: pyotp.TOTP
) -> None:
    chat_wait, desk_wait = patient_wait(phone), patient_wait(desk)
    log_in(desk, live_server, totp.now())
    desk.get(live_server + "/console/live")
    desk_wait.until(lambda d: d.find_elements(By.ID, "live-list"))

    phone.get(live_server + "/")
    chat_wait.until(lambda d: chat_texts(d))
    tap(phone, menu_title("/talk_to_human"))

    # The request appears in the open list; the caseworker takes the chat over.
    desk_wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-live-chat-row]"))
    submit(desk, "/take")
    desk_wait.until(lambda d: d.find_elements(By.ID, "live-thread"))
    chat_wait.until(lambda d: any(LIVE.text("taken_over")[:6] in t for t in chat_texts(d)))

    bot_replies = len(chat_texts(phone))
    type_in(phone, "老板三个月没发工资", answered=False)
    desk_wait.until(lambda d: "老板三个月没发工资" in d.find_element(By.ID, "live-thread").text)
    assert len(chat_texts(phone)) == bot_replies  # the bot said nothing

    send_from_console(desk, "/messages", "收到，你在哪个城市？")
    chat_wait.until(lambda d: any("你在哪个城市" in t for t in chat_texts(d, "staff")))
    shoot(desk, "console_live_chat_desktop.png")
    shoot(phone, "live_chat_phone.png")

    submit(desk, "/hand-back")
    chat_wait.until(lambda d: any(LIVE.text("handed_back")[:6] in t for t in chat_texts(d)))
    type_in(phone, "加班费怎么算")  # the bot answers again
    no_errors(phone)
    no_errors(desk)
