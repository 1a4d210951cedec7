"""Live chats in the console over HTTP: list, take over (once), talk, hand back; who may do
what; CSRF on the forms; audit entries; what a worker wrote renders inert."""

from __future__ import annotations

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from handoff.console.services import ConsoleServices
from handoff.console_models import AuditEntry
from handoff.live.chats import LiveStatus
from tests.handoff.console.web.conftest import (
    RecordingPorts,
    World,
    api_login,
    bearer,
    browser_login,
)

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def ports(services: ConsoleServices) -> RecordingPorts:
    recording = RecordingPorts()
    services.live.chats.connect(recording, recording)
    return recording


@pytest.fixture
def waiting(world: World, ports: RecordingPorts) -> LiveStatus:
    """Organisation A's worker asked for a person."""
    chats = world.services.live.chats

    async def ask() -> LiveStatus:
        status, _created = await chats.request(world.conversation_a, world.org_a, urgent=True)
        return status

    return anyio.run(ask)


def worker_says(world: World, text: str) -> None:
    anyio.run(world.services.live.chats.worker_message, world.conversation_a, text)


def audited(services: ConsoleServices) -> list[str]:
    with services.db() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_take_over_talk_and_hand_back_by_api(
    client: TestClient, world: World, waiting: LiveStatus, ports: RecordingPorts
) -> None:
    cai = bearer(api_login(client, "cai"))
    listed = client.get("/api/console/live", headers=cai).json()
    assert listed["count"] == 1
    assert listed["data"][0] | {"requested_at": None} == {
        "id": waiting.chat_id,
        "state": "queued",
        "urgent": True,
        "requested_at": None,
        "started_at": None,
        "caseworker": None,
        "told_nobody": False,
    }
    assert "conversation" not in str(listed)

    taken = client.post(f"/api/console/live/{waiting.chat_id}/take", headers=cai)
    assert taken.status_code == 200 and taken.json()["caseworker"] == "cai"
    again = client.post(f"/api/console/live/{waiting.chat_id}/take", headers=cai)
    assert again.status_code == 409

    worker_says(world, "老板扣了我的押金")
    sent = client.post(
        f"/api/console/live/{waiting.chat_id}/messages", headers=cai, json={"text": "押金多少？"}
    )
    assert sent.status_code == 201 and sent.json() == {"delivery": "queued"}
    ((conversation, (message,)),) = ports.delivered
    assert conversation == world.conversation_a
    assert "押金多少？" in message.text and "cai" not in message.text

    chat = client.get(f"/api/console/live/{waiting.chat_id}", headers=cai).json()
    assert [(m["author"], m["text"]) for m in chat["messages"]] == [
        ("worker", "老板扣了我的押金"),
        ("staff", "押金多少？"),
    ]
    ended = client.post(f"/api/console/live/{waiting.chat_id}/hand-back", headers=cai)
    assert ended.status_code == 200 and ended.json()["state"] == "ended"
    assert {"live_take", "live_message", "live_view", "live_hand_back"} <= set(
        audited(world.services)
    )


def test_only_the_member_who_has_it_or_a_coordinator_talks(
    client: TestClient, world: World, waiting: LiveStatus
) -> None:
    ana = bearer(api_login(client, "ana"))
    cai = bearer(api_login(client, "cai"))
    assert client.post(f"/api/console/live/{waiting.chat_id}/take", headers=ana).status_code == 200
    talk = {"json": {"text": "你好"}}
    assert (
        client.post(
            f"/api/console/live/{waiting.chat_id}/messages", headers=cai, **talk
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/console/live/{waiting.chat_id}/hand-back", headers=cai).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/console/live/{waiting.chat_id}/messages", headers=ana, **talk
        ).status_code
        == 201
    )


def test_another_organisation_sees_nothing(
    client: TestClient, world: World, waiting: LiveStatus
) -> None:
    bei = bearer(api_login(client, "bei"))
    assert client.get("/api/console/live", headers=bei).json() == {"data": [], "count": 0}
    for method, path in (
        ("GET", ""),
        ("POST", "/take"),
        ("POST", "/hand-back"),
    ):
        response = client.request(method, f"/api/console/live/{waiting.chat_id}{path}", headers=bei)
        assert response.status_code == 404, (method, path)
    page = client.get(f"/console/live/{waiting.chat_id}", headers=bei, follow_redirects=False)
    assert page.status_code == 404


def test_pages_take_over_with_csrf_and_render_words_inert(
    client: TestClient, world: World, waiting: LiveStatus
) -> None:
    csrf = browser_login(client, "cai")
    listing = client.get("/console/live")
    assert waiting.chat_id in listing.text and 'hx-get="/console/live/list"' in listing.text
    refused = client.post(f"/console/live/{waiting.chat_id}/take", follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    taken = client.post(
        f"/console/live/{waiting.chat_id}/take",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert taken.status_code == 303
    worker_says(world, XSS)
    page = client.get(f"/console/live/{waiting.chat_id}")
    assert page.status_code == 200
    assert XSS not in page.text and "&lt;script&gt;" in page.text
    assert 'name="text"' in page.text  # the member who has it may talk
    sent = client.post(
        f"/console/live/{waiting.chat_id}/messages",
        data={"csrf_token": csrf, "text": "收到"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    thread = client.get(f"/console/live/{waiting.chat_id}/thread")
    assert "收到" in thread.text and 'data-live-chat-id="' in thread.text


def test_events_need_a_login_and_a_stream_request(client: TestClient, world: World) -> None:
    assert client.get("/api/console/events").status_code == 401
    anonymous = client.get("/console/events", follow_redirects=False)
    assert anonymous.status_code == 303
    cai = bearer(api_login(client, "cai"))
    assert client.get("/api/console/events", headers=cai).status_code == 406
