"""The relay over real HTTP on a real server: a caseworker's message reaches the worker's open
chat page over SSE; the worker's answer reaches the caseworker's open console over SSE; many
open pages cost one subscriber per process. In-process stores and, where REDIS_URL is set,
Redis."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import anyio
import httpx
import pytest
import redis

from bot.messages import Button, Reply
from bot.runtime import Runtime
from tests.bot.conftest import COORDINATOR, PASSWORD, add_organisation
from tests.helpers import answer_all

STREAM = {"Accept": "text/event-stream"}


@pytest.fixture
def runtime(served_runtime: Runtime) -> Runtime:
    """The app under test serves an organisation, on every configured backend."""
    add_organisation(served_runtime)
    return served_runtime


class HttpWorker:
    """A worker's page talking to /api/chat (the shape tests.helpers.answer_all drives)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.key: str | None = None

    async def _post(self, body: dict[str, Any]) -> list[Reply]:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as http:
            answer = await http.post("/api/chat", json={"conversation_id": self.key, **body})
        answer.raise_for_status()
        data = answer.json()
        self.key = data["conversation_id"]
        return [
            Reply(r["text"], tuple(Button(b["title"], b["payload"]) for b in r["buttons"]))
            for r in data["replies"]
        ]

    async def say(self, text: str) -> list[Reply]:
        return await self._post({"text": text})

    async def tap(self, payload: str) -> list[Reply]:
        return await self._post({"payload": payload})


