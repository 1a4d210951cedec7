"""The worker's page in a real headless Chromium at phone width (360 px).

Runs wherever Chromium and ChromeDriver are installed (CI installs them, see .ci/run); on a
developer machine without them it skips with the reason. In CI a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts"

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
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.browser


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
        "--window-size=360,740",
        f"--user-data-dir={tmp_path}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER or ""))
    driver.set_window_size(360, 740)
    try:
        yield driver
    finally:
        driver.quit()


def bot_texts(driver: WebDriver) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".msg.bot")]


def test_worker_chats_on_a_phone_sized_page(browser: WebDriver, live_server: str) -> None:
    wait = WebDriverWait(browser, 30)
    browser.get(live_server + "/")
    wait.until(lambda d: any("工友助手" in t for t in bot_texts(d)))
    chips = browser.find_elements(By.CSS_SELECTOR, ".chip")
    assert [c.text for c in chips][:4] == ["问法律问题", "投诉", "找工作人员", "查询进度"]
    assert all(c.size["height"] >= 44 for c in chips)  # thumb-sized targets

    chips[0].click()
    wait.until(lambda d: any("直接把你的问题" in t for t in bot_texts(d)))

    box = browser.find_element(By.ID, "input")
    box.send_keys("勞動合同沒簽怎麼辦")  # ChromeDriver types only BMP characters
    browser.find_element(By.ID, "send").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.me"))
    mine = browser.find_elements(By.CSS_SELECTOR, ".msg.me")
    assert mine[-1].text == "勞動合同沒簽怎麼辦"  # Traditional characters shown as typed
    wait.until(lambda d: len(bot_texts(d)) >= 3)

    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360  # nothing overflows sideways at 360 px
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "web_chat_360.png"))


def test_pushed_message_appears_without_reload(browser: WebDriver, live_server: str, app) -> None:
    import anyio

    from bot.messages import Reply

    wait = WebDriverWait(browser, 30)
    browser.get(live_server + "/")
    wait.until(lambda d: d.execute_script("return sessionStorage.getItem('gongyou.conversation')"))
    cid = browser.execute_script("return sessionStorage.getItem('gongyou.conversation')")

    async def push() -> None:
        await app.state.web_channel.send(cid, [Reply("你好，我是工作人员。")])

    anyio.run(push)
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".msg.staff"), "我是工作人员"))
