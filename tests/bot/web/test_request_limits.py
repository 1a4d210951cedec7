"""Limits on what a request may cost: the body however it arrives, the text's length, and how
many conversations may start per address and across the service."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from bot.channels.web import TEXT_MAX_CHARS
from bot.config import Settings
from bot.runtime import Runtime
from bot.web.app import MAX_BODY_BYTES, create_app


def _chunks(total: int, size: int = 64_000) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"a" * size
        sent += size


def test_a_chunked_body_is_bounded_too(client: TestClient) -> None:
    response = client.post(
        "/api/chat",
        content=_chunks(MAX_BODY_BYTES + 100_000),  # no Content-Length: sent chunked
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["detail"]
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_text_has_a_maximum_length_in_the_schema(client: TestClient) -> None:
    response = client.post("/api/chat", json={"text": "工" * (TEXT_MAX_CHARS + 1)})
    assert response.status_code == 422
    assert response.json()["fields"] == ["body.text"]
    schema = client.app.openapi()["components"]["schemas"]["ChatRequest"]
    assert schema["properties"]["text"]["anyOf"][0]["maxLength"] == TEXT_MAX_CHARS


def _app(settings: Settings, runtime: Runtime, *, per_ip: int, everyone: int) -> TestClient:
    settings.config.web.new_conversations_per_ip_per_hour = per_ip
    settings.config.web.new_conversations_per_minute = everyone
    return TestClient(create_app(settings, runtime), client=("203.0.113.5", 40000))


def test_starting_conversations_is_limited_per_address(
    settings: Settings, runtime: Runtime
) -> None:
    with _app(settings, runtime, per_ip=3, everyone=100) as client:
        started = [client.post("/api/chat", json={"conversation_id": None}) for _ in range(3)]
        assert [r.status_code for r in started] == [200, 200, 200]
        refused = client.post("/api/chat", json={"conversation_id": None, "text": "你好"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0 and refused.json()["detail"]
        # A conversation already started carries on.
        cid = started[0].json()["conversation_id"]
        going = client.post("/api/chat", json={"conversation_id": cid, "text": "你好"})
        assert going.status_code == 200


def test_starting_conversations_is_limited_for_everyone(
    settings: Settings, runtime: Runtime
) -> None:
    with _app(settings, runtime, per_ip=100, everyone=2) as client:
        codes = [client.post("/api/chat", json={}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
