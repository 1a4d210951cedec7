"""Messages pushed later (by a caseworker) reach the page over SSE and over polling."""

from __future__ import annotations

import json
import re

import anyio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.messages import Button, Reply


def start(client: TestClient) -> str:
    return str(client.post("/api/chat", json={"conversation_id": None}).json()["conversation_id"])


def push(app: FastAPI, cid: str, text: str) -> None:
    async def send() -> None:
        await app.state.web_channel.send(cid, [Reply(text, (Button("好的", "/affirm"),))])

    anyio.run(send)


def test_polling_receives_pushed_messages_in_order(client: TestClient, app: FastAPI) -> None:
    cid = start(client)
    assert client.get(f"/api/chat/{cid}/messages").json() == {"events": [], "cursor": None}
    push(app, cid, "你好，我是工作人员小李")
    push(app, cid, "请问你在哪个城市？")
    body = client.get(f"/api/chat/{cid}/messages").json()
    assert [e["replies"][0]["text"] for e in body["events"]] == [
        "你好，我是工作人员小李",
        "请问你在哪个城市？",
    ]
    assert body["events"][0]["replies"][0]["buttons"] == [{"title": "好的", "payload": "/affirm"}]
    again = client.get(f"/api/chat/{cid}/messages", params={"after": body["cursor"]}).json()
    assert again["events"] == []


def test_polling_rejects_silly_wait(client: TestClient) -> None:
    cid = start(client)
    assert client.get(f"/api/chat/{cid}/messages", params={"wait": 9999}).status_code == 422


def test_server_sent_events_on_a_real_server(live_server: str, app: FastAPI) -> None:
    with httpx.Client(base_url=live_server, timeout=10) as http:
        cid = http.post("/api/chat", json={"conversation_id": None}).json()["conversation_id"]
        push(app, cid, "第一条")
        with http.stream("GET", f"/api/chat/{cid}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            event_id, data = None, None
            for line in stream.iter_lines():
                if line.startswith("id:"):
                    event_id = line.split(":", 1)[1].strip()
                if line.startswith("data:"):
                    data = json.loads(line.split(":", 1)[1])
                    break
        assert data is not None and data["replies"][0]["text"] == "第一条"
        push(app, cid, "第二条")
        with http.stream(
            "GET", f"/api/chat/{cid}/events", headers={"Last-Event-ID": str(event_id)}
        ) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    assert json.loads(line.split(":", 1)[1])["replies"][0]["text"] == "第二条"
                    break


@pytest.mark.parametrize("path", ["/", "/static/chat.js", "/static/chat.css", "/console"])
def test_pages_load_nothing_from_third_parties(client: TestClient, path: str) -> None:
    body = client.get(path).text
    # A link the worker follows (快速离开) is navigation, not something the page loads.
    body = re.sub(r'<a\s[^>]*href="https://[^"]*"', "<a", body)
    assert "http://" not in body and "https://" not in body and "//cdn" not in body