class Stream:
    """An open SSE connection read on a thread: events arrive on a queue."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[str | None, dict[str, Any]]] = queue.Queue()
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()
        assert self.opened.wait(10), "stream did not open"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(10, read=60)) as http,
                http.stream("GET", url, headers=headers) as response,
            ):
                assert response.status_code == 200, response.status_code
                self.opened.set()
                event_id = None
                for line in response.iter_lines():
                    if line.startswith("id:"):
                        event_id = line.split(":", 1)[1].strip()
                    elif line.startswith("data:"):
                        self.events.put((event_id, json.loads(line.split(":", 1)[1])))
        except httpx.HTTPError:
            if not self._stop.is_set():
                raise

    def next(self, timeout: float = 10) -> dict[str, Any]:
        return self.events.get(timeout=timeout)[1]

    def close(self) -> None:
        self._stop.set()
        # The reading thread ends when the server closes the stream at shutdown.


def console_token(base_url: str) -> dict[str, str]:
    answer = httpx.post(
        base_url + "/api/console/login",
        json={"username": COORDINATOR, "password": PASSWORD, "totp": ""},
    )
    answer.raise_for_status()
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def test_two_way_relay_through_open_pages(live_server: str) -> None:
    worker = HttpWorker(live_server)
    anyio.run(answer_all, worker)
    staff = console_token(live_server)
    (case,) = httpx.get(live_server + "/api/console/cases", headers=staff).json()["data"]
    chat_page = Stream(f"{live_server}/api/chat/{worker.key}/events", {})
    console_page = Stream(live_server + "/api/console/events", {**staff, **STREAM})
    try:
        sent = httpx.post(
            f"{live_server}/api/console/cases/{case['id']}/messages",
            headers=staff,
            json={"text": "你好，请问欠了几个月？"},
        )
        assert sent.status_code == 201 and sent.json()["delivery"] == "delivered"
        pushed = chat_page.next()
        assert pushed["from"] == "staff"
        (reply,) = pushed["replies"]
        assert "你好，请问欠了几个月？" in reply["text"] and COORDINATOR not in reply["text"]
        (button,) = reply["buttons"]

        anyio.run(worker.tap, button["payload"])
        anyio.run(worker.say, "三个月了")
        seen = console_page.next()
        while seen["kind"] != "case_message":
            seen = console_page.next()
        assert seen == {"kind": "case_message", "case_id": case["id"], "live_chat_id": None}
        thread = httpx.get(f"{live_server}/api/console/cases/{case['id']}", headers=staff).json()
        assert "三个月了" in json.dumps(thread, ensure_ascii=False)
    finally:
        chat_page.close()
        console_page.close()


def test_live_takeover_over_http(live_server: str) -> None:
    worker = HttpWorker(live_server)
    anyio.run(worker.say, "你好")
    chat_page = Stream(f"{live_server}/api/chat/{worker.key}/events", {})
    staff = console_token(live_server)
    console_page = Stream(live_server + "/api/console/events", {**staff, **STREAM})
    try:
        anyio.run(worker.tap, "/talk_to_human")
        assert console_page.next()["kind"] == "live_requested"
        (waiting,) = httpx.get(live_server + "/api/console/live", headers=staff).json()["data"]
        taken = httpx.post(f"{live_server}/api/console/live/{waiting['id']}/take", headers=staff)
        assert taken.status_code == 200
        assert chat_page.next()["from"] == "bot"  # 工作人员已经接入
        assert anyio.run(worker.say, "我想问工资的事") == []  # the bot is silent
        assert console_page.next()["kind"] in ("live_taken", "live_message")
        httpx.post(
            f"{live_server}/api/console/live/{waiting['id']}/messages",
            headers=staff,
            json={"text": "请讲"},
        ).raise_for_status()
        assert "请讲" in chat_page.next()["replies"][0]["text"]
        httpx.post(
            f"{live_server}/api/console/live/{waiting['id']}/hand-back", headers=staff
        ).raise_for_status()
        assert chat_page.next()["from"] == "bot"  # back to the bot
        assert anyio.run(worker.say, "加班费怎么算") != []
    finally:
        chat_page.close()
        console_page.close()


def test_console_stream_resumes_from_last_event_id(live_server: str, runtime: Runtime) -> None:
    staff = console_token(live_server)
    org_id = runtime.organisations.unlock(COORDINATOR, PASSWORD).org_id
    feed = runtime.console.live.feed
    first = anyio.run(lambda: feed.emit(org_id, "case_new", case_id="c1"))
    anyio.run(lambda: feed.emit(org_id, "case_new", case_id="c2"))
    page = Stream(
        live_server + "/api/console/events", {**staff, **STREAM, "Last-Event-ID": str(first)}
    )
    try:
        assert page.next()["case_id"] == "c2"
    finally:
        page.close()


def subscribers(redis_url: str) -> int:
    client = redis.Redis.from_url(redis_url)
    db = str(client.connection_pool.connection_kwargs.get("db", 0))
    try:
        return sum(
            1 for c in client.client_list() if int(c.get("psub", 0)) > 0 and str(c.get("db")) == db
        )
    finally:
        client.close()


def test_many_open_pages_one_subscriber(live_server: str, runtime: Runtime) -> None:
    pages = 30
    workers = [HttpWorker(live_server) for _ in range(pages)]
    for worker in workers:
        anyio.run(worker.say, "你好")
        anyio.run(worker.tap, "/talk_to_human")
    staff = console_token(live_server)
    chats = [Stream(f"{live_server}/api/chat/{w.key}/events", {}) for w in workers]
    consoles = [
        Stream(live_server + "/api/console/events", {**staff, **STREAM}) for _ in range(pages)
    ]
    try:
        hub = runtime.console.live.hub
        for _ in range(100):
            if hub.page_count == pages:
                break
            threading.Event().wait(0.05)
        assert hub.page_count == pages
        org_id = runtime.organisations.unlock(COORDINATOR, PASSWORD).org_id
        anyio.run(lambda: runtime.console.live.feed.emit(org_id, "case_new", case_id="c9"))
        assert all(page.next()["case_id"] == "c9" for page in consoles)
        waiting = httpx.get(live_server + "/api/console/live", headers=staff).json()["data"]
        for chat in waiting:
            taken = httpx.post(f"{live_server}/api/console/live/{chat['id']}/take", headers=staff)
            assert taken.status_code == 200
        assert all(page.next()["from"] == "bot" for page in chats)  # 工作人员已经接入, each
        if runtime.settings.secrets.redis_url:
            assert subscribers(runtime.settings.secrets.redis_url) == 1
    finally:
        for page in chats + consoles:
            page.close()
