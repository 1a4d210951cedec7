"""Nothing lost: a complaint draft survives a Redis restart, a killed process and a database
outage at submission — against real services, with outages the tests own (a redis-server of
their own, a TCP proxy in front of PostgreSQL)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.runtime import Runtime, build_runtime
from bot.web.app import create_app
from handoff.db import make_engine, upgrade
from nlu.types import NluBackend
from tests.bot.conftest import add_organisation, make_settings
from tests.conftest import TEST_DATABASE_URL
from tests.faults import CuttableProxy, OwnRedis
from tests.helpers import Chat, payloads, receipt_in

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]

FIRST_STEPS: list[dict[str, str]] = [
    {"say": "我要投诉"},
    {"tap": "/pick{consent:yes}"},
    {"tap": "/pick{categories:wages}"},
    {"tap": "/done"},
    {"say": "宏达电子厂"},
]
LAST_STEPS: list[dict[str, str]] = [
    {"tap": "/skip"},  # brands
    {"say": "广东东莞"},
    {"tap": "/skip"},  # district
    {"say": "去年三月"},
    {"tap": "/pick{ongoing:still}"},
    {"tap": "/pick{affected:few}"},
    {"say": "欠了三个月工资"},
    {"tap": "/skip"},  # evidence
    {"tap": "/skip"},  # wants
    {"tap": "/pick{contact:chat}"},
]


async def play(chat: Chat, steps: list[dict[str, str]]) -> list:
    replies: list = []
    for step in steps:
        replies = await (chat.say(step["say"]) if "say" in step else chat.tap(step["tap"]))
    return replies


def intake_step(state) -> str | None:  # type: ignore[no-untyped-def]
    if state is None:
        return None
    flow = state.flow if state.flow and state.flow.name == "intake" else state.paused_flow("intake")
    return flow.step if flow else None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Engine]:
    """SQLite always; PostgreSQL when TEST_DATABASE_URL is set (CI)."""
    if request.param == "sqlite":
        engine = make_engine(sqlite_url)
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    engine = request.getfixturevalue("postgres_engine")
    upgrade(engine)
    yield engine


async def test_redis_restart_mid_flow_loses_nothing(
    own_redis: OwnRedis, database: Engine, tmp_path: Path, nlu_backend: NluBackend
) -> None:
    runtime = build_runtime(
        make_settings(tmp_path, redis_url=own_redis.url), nlu=nlu_backend, engine=database
    )
    add_organisation(runtime)
    chat = Chat(runtime)
    await play(chat, FIRST_STEPS)
    assert intake_step(await chat.state()) == "brands"

    own_redis.restart()  # every session in Redis is gone, pooled connections are stale

    replies = await play(chat, LAST_STEPS)
    assert "/submit" in payloads(replies)
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.data["answers"]["employer"] == "宏达电子厂"
    assert receipt_in(await chat.tap("/submit")) is not None
    await runtime.close()


def test_web_chat_answers_after_a_redis_restart(
    own_redis: OwnRedis, tmp_path: Path, sqlite_url: str, nlu_backend: NluBackend
) -> None:
    settings = make_settings(tmp_path, redis_url=own_redis.url)
    runtime = build_runtime(settings, nlu=nlu_backend, engine=make_engine(sqlite_url))
    add_organisation(runtime)
    with TestClient(create_app(settings, runtime)) as client:
        first = client.post("/api/chat", json={"conversation_id": None, "text": "我要投诉"}).json()
        cid = first["conversation_id"]
        client.post("/api/chat", json={"conversation_id": cid, "payload": "/pick{consent:yes}"})
        own_redis.restart()
        response = client.post(
            "/api/chat", json={"conversation_id": cid, "payload": "/pick{categories:wages}"}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["conversation_id"] == cid  # the same conversation, not a new one
        assert any("/done" in b["payload"] for r in body["replies"] for b in r["buttons"])
        events = client.get(f"/api/chat/{cid}/messages", params={"wait": 0})
        assert events.status_code == 200


@pytest.mark.parametrize("with_redis", [False, True], ids=["embedded", "redis"])
async def test_killed_process_loses_nothing(
    with_redis: bool, tmp_path: Path, sqlite_url: str, nlu_backend: NluBackend, request
) -> None:
    redis_url = ""
    if with_redis:
        redis_url = request.getfixturevalue("own_redis").url
    engine = make_engine(sqlite_url)
    upgrade(engine)
    key = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "CHAT_DB": sqlite_url,
        "CHAT_REDIS": redis_url,
        "CHAT_KEY": key,
        "CHAT_VAR": str(tmp_path),
    }
    setup = build_runtime(make_settings(tmp_path), nlu=nlu_backend, engine=engine)
    add_organisation(setup)
    process = subprocess.Popen(  # noqa: S603 - this interpreter and a module of ours
        [sys.executable, "-m", "tests.bot.chat_process", json.dumps(FIRST_STEPS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = iter(process.stdout.readline, "")
        assert any(line.strip() == "READY" for line in lines)  # log lines may come first
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    runtime = build_runtime(
        make_settings(tmp_path, redis_url=redis_url or None), nlu=nlu_backend, engine=engine
    )
    chat = Chat(runtime, key=key)
    replies = await play(chat, LAST_STEPS)
    assert "/submit" in payloads(replies)
    state = await chat.state()
    assert state is not None and state.flow is not None
    assert state.flow.data["answers"]["employer"] == "宏达电子厂"
    await runtime.close()
    await setup.close()


@pytest.mark.postgres
async def test_database_down_at_submit_keeps_the_draft_and_submits_when_back(
    tmp_path: Path, nlu_backend: NluBackend, request: pytest.FixtureRequest
) -> None:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    real = request.getfixturevalue("postgres_engine")
    upgrade(real)
    proxy = CuttableProxy("127.0.0.1", 5432)
    proxy.start()
    url = TEST_DATABASE_URL.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    engine = make_engine(url, connect_args=_connect_args(real))
    runtime: Runtime = build_runtime(make_settings(tmp_path), nlu=nlu_backend, engine=engine)
    try:
        add_organisation(runtime)
        chat = Chat(runtime)
        await play(chat, FIRST_STEPS + LAST_STEPS)

        proxy.cut()
        replies = await chat.tap("/submit")
        assert receipt_in(replies) is None
        assert "/submit" in payloads(replies)  # try again, the draft is kept
        assert intake_step(await chat.state()) == "summary"

        proxy.restore()
        replies = await chat.tap("/submit")
        receipt = receipt_in(replies)
        assert receipt is not None
        assert runtime.cases.find_by_receipt(receipt) is not None
    finally:
        await runtime.close()
        proxy.stop()


def _connect_args(engine: Engine) -> dict[str, str]:
    """The per-test schema of ``postgres_engine`` (set through connect_args options)."""
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("SHOW search_path").scalar()
    return {"options": f"-csearch_path={schema}"}
