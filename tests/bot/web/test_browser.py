"""The worker's page in a real headless Chromium at phone width (360 and 390 px).

Runs wherever Chromium and ChromeDriver are installed (CI installs them, see .ci/run); on a
developer machine without them it skips with the reason. In CI a missing browser fails.
Screenshots go to var/test-artifacts/ (docs/screenshots/ holds copies for the docs).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from bot.messages import Button, Inbound, Reply
from bot.prompts import load_prompts
from bot.runtime import Runtime

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts"
KEY = "gongyou.conversation"
LONG_ANSWER_TRIGGER = "请给我一个很长的回答"

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        pytest.fail(
            "CI must run the browser test: install chromium and chromium-driver", pytrace=False
        )
    pytest.skip("headless Chromium/ChromeDriver not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only importable usefully when a browser exists
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser

CORE = load_prompts("core")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
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
        # Nothing but the test server resolves: the page must need nothing from elsewhere,
        # and 快速离开's neutral site is never actually contacted.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--window-size=360,740",
        f"--user-data-dir={tmp_path}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER or ""))
    driver.set_window_size(360, 740)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def long_answers(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """The core answers one trigger with a reply far taller than a phone's screen."""
    handle: Callable[[Inbound], Awaitable[list[Reply]]] = runtime.core.handle

    async def handle_with_long_answer(inbound: Inbound) -> list[Reply]:
        if inbound.text == LONG_ANSWER_TRIGGER:
            lines = [
                f"第{i}条：这是一段很长的回答，用来检查页面从哪里开始显示。" for i in range(60)
            ]
            return [Reply("\n".join(lines), (Button("好的", "/thanks"),))]
        return await handle(inbound)

    monkeypatch.setattr(runtime.core, "handle", handle_with_long_answer)


def bot_texts(driver: WebDriver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".msg.bot")]


def stored_id(driver: WebDriver, storage: str = "localStorage") -> str | None:
    value: str | None = driver.execute_script(f"return {storage}.getItem('{KEY}')")
    return value


def open_chat(driver: WebDriver, url: str) -> WebDriverWait[WebDriver]:
    wait = WebDriverWait(driver, 30)
    driver.get(url + "/")
    wait.until(lambda d: any(CORE.text("greeting")[:8] in t for t in bot_texts(d)))
    wait.until(lambda d: stored_id(d))
    return wait


def type_and_send(driver: WebDriver, text: str) -> None:
    driver.find_element(By.ID, "input").send_keys(text)  # ChromeDriver types only BMP characters
    driver.find_element(By.ID, "send").click()


def chip_titled(driver: WebDriver, title: str) -> WebElement:
    return next(c for c in driver.find_elements(By.CSS_SELECTOR, ".chip") if c.text == title)


def severe_console_messages(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_worker_chats_on_a_phone_sized_page(browser: WebDriver, live_server: str) -> None:
    wait = open_chat(browser, live_server)
    menu_titles = [b.title for b in CORE.buttons("menu_buttons")]
    chips = browser.find_elements(By.CSS_SELECTOR, ".chip")
    assert chips and {c.text for c in chips} <= set(menu_titles)
    assert all(c.size["height"] >= 44 for c in chips)  # thumb-sized targets
    for control in ("clear", "leave", "send"):
        assert browser.find_element(By.ID, control).size["height"] >= 44

    ask = next(b.title for b in CORE.buttons("menu_buttons") if b.payload == "/ask_question")
    chip_titled(browser, ask).click()
    wait.until(lambda d: CORE.text("ask_question_prompt")[:8] in " ".join(bot_texts(d)))

    type_and_send(browser, "勞動合同沒簽怎麼辦")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.me")) == 2)
    mine = browser.find_elements(By.CSS_SELECTOR, ".msg.me")
    assert mine[-1].text == "勞動合同沒簽怎麼辦"  # Traditional characters shown as typed
    wait.until(lambda d: len(bot_texts(d)) >= 3)

    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360  # nothing overflows sideways at 360 px
    assert severe_console_messages(browser) == []  # no 404 (favicon), no CSP violation
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "web_chat_360.png"))


@pytest.mark.usefixtures("long_answers")
def test_long_answer_shows_its_start(browser: WebDriver, live_server: str) -> None:
    wait = open_chat(browser, live_server)
    type_and_send(browser, LONG_ANSWER_TRIGGER)
    wait.until(lambda d: any(t.startswith("第0条") for t in bot_texts(d)))
    answer = browser.find_elements(By.CSS_SELECTOR, ".msg.bot")[-1]
    log_box = browser.find_element(By.ID, "log")
    top, bottom = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];", log_box
    )
    answer_top = browser.execute_script("return arguments[0].getBoundingClientRect().top;", answer)
    assert top - 1 <= answer_top < top + 40  # the first line is at the top of the chat
    assert answer.size["height"] > bottom - top  # (it really is taller than the screen)
    at_end = browser.execute_script(
        "var l = arguments[0]; return l.scrollTop + l.clientHeight >= l.scrollHeight - 2;",
        log_box,
    )
    assert not at_end


