"""Live takeover state: queue, take over (once), hand back, sealed messages, nobody picks up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from handoff.console_models import LiveChat, LiveMessage
from handoff.errors import NotFoundError
from handoff.live import feed as events
from handoff.live.bus import WakeBus
from handoff.live.chats import LIVE, QUEUED, LiveChatConflictError, LiveChatService, LiveParts
from handoff.live.feed import ConsoleFeed
from handoff.live.settings import LiveSettings
from handoff.models import utcnow
from handoff.ports import Delivery, OutgoingMessage
from tests.handoff.live.conftest import Org, make_org

pytestmark = pytest.mark.anyio


@dataclass
class Worker:
    """Records what the chat side was asked to do."""

    sent: list[tuple[str, str, str | None]] = field(default_factory=list)
    control: list[tuple[str, str]] = field(default_factory=list)

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        self.sent += [(conversation_id, m.text, live_chat_id) for m in messages]
        return Delivery.DELIVERED

    async def taken_over(self, conversation_id: str) -> None:
        self.control.append(("taken_over", conversation_id))

    async def handed_back(self, conversation_id: str) -> None:
        self.control.append(("handed_back", conversation_id))


@pytest.fixture
def worker() -> Worker:
    return Worker()


@pytest.fixture
def feed(db: sessionmaker[Session], bus: WakeBus) -> ConsoleFeed:
    return ConsoleFeed(db, bus)


@pytest.fixture
def chats(db: sessionmaker[Session], feed: ConsoleFeed, worker: Worker) -> LiveChatService:
    service = LiveChatService(LiveParts(db=db, feed=feed, settings=LiveSettings()))
    service.connect(worker, worker)
    return service


def kinds(feed: ConsoleFeed) -> list[str]:
    return [e.kind for e in feed.read_after(0)]


async def test_request_take_over_hand_back(
    chats: LiveChatService, org: Org, conversation: str, worker: Worker, feed: ConsoleFeed
) -> None:
    status, created = await chats.request(conversation, org.id, urgent=False)
    assert created and status.state == QUEUED
    assert chats.status(conversation) == status
    again, created_again = await chats.request(conversation, org.id, urgent=True)
    assert not created_again and again.chat_id == status.chat_id and again.urgent

    taken = await chats.take_over(status.chat_id, org.id, org.member.member_id)
    assert taken.state == LIVE and taken.member_id == org.member.member_id
    assert chats.status(conversation) is not None and chats.status(conversation).is_live  # type: ignore[union-attr]
    assert worker.control == [("taken_over", conversation)]

    await chats.hand_back(status.chat_id, org.id)
    assert chats.status(conversation) is None
    assert worker.control[-1] == ("handed_back", conversation)
    assert kinds(feed) == [
        events.LIVE_REQUESTED,
        events.LIVE_SAFETY,
        events.LIVE_TAKEN,
        events.LIVE_ENDED,
    ]


async def test_only_one_caseworker_takes_a_chat(
    chats: LiveChatService, org: Org, conversation: str
) -> None:
    status, _ = await chats.request(conversation, org.id, urgent=False)
    await chats.take_over(status.chat_id, org.id, org.member.member_id)
    with pytest.raises(LiveChatConflictError):
        await chats.take_over(status.chat_id, org.id, org.member.member_id)


async def test_another_organisation_cannot_see_or_take_it(
    chats: LiveChatService, org: Org, conversation: str, db: sessionmaker[Session]
) -> None:
    other = make_org(db, "乙工友中心", "wu")
    status, _ = await chats.request(conversation, org.id, urgent=False)
    with pytest.raises(NotFoundError):
        await chats.take_over(status.chat_id, other.id, other.member.member_id)
    with pytest.raises(NotFoundError):
        chats.read(status.chat_id, other.id, other.member.org_key)
    with pytest.raises(NotFoundError):
        await chats.hand_back(status.chat_id, other.id)
    assert chats.list_for_org(other.id) == []
    assert [s.chat_id for s in chats.list_for_org(org.id)] == [status.chat_id]


async def test_messages_are_sealed_both_ways(
    chats: LiveChatService,
    org: Org,
    conversation: str,
    worker: Worker,
    db: sessionmaker[Session],
) -> None:
    status, _ = await chats.request(conversation, org.id, urgent=False)
    with pytest.raises(LiveChatConflictError):  # nobody has taken it yet
        await chats.staff_message(status.chat_id, org.id, org.member.member_id, "你好")
    await chats.take_over(status.chat_id, org.id, org.member.member_id)
    await chats.worker_message(conversation, "老板欠我三个月工资")
    result = await chats.staff_message(status.chat_id, org.id, org.member.member_id, "收到")
    assert result is Delivery.DELIVERED
    assert worker.sent == [(conversation, "收到", status.chat_id)]
    view = chats.read(status.chat_id, org.id, org.member.org_key)
    assert [(line.author, line.text) for line in view.lines] == [
        ("worker", "老板欠我三个月工资"),
        ("staff", "收到"),
    ]
    with db() as session:
        stored = b"".join(session.scalars(select(LiveMessage.body_sealed)))
    assert "工资".encode() not in stored and "收到".encode() not in stored


async def test_danger_while_live_makes_it_urgent_and_alerts(
    chats: LiveChatService, org: Org, conversation: str, feed: ConsoleFeed
) -> None:
    status, _ = await chats.request(conversation, org.id, urgent=False)
    await chats.take_over(status.chat_id, org.id, org.member.member_id)
    updated = await chats.worker_message(
        conversation, "他们把我锁在宿舍", safety_kinds=("violence_confinement",)
    )
    assert updated is not None and updated.urgent
    assert kinds(feed)[-1] == events.LIVE_SAFETY
    (line,) = chats.read(status.chat_id, org.id, org.member.org_key).lines
    assert line.safety_kinds == ("violence_confinement",)


async def test_nobody_picks_up_the_worker_is_told_once(
    chats: LiveChatService, org: Org, conversation: str, db: sessionmaker[Session]
) -> None:
    status, _ = await chats.request(conversation, org.id, urgent=False)
    assert await chats.sweep() == []  # not yet
    with db() as session:
        session.execute(update(LiveChat).values(requested_at=utcnow() - timedelta(minutes=10)))
        session.commit()
    (told,) = await chats.sweep()
    assert told.status.chat_id == status.chat_id
    assert told.staffed_hours == "周一至周五 9:00-18:00"
    assert await chats.sweep() == []  # told once, still waiting in case someone comes
    current = chats.status(conversation)
    assert current is not None and current.state == QUEUED and current.told_nobody


async def test_requests_nobody_took_expire(
    chats: LiveChatService, org: Org, conversation: str, db: sessionmaker[Session]
) -> None:
    await chats.request(conversation, org.id, urgent=False)
    with db() as session:
        session.execute(update(LiveChat).values(requested_at=utcnow() - timedelta(days=2)))
        session.commit()
    assert await chats.sweep() == []
    assert chats.status(conversation) is None
    assert chats.list_for_org(org.id) == []


async def test_worker_leaves_or_deletes(
    chats: LiveChatService, org: Org, conversation: str
) -> None:
    await chats.request(conversation, org.id, urgent=False)
    assert await chats.end_by_worker(conversation) is not None
    assert chats.status(conversation) is None
    assert await chats.end_by_worker(conversation) is None
    await chats.forget(conversation)  # nothing open: no error


async def test_other_processes_learn_of_a_takeover(
    db: sessionmaker[Session], feed: ConsoleFeed, org: Org, conversation: str, worker: Worker
) -> None:
    """A second service over the same database (another process) sees the change."""
    console_side = LiveChatService(LiveParts(db=db, feed=feed, settings=LiveSettings()))
    console_side.connect(worker, worker)
    bot_side = LiveChatService(LiveParts(db=db, feed=feed, settings=LiveSettings()))
    status, _ = await bot_side.request(conversation, org.id, urgent=False)
    await console_side.take_over(status.chat_id, org.id, org.member.member_id)
    # Not following the bus: it re-reads on its own within a few seconds; force it now.
    bot_side.registry.load_all()
    seen = bot_side.status(conversation)
    assert seen is not None and seen.is_live


async def test_ended_chats_are_deleted_after_the_retention_time(
    chats: LiveChatService, org: Org, conversation: str, db: sessionmaker[Session]
) -> None:
    status, _ = await chats.request(conversation, org.id, urgent=False)
    await chats.take_over(status.chat_id, org.id, org.member.member_id)
    await chats.worker_message(conversation, "谢谢")
    await chats.hand_back(status.chat_id, org.id)
    await chats.sweep()
    assert [s.chat_id for s in chats.list_for_org(org.id, ended_within=timedelta(days=1))] == [
        status.chat_id
    ]
    with db() as session:
        session.execute(update(LiveChat).values(ended_at=utcnow() - timedelta(days=31)))
        session.commit()
    await chats.sweep()
    with db() as session:
        assert session.scalars(select(LiveChat)).all() == []
        assert session.scalars(select(LiveMessage)).all() == []
