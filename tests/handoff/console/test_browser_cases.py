"""The queue, a case page and the statistics page in headless Chromium, on the real app (its
CSP and security headers), filled with demo cases; phone (390 px) and desktop screenshots go
to docs/screenshots/ (copies of var/test-artifacts/)."""

from __future__ import annotations

import asyncio
import random
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import delete, select

from handoff.cases.categories import categories as category_labels
from handoff.cases.models import Case, CaseCount
from handoff.console.cases_workflow import CaseWorkflow
from handoff.db import make_engine
from handoff.models import utcnow
from tests.browser import ARTIFACTS, SCREENSHOTS, make_driver, require_browser
from tests.handoff.console.conftest import NOW, PASSWORD, Desk

require_browser()

# Demo employers: several spellings of the same factories, so related cases show.
EMPLOYERS = [
    ["东莞宏达电子有限公司", "东莞宏达电子厂", "东莞 宏达电子", "東莞宏達電子有限公司"],
    ["惠州永盛鞋业有限公司", "惠州永盛鞋业公司", "惠州 永盛 鞋业"],
    ["深圳华丰塑胶制品厂", "深圳华丰塑胶制品有限公司"],
    ["佛山金利家具厂"],
    ["宁波恒泰五金有限公司"],
]
PLACES = ["广东省", "广东省", "广东省", "浙江省", "湖北省"]
CATEGORIES = [("wages",), ("overtime", "wages"), ("social_insurance",), ("injury",), ("dismissal",)]
DESCRIPTIONS = [
    "老板拖欠三个月工资，说等订单结算再发，车间三十多人都没拿到。",
    "每天从早上八点做到晚上十点，周日也不休息，加班费按最低工资算。",
    "进厂一年了一直没有买社保，问人事就说试用期不买。",
    "冲压机没有防护罩，上个月有同事压伤了手指，厂里只给了两千块。",
    "说要搬厂，让我们自己辞职，不给任何补偿。",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill_demo(desk: Desk) -> str:
    """About sixty cases over eight months for 机构甲; returns the case to photograph."""
    rng = random.Random(7)
    workflow = CaseWorkflow()
    pictured = ""
    for index in range(60):
        group = rng.choices(range(len(EMPLOYERS)), weights=[8, 5, 3, 2, 1])[0]
        employer = rng.choice(EMPLOYERS[group])
        categories = CATEGORIES[group]
        description = DESCRIPTIONS[group]
        brands = "耐克、阿迪达斯" if group == 1 else ("优衣库" if group == 0 else None)
        province = PLACES[group]
        wanted_age = (
            timedelta(days=rng.uniform(0, 240)) if index > 5 else timedelta(hours=index * 9)
        )
        age = wanted_age - (utcnow() - NOW)  # ages from the real clock the server uses
        case_id = desk.file(
            employer=employer,
            brands=brands,
            categories=categories,
            province=province,
            urgent=group == 3,
            age=age,
            summary=[
                ["问题", "、".join(category_labels()[key].label for key in categories)],
                ["工厂或公司", employer],
                ["品牌", brands or "不知道"],
                ["地点", f"{province} 东莞市"],
                ["什么时候开始", "今年三月"],
                ["现在还在发生吗", "还在"],
                ["涉及多少人", "很多人"],
                ["经过", description],
                ["想要什么", "补发工资"],
                ["联系方式", "在这个聊天里联系"],
            ],
        )
        if index == 3:
            pictured = case_id
        with desk.session() as session:
            if index % 3 == 1:
                workflow.claim(session, desk.mei, case_id)
                workflow.set_status(session, desk.mei, case_id, "in_progress", "已联系工友核实")
            elif index % 7 == 2 and index > 5:
                workflow.claim(session, desk.bo, case_id)
                workflow.set_status(session, desk.bo, case_id, "resolved", "工资已补发")
    desk.cases.add_message(pictured, "worker", "请问你们能帮我们要回工资吗？车间很多人都没拿到。")
    with desk.session() as session:
        workflow.claim(session, desk.mei, pictured)
        workflow.set_status(session, desk.mei, pictured, "waiting_for_worker", "等工友发工资条")
        workflow.add_note(session, desk.mei, pictured, "同一工厂已有多人投诉，可以考虑集体协商。")
        workflow.set_tags(session, desk.mei, pictured, ["欠薪", "集体"])
    desk.cases.add_message(
        pictured,
        "staff",
        "你好，我们收到了。方便的话请拍一下工资条或考勤记录。",
        desk.mei.member_id,
    )
    desk.cases.add_message(pictured, "worker", "好的，我明天拍给你们。")
    recount_by_month(desk)
    return pictured


def recount_by_month(desk: Desk) -> None:
    """Monthly counts as if each demo case had been filed when its date says (submit counted
    them all in the month the test ran)."""
    with desk.session() as session:
        cases = session.execute(
            select(Case.org_id, Case.created_at, Case.categories, Case.province)
        ).all()
        session.execute(delete(CaseCount))
        counts: Counter[tuple[str, str, str, str]] = Counter()
        for org_id, created, categories, province in cases:
            for key in categories.split(","):
                counts[(org_id, created.strftime("%Y-%m"), key, province or "未知")] += 1
        session.add_all(
            CaseCount(org_id=org_id, month=month, category=key, province=province, count=n)
            for (org_id, month, key, province), n in counts.items()
        )
        session.commit()


@pytest.fixture
def served(desk: Desk, tmp_path: Path, sqlite_url: str) -> Iterator[str]:
    """The whole web app (chat and console, with their headers) on a real uvicorn server."""
    from bot.config import Secrets, Settings, read_config_file
    from bot.runtime import build_runtime
    from bot.web.app import create_app
    from handoff.keys.argon import TEST_PROFILE
    from nlu import load_backend

    if desk.engine.dialect.name != "sqlite":
        pytest.skip("screenshots once, on the embedded database")
    config = read_config_file(Path(__file__).resolve().parents[3] / "config.yml")
    config.handoff.argon2 = TEST_PROFILE
    config.handoff.receipt_argon2 = TEST_PROFILE
    settings = Settings(
        config=config,
        secrets=Secrets(secret_key=SecretStr("browser-test-" * 4)),
        var_dir=tmp_path,
    )
    runtime = build_runtime(settings, nlu=load_backend("embedded"), engine=make_engine(sqlite_url))
    app = create_app(settings, runtime)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    asyncio.run(runtime.close())


def shoot(driver: Any, name: str) -> None:
    """Save the whole page (the window grows to the page's height) as ``name``."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(int(height), 600), 4000))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / name)


def log_in(driver: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/console/login")
    driver.find_element(By.NAME, "username").send_keys("mei")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()


@pytest.mark.parametrize(("width", "suffix"), [(390, "phone"), (1280, "desktop")])
def test_queue_case_and_stats_pages_in_a_browser(
    desk: Desk, served: str, tmp_path: Path, width: int, suffix: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    pictured = fill_demo(desk)
    driver = make_driver(tmp_path / "profile", width=width, height=900)
    try:
        wait = WebDriverWait(driver, 20)
        log_in(driver, served)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.queue"))
        rows = driver.find_elements(By.CSS_SELECTOR, "table.queue tbody tr")
        assert len(rows) > 10
        assert driver.find_elements(By.CSS_SELECTOR, ".badge.related")
        shoot(driver, f"console_queue_{suffix}.png")

        driver.set_window_size(width, 900)
        driver.get(f"{served}/console/cases/{pictured}")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bubble"))
        assert len(driver.find_elements(By.CSS_SELECTOR, ".bubble")) == 3
        assert driver.find_elements(By.CSS_SELECTOR, "ul.related li")
        shoot(driver, f"console_case_{suffix}.png")

        driver.set_window_size(width, 900)
        driver.get(f"{served}/console/stats")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg.chart"))
        bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")
        assert bars and all(b.size["width"] > 0 for b in bars[:3])
        shoot(driver, f"console_stats_{suffix}.png")
    finally:
        driver.quit()