@pytest.mark.usefixtures("long_answers")
def test_buttons_of_earlier_messages_are_disabled_once_answered(
    browser: WebDriver, live_server: str
) -> None:
    wait = open_chat(browser, live_server)
    greeting_chips = browser.find_elements(By.CSS_SELECTOR, ".chip")
    ask = next(b.title for b in CORE.buttons("menu_buttons") if b.payload == "/ask_question")
    chip_titled(browser, ask).click()
    wait.until(lambda d: CORE.text("ask_question_prompt")[:8] in " ".join(bot_texts(d)))
    assert not any(c.is_enabled() for c in greeting_chips)

    answers_before = len(bot_texts(browser))
    browser.execute_script("arguments[0].click();", greeting_chips[-1])  # tapping does nothing
    assert len(browser.find_elements(By.CSS_SELECTOR, ".msg.me")) == 1
    assert len(bot_texts(browser)) == answers_before

    type_and_send(browser, LONG_ANSWER_TRIGGER)  # typing answers too: the newest buttons go off
    wait.until(lambda d: len(bot_texts(d)) > answers_before)
    wait.until(lambda d: not d.find_element(By.ID, "send").get_attribute("disabled"))
    chips = browser.find_elements(By.CSS_SELECTOR, ".chip")
    enabled = [c for c in chips if c.is_enabled()]
    assert all(c not in greeting_chips for c in enabled)


@pytest.mark.parametrize("width", [360, 390])
def test_placeholder_fits_the_input(browser: WebDriver, live_server: str, width: int) -> None:
    browser.set_window_size(width, 740)
    open_chat(browser, live_server)
    needed, available = browser.execute_script(
        """
        var box = document.getElementById('input');
        var style = getComputedStyle(box);
        var ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.fontSize + ' ' + style.fontFamily;
        return [ctx.measureText(box.placeholder).width,
                box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
        """
    )
    assert needed <= available


def test_header_lines_up_with_the_chat_on_desktop(browser: WebDriver, live_server: str) -> None:
    browser.set_window_size(1280, 800)
    open_chat(browser, live_server)
    header, chat, composer = (
        browser.execute_script(
            "var r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return [Math.round(r.left), Math.round(r.right)];",
            selector,
        )
        for selector in (".bar-inner", "#log", "#composer")
    )
    assert header == chat == composer
    browser.save_screenshot(str(ARTIFACTS / "web_chat_desktop.png"))


@pytest.mark.usefixtures("long_answers")
def test_conversation_survives_reload_until_cleared(browser: WebDriver, live_server: str) -> None:
    wait = open_chat(browser, live_server)
    first = stored_id(browser)
    type_and_send(browser, LONG_ANSWER_TRIGGER)
    wait.until(lambda d: len(bot_texts(d)) >= 2)

    browser.refresh()  # and a tab closed and opened again: localStorage outlives both
    wait.until(lambda d: bot_texts(d))
    assert stored_id(browser) == first
    assert CORE.text("conversation_restarted") not in " ".join(bot_texts(browser))

    clear = browser.find_element(By.ID, "clear")
    clear.click()
    assert stored_id(browser) == first  # one tap only asks for a second one
    clear.click()
    wait.until(lambda d: stored_id(d) not in (None, first))
    assert browser.find_elements(By.CSS_SELECTOR, ".msg.me") == []  # the page is empty again
    assert stored_id(browser, "sessionStorage") is None


def test_a_conversation_from_session_storage_is_kept(browser: WebDriver, live_server: str) -> None:
    wait = open_chat(browser, live_server)
    old = stored_id(browser)
    browser.execute_script(  # what the previous version of the page stored
        f"localStorage.removeItem('{KEY}'); sessionStorage.setItem('{KEY}', arguments[0]);", old
    )
    browser.refresh()
    wait.until(lambda d: stored_id(d) == old)
    assert stored_id(browser, "sessionStorage") is None


def test_quick_exit_leaves_nothing_behind(browser: WebDriver, live_server: str) -> None:
    open_chat(browser, live_server)
    old = stored_id(browser)
    leave = browser.find_element(By.ID, "leave")
    assert not leave.get_attribute("href").startswith(live_server)  # a neutral site
    leave.click()
    WebDriverWait(browser, 10).until(lambda d: not d.current_url.startswith(live_server))

    browser.back()  # Back must not bring the chat page back
    assert not browser.current_url.startswith(live_server)

    open_chat(browser, live_server)
    assert stored_id(browser) != old  # nothing of the old conversation was kept
    assert browser.find_elements(By.CSS_SELECTOR, ".msg.me") == []


def test_pushed_message_appears_without_reload(
    browser: WebDriver, live_server: str, app: FastAPI
) -> None:
    import anyio

    wait = open_chat(browser, live_server)
    cid = stored_id(browser)

    async def push() -> None:
        await app.state.web_channel.send(cid, [Reply("你好，我是工作人员。")])

    anyio.run(push)
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".msg.staff"), "我是工作人员"))
