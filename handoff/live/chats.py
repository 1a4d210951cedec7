"""Live takeover: a worker asks for a person, a caseworker takes the chat, hands it back.

The state is owned here, in the database (``LiveChat``: queued → live → ended). Every process
keeps an in-process copy of the open chats (:class:`LiveRegistry`) so the bot can ask "is a
person speaking in this conversation?" on every message without a round trip; a change is
written to the database first, then announced on the bus so the other processes re-read that
conversation (and everything after their subscriber reconnects, and every half minute).

Messages of a live chat are sealed to the organisation's key as they arrive: the server can
write them but not read them back.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog
from nacl.public import PrivateKey
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from handoff.console_models import LiveChat, LiveMessage
from handoff.dbguard import database_errors
from handoff.errors import AccessDeniedError, DatabaseUnavailableError, NotFoundError
from handoff.keys.boxes import BoxOpenError, seal, unseal
from handoff.live import feed as events
from handoff.live.bus import RESYNC, Listener, WakeBus
from handoff.live.feed import ConsoleFeed
from handoff.live.settings import LiveSettings
from handoff.live.tasks import current_loop, running_here, stop
from handoff.models import utcnow
from handoff.orgs.models import Organisation
from handoff.ports import ConversationControl, Delivery, OutgoingMessage, WorkerDelivery

log = structlog.get_logger(__name__)

QUEUED = "queued"
LIVE = "live"
ENDED = "ended"
OPEN_STATES = (QUEUED, LIVE)
TOPIC = "live"
_RELOAD_SECONDS = 30.0
_UNFOLLOWED_SECONDS = 3.0


class LiveChatConflictError(RuntimeError):
    """The chat is not in a state that allows this (already taken, already ended)."""


@dataclass(frozen=True, slots=True)
class LiveStatus:
    """An open (or just ended) live chat, without content."""

    chat_id: str
    conversation_id: str
    org_id: str
    state: str
    urgent: bool
    requested_at: datetime
    member_id: str | None = None
    started_at: datetime | None = None
    told_nobody: bool = False

    @property
    def is_live(self) -> bool:
        """A person speaks in this conversation: the bot stays silent."""
        return self.state == LIVE


@dataclass(frozen=True, slots=True)
class LiveLine:
    """One message of a live chat as the organisation reads it."""

    author: str  # worker | staff | system
    text: str
    at: datetime
    member_id: str | None = None
    safety_kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LiveChatView:
    """A live chat opened with the organisation's key."""

    status: LiveStatus
    lines: list[LiveLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A request nobody picked up in time: the worker is to be told."""

    status: LiveStatus
    staffed_hours: str


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _status(row: LiveChat) -> LiveStatus:
    return LiveStatus(
        chat_id=row.id,
        conversation_id=row.conversation_id,
        org_id=row.org_id,
        state=row.state,
        urgent=row.urgent,
        requested_at=_aware(row.requested_at),
        member_id=row.member_id,
        started_at=_aware(row.started_at) if row.started_at is not None else None,
        told_nobody=row.worker_told_nobody,
    )


class LiveRegistry:
    """This process's copy of the open live chats, by conversation id."""

    def __init__(self, db: sessionmaker[Session], bus: WakeBus) -> None:
        self._db = db
        self._bus = bus
        self._open: dict[str, LiveStatus] = {}
        self._listener: Listener | None = None
        self._reload_task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._loaded_at = -_UNFOLLOWED_SECONDS

    def get(self, conversation_id: str) -> LiveStatus | None:
        """The open chat of a conversation, if any. No I/O while this process follows the bus;
        a process that does not (it never started its background work) re-reads the open
        chats at most every few seconds instead, so it can never miss a takeover for long."""
        if not running_here(self._reload_task) and self._loaded_at + _UNFOLLOWED_SECONDS < (
            time.monotonic()
        ):
            with contextlib.suppress(DatabaseUnavailableError):
                self.load_all()
        return self._open.get(conversation_id)

    def open_chats(self) -> list[LiveStatus]:
        """Every open chat this process knows of."""
        return list(self._open.values())

    def load_all(self) -> None:
        """Read every open chat from the database (at start and after a reconnect)."""
        with database_errors(), self._db() as session:
            rows = session.scalars(select(LiveChat).where(LiveChat.state.in_(OPEN_STATES)))
            self._open = {row.conversation_id: _status(row) for row in rows}
        self._loaded_at = time.monotonic()

    def load(self, conversation_id: str) -> LiveStatus | None:
        """Re-read one conversation's open chat from the database."""
        with database_errors(), self._db() as session:
            row = session.scalar(
                select(LiveChat)
                .where(LiveChat.conversation_id == conversation_id)
                .where(LiveChat.state.in_(OPEN_STATES))
                .order_by(LiveChat.requested_at.desc())
                .limit(1)
            )
        self.put(conversation_id, _status(row) if row is not None else None)
        return self._open.get(conversation_id)

    def put(self, conversation_id: str, status: LiveStatus | None) -> None:
        """Record a change made by this process."""
        if status is None or status.state not in OPEN_STATES:
            self._open.pop(conversation_id, None)
        else:
            self._open[conversation_id] = status

    async def announce(self, conversation_id: str) -> None:
        """Tell the other processes to re-read this conversation."""
        await self._bus.publish(TOPIC, conversation_id)

    def follow(self) -> None:
        """Follow other processes' changes from the running loop (a process's background
        work starts this; a no-op when already following)."""
        loop = current_loop()
        if loop is None or running_here(self._reload_task):
            return
        if self._listener is not None:
            self._listener.close()
        self._listener = self._bus.listen(TOPIC, self._on_wake)
        self._reload_task = loop.create_task(self._reload_now_and_then(), name="live-registry")

    def _on_wake(self, conversation_id: str) -> None:
        reload = (
            self._reload_all() if conversation_id == RESYNC else self._reload_one(conversation_id)
        )
        task = asyncio.get_running_loop().create_task(reload)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _reload_one(self, conversation_id: str) -> None:
        with contextlib.suppress(DatabaseUnavailableError):
            await asyncio.to_thread(self.load, conversation_id)

    async def _reload_all(self) -> None:
        try:
            await asyncio.to_thread(self.load_all)
        except DatabaseUnavailableError:
            log.warning("live_registry_reload_failed")

    async def _reload_now_and_then(self) -> None:
        while True:
            await asyncio.sleep(_RELOAD_SECONDS)
            await self._reload_all()

    async def close(self) -> None:
        """Stop following changes."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        task, self._reload_task = self._reload_task, None
        await stop(task)


@dataclass
class LiveParts:
    """What the live-chat service works with; ``control`` and ``delivery`` are the chat
    side's ports, set once ``bot`` has built them."""

    db: sessionmaker[Session]
    feed: ConsoleFeed
    settings: LiveSettings
    control: ConversationControl | None = None
    delivery: WorkerDelivery | None = None


class LiveChatService:
    """Requests, takeovers, hand-backs and the messages of live chats."""

    def __init__(self, parts: LiveParts) -> None:
        self._parts = parts
        self._db = parts.db
        self.registry = LiveRegistry(parts.db, parts.feed.bus)

    def connect(self, control: ConversationControl, delivery: WorkerDelivery) -> None:
        """Plug in the chat side's ports (built after this service)."""
        self._parts.control = control
        self._parts.delivery = delivery

    # ---- what the bot asks on every message ---------------------------------------------

    def status(self, conversation_id: str) -> LiveStatus | None:
        """The conversation's open live chat, from this process's registry."""
        return self.registry.get(conversation_id)

    # ---- the worker's side ----------------------------------------------------------------

    async def request(
        self, conversation_id: str, org_id: str, *, urgent: bool
    ) -> tuple[LiveStatus, bool]:
        """Queue the conversation for a person; returns the chat and whether it is new (an
        open request is reused, and becomes urgent if this one is)."""
        status, created = await asyncio.to_thread(self._request, conversation_id, org_id, urgent)
        await self._changed(status)
        if created or urgent:
            await self._parts.feed.emit(
                org_id,
                events.LIVE_REQUESTED if created else events.LIVE_SAFETY,
                live_chat_id=status.chat_id,
            )
        return status, created

    def _request(self, conversation_id: str, org_id: str, urgent: bool) -> tuple[LiveStatus, bool]:
        with database_errors(), self._db() as session:
            row = self._open_row(session, conversation_id)
            if row is not None:
                row.urgent = row.urgent or urgent
                session.commit()
                return _status(row), False
            row = LiveChat(
                id=secrets.token_hex(16),
                conversation_id=conversation_id,
                org_id=org_id,
                state=QUEUED,
                urgent=urgent,
                requested_at=utcnow(),
            )
            session.add(row)
            session.commit()
            return _status(row), True

    @staticmethod
    def _open_row(session: Session, conversation_id: str) -> LiveChat | None:
        return session.scalar(
            select(LiveChat)
            .where(LiveChat.conversation_id == conversation_id)
            .where(LiveChat.state.in_(OPEN_STATES))
            .order_by(LiveChat.requested_at.desc())
            .limit(1)
        )

    async def worker_message(
        self, conversation_id: str, text: str, *, safety_kinds: Sequence[str] = ()
    ) -> LiveStatus | None:
        """Relay what the worker wrote into the open chat (sealed to the organisation) and
        wake the console; a danger in it makes the chat urgent and alerts the caseworker."""
        status = self.registry.get(conversation_id)
        if status is None:
            return None
        kinds = tuple(safety_kinds)
        updated = await asyncio.to_thread(
            self._add_line, status.chat_id, "worker", text, None, kinds
        )
        if updated is None:
            return None
        if kinds and not status.urgent:
            await self._changed(updated)
        kind = events.LIVE_SAFETY if kinds else events.LIVE_MESSAGE
        await self._parts.feed.emit(status.org_id, kind, live_chat_id=status.chat_id)
        return updated

    def _add_line(
        self,
        chat_id: str,
        author: str,
        text: str,
        member_id: str | None,
        safety_kinds: tuple[str, ...] = (),
    ) -> LiveStatus | None:
        with database_errors(), self._db() as session:
            row = session.get(LiveChat, chat_id)
            if row is None or row.state not in OPEN_STATES:
                return None
            org = session.get(Organisation, row.org_id)
            assert org is not None  # noqa: S101 - foreign key
            session.add(
                LiveMessage(
                    id=secrets.token_hex(16),
                    chat_id=row.id,
                    author=author,
                    member_id=member_id,
                    body_sealed=seal(org.public_key, text.encode("utf-8")),
                    safety_kinds=",".join(safety_kinds)[:100],
                )
            )
            if safety_kinds:
                row.urgent = True
            session.commit()
            return _status(row)

    async def end_by_worker(self, conversation_id: str) -> LiveStatus | None:
        """The worker left the queue or the chat (or deleted their data)."""
        status = self.registry.get(conversation_id) or await asyncio.to_thread(
            self.registry.load, conversation_id
        )
        if status is None:
            return None
        ended = await asyncio.to_thread(self._end, status.chat_id, None)
        self.registry.put(conversation_id, None)
        await self.registry.announce(conversation_id)
        await self._parts.feed.emit(status.org_id, events.LIVE_ENDED, live_chat_id=status.chat_id)
        return ended

    def _end(self, chat_id: str, org_id: str | None) -> LiveStatus | None:
        with database_errors(), self._db() as session:
            row = session.get(LiveChat, chat_id)
            if row is None or (org_id is not None and row.org_id != org_id):
                return None
            if row.state != ENDED:
                row.state = ENDED
                row.ended_at = utcnow()
                session.commit()
            return _status(row)

    # ---- the organisation's side ----------------------------------------------------------

    async def take_over(self, chat_id: str, org_id: str, member_id: str) -> LiveStatus:
        """A caseworker takes the chat: the bot goes silent and the worker is told."""
        status = await asyncio.to_thread(self._take, chat_id, org_id, member_id)
        await self._changed(status)
        await self._parts.feed.emit(org_id, events.LIVE_TAKEN, live_chat_id=chat_id)
        control = self._parts.control
        if control is not None:
            await control.taken_over(status.conversation_id)
        return status

    def _take(self, chat_id: str, org_id: str, member_id: str) -> LiveStatus:
        with database_errors(), self._db() as session:
            # One statement, so two caseworkers clicking at once cannot both take it.
            result = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id, LiveChat.org_id == org_id)
                .where(LiveChat.state == QUEUED)
                .values(state=LIVE, member_id=member_id, started_at=utcnow())
            )
            session.commit()
            row = session.get(LiveChat, chat_id)
            if row is None or row.org_id != org_id:
                raise NotFoundError(chat_id)
            if getattr(result, "rowcount", 0) != 1:
                raise LiveChatConflictError(row.state)
            session.refresh(row)
            return _status(row)

    async def hand_back(self, chat_id: str, org_id: str) -> LiveStatus:
        """The caseworker hands the conversation back to the bot (or ends a queued request)."""
        status = await asyncio.to_thread(self._end, chat_id, org_id)
        if status is None:
            raise NotFoundError(chat_id)
        await self._changed(status)
        await self._parts.feed.emit(org_id, events.LIVE_ENDED, live_chat_id=chat_id)
        control = self._parts.control
        if control is not None and status.started_at is not None:
            await control.handed_back(status.conversation_id)
        return status

    async def staff_message(
        self, chat_id: str, org_id: str, member_id: str, text: str, *, shown_as: str = "{text}"
    ) -> Delivery:
        """Send a caseworker's message to the worker while the chat is live; ``shown_as`` is
        what the worker's chat shows (a template with ``{text}``, e.g. "工作人员：{text}")."""
        status = await asyncio.to_thread(self._status_of, chat_id, org_id)
        if status.state != LIVE:
            raise LiveChatConflictError(status.state)
        await asyncio.to_thread(self._add_line, chat_id, "staff", text, member_id)
        delivery = self._parts.delivery
        result = Delivery.QUEUED
        if delivery is not None:
            result = await delivery.deliver(
                status.conversation_id,
                [OutgoingMessage(shown_as.format(text=text))],
                live_chat_id=chat_id,
            )
        await self._parts.feed.emit(org_id, events.LIVE_MESSAGE, live_chat_id=chat_id)
        return result

    def _status_of(self, chat_id: str, org_id: str) -> LiveStatus:
        with database_errors(), self._db() as session:
            row = session.get(LiveChat, chat_id)
            if row is None or row.org_id != org_id:
                raise NotFoundError(chat_id)
            return _status(row)

    def list_for_org(
        self, org_id: str, *, ended_within: timedelta | None = None
    ) -> list[LiveStatus]:
        """Open chats of an organisation (urgent first, then oldest), and those ended within
        ``ended_within`` when given."""
        with database_errors(), self._db() as session:
            query = select(LiveChat).where(LiveChat.org_id == org_id)
            if ended_within is None:
                query = query.where(LiveChat.state.in_(OPEN_STATES))
            else:
                since = utcnow() - ended_within
                query = query.where(
                    LiveChat.state.in_(OPEN_STATES)
                    | ((LiveChat.state == ENDED) & (LiveChat.ended_at >= since))
                )
            rows = session.scalars(query.order_by(LiveChat.urgent.desc(), LiveChat.requested_at))
            return [_status(row) for row in rows]

    def read(self, chat_id: str, org_id: str, org_key: PrivateKey) -> LiveChatView:
        """The chat and its messages, opened with the organisation's key."""
        with database_errors(), self._db() as session:
            row = session.get(LiveChat, chat_id)
            if row is None or row.org_id != org_id:
                raise NotFoundError(chat_id)
            messages = list(
                session.scalars(
                    select(LiveMessage)
                    .where(LiveMessage.chat_id == chat_id)
                    .order_by(LiveMessage.at, LiveMessage.id)
                )
            )
            status = _status(row)
        try:
            lines = [
                LiveLine(
                    author=m.author,
                    text=unseal(org_key, m.body_sealed).decode("utf-8"),
                    at=m.at,
                    member_id=m.member_id,
                    safety_kinds=tuple(k for k in m.safety_kinds.split(",") if k),
                )
                for m in messages
            ]
        except BoxOpenError as exc:
            raise AccessDeniedError("this key does not open the chat") from exc
        return LiveChatView(status, lines)

    # ---- nobody picked up -------------------------------------------------------------------

    async def sweep(self) -> list[Unanswered]:
        """Requests waiting longer than the pickup time, each returned by exactly one process
        (so the worker is told once); requests older than the expiry are closed."""
        unanswered, expired = await asyncio.to_thread(self._sweep)
        for status in expired:
            await self._changed(status)
            await self._parts.feed.emit(
                status.org_id, events.LIVE_ENDED, live_chat_id=status.chat_id
            )
        for item in unanswered:
            await self._changed(item.status)
            await self._parts.feed.emit(
                item.status.org_id, events.LIVE_UNANSWERED, live_chat_id=item.status.chat_id
            )
        return unanswered

    def _sweep(self) -> tuple[list[Unanswered], list[LiveStatus]]:
        settings = self._parts.settings
        now = utcnow()
        self._forget_ended(now - timedelta(days=settings.ended_chat_days))
        due = now - timedelta(minutes=settings.pickup_timeout_minutes)
        stale = now - timedelta(hours=settings.queue_expiry_hours)
        unanswered: list[Unanswered] = []
        expired: list[LiveStatus] = []
        with database_errors(), self._db() as session:
            waiting = list(
                session.scalars(
                    select(LiveChat)
                    .where(LiveChat.state == QUEUED, LiveChat.requested_at <= due)
                    .where(
                        LiveChat.worker_told_nobody.is_(False) | (LiveChat.requested_at <= stale)
                    )
                )
            )
            for row in waiting:
                if _aware(row.requested_at) <= stale:
                    claimed = session.execute(
                        update(LiveChat)
                        .where(LiveChat.id == row.id, LiveChat.state == QUEUED)
                        .values(state=ENDED, ended_at=now)
                    )
                    if getattr(claimed, "rowcount", 0) == 1:
                        session.commit()
                        session.refresh(row)
                        expired.append(_status(row))
                    continue
                claimed = session.execute(
                    update(LiveChat)
                    .where(LiveChat.id == row.id, LiveChat.worker_told_nobody.is_(False))
                    .where(LiveChat.state == QUEUED)
                    .values(worker_told_nobody=True)
                )
                session.commit()
                if getattr(claimed, "rowcount", 0) != 1:
                    continue  # another process tells this worker
                session.refresh(row)
                org = session.get(Organisation, row.org_id)
                unanswered.append(Unanswered(_status(row), org.staffed_hours if org else ""))
        return unanswered, expired

    def _forget_ended(self, before: datetime) -> int:
        """Delete chats that ended before ``before``, with their messages (retention)."""
        with database_errors(), self._db() as session:
            result = session.execute(
                delete(LiveChat).where(LiveChat.state == ENDED, LiveChat.ended_at < before)
            )
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    async def forget(self, conversation_id: str) -> None:
        """The worker deleted their data: end any open chat (its rows go with the
        conversation) and tell the console."""
        with contextlib.suppress(DatabaseUnavailableError):
            await self.end_by_worker(conversation_id)

    async def _changed(self, status: LiveStatus) -> None:
        self.registry.put(status.conversation_id, status)
        await self.registry.announce(status.conversation_id)
