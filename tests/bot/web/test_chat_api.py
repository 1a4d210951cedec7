"""The web chat API: exact response shape and kind handling of every kind of bad input."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

ID = re.compile(r"[A-Za-z0-9_-]{43,}")


def start(client: TestClient) -> str:
    response = client.post(
        "/api/chat", json={"conversation_id": None, "text": None, "payload": None}
    )
    assert response.status_code == 200
    return str(response.json()["conversation_id"])


def test_new_conversation_shape(client: TestClient) -> None:
    response = client.post(
        "/api/chat", json={"conversation_id": None, "text": None, "payload": None}
    )
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"conversation_id", "replies"}
    assert ID.fullmatch(body["conversation_id"])  # ≥ 256 bits, url-safe
    reply = body["replies"][0]
    assert set(reply) == {"text", "buttons"}
    assert {"title": "投诉", "payload": "/file_complaint"} in reply["buttons"]


def test_new_conversation_ids_differ(client: TestClient) -> None:
    assert start(client) != start(client)


def test_message_in_existing_conversation(client: TestClient) -> None:
    cid = start(client)
    body = client.post("/api/chat", json={"conversation_id": cid, "text": "你好"}).json()
    assert body["conversation_id"] == cid
    assert body["replies"]


def test_button_payload(client: TestClient) -> None:
    cid = start(client)
    body = client.post("/api/chat", json={"conversation_id": cid, "payload": "/menu"}).json()
    assert body["replies"][0]["buttons"][0]["payload"] == "/ask_question"


def test_first_message_without_id_is_answered(client: TestClient) -> None:
    body = client.post("/api/chat", json={"text": "你好"}).json()
    assert ID.fullmatch(body["conversation_id"]) and body["replies"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "没收到文字"),
        ("   ", "没收到文字"),
        ("工" * 100_000, "太长"),
        ("\x00\x01\x02\x03", "看不懂"),
    ],
)
def test_bad_text_gets_kind_reply(client: TestClient, text: str, expected: str) -> None:
    cid = start(client)
    response = client.post("/api/chat", json={"conversation_id": cid, "text": text})
    assert response.status_code == 200
    assert expected in response.json()["replies"][0]["text"]


@pytest.mark.parametrize("text", ["老板不发工资😭😭😭", "勞動合同沒簽怎麼辦", "加班\u200b费", "🙏"])
def test_emoji_traditional_and_odd_characters_are_answered(client: TestClient, text: str) -> None:
    cid = start(client)
    response = client.post("/api/chat", json={"conversation_id": cid, "text": text})
    assert response.status_code == 200
    assert response.json()["replies"][0]["text"]


def test_invalid_json_is_a_clear_422(client: TestClient) -> None:
    response = client.post(
        "/api/chat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "请求格式不对" in response.json()["detail"]


@pytest.mark.parametrize(
    "body", [{"text": 123}, {"conversation_id": ["x"]}, [], "text", {"payload": {"a": 1}}]
)
def test_wrong_types_are_a_clear_422(client: TestClient, body: object) -> None:
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422
    assert "请求格式不对" in response.json()["detail"]


@pytest.mark.parametrize("cid", ["x" * 43, "short", "../../etc/passwd", "a" * 300])
def test_unknown_conversation_restarts_kindly(client: TestClient, cid: str) -> None:
    response = client.post("/api/chat", json={"conversation_id": cid, "text": "你好"})
    assert response.status_code == 200
    body = response.json()
    assert body["conversation_id"] != cid
    assert "重新开始" in body["replies"][0]["text"]


def test_huge_body_is_413(client: TestClient) -> None:
    response = client.post(
        "/api/chat",
        content=b'{"text": "' + b"a" * 1_100_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "太大" in response.json()["detail"]


def test_unknown_route_and_method_are_clear(client: TestClient) -> None:
    assert "找不到" in client.get("/api/nothing").json()["detail"]
    assert client.get("/api/chat").status_code == 405


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/console", "/healthz"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "database": True, "store": True, "nlu": "embedded"}


def test_unknown_conversation_events_and_messages_are_404(client: TestClient) -> None:
    for suffix in ("events", "messages"):
        response = client.get(f"/api/chat/{'z' * 43}/{suffix}")
        assert response.status_code == 404
        assert "重新开始" in response.json()["detail"]


def test_page_assets_are_local_and_scripts_external(client: TestClient) -> None:
    page = client.get("/").text
    assert 'rel="icon" href="/static/favicon.svg"' in page
    favicon = client.get("/static/favicon.svg")
    assert favicon.status_code == 200
    assert favicon.headers["content-type"].startswith("image/svg+xml")
    # The strict CSP (script-src 'self') forbids inline scripts: every script is a file here.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers either
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert client.get(asset).status_code == 200
    # The only address elsewhere is 快速离开's link, followed by the worker, never loaded.
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == [
        "https://www.baidu.com/s?wd=%E5%A4%A9%E6%B0%94"
    ]
