"""The console's live feed: durable, content-free events read by cursor, fanned out per process.

:class:`ConsoleFeed` appends a ``ConsoleEvent`` row (organisation, kind, case or live chat id —
never content) and rings the bus. :class:`FeedHub` is the one subscriber of a process: when
woken it reads the new rows once, for every organisation, and hands each to the open console
pages of that organisation in this process. A page that reconnects with ``Last-Event-ID`` first
reads what it missed from the table, so nothing is lost while it was away.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.models import Case
from handoff.console_models import ConsoleEvent
from handoff.dbguard import database_errors
from handoff.errors import DatabaseUnavailableError
from handoff.live.bus import Listener, WakeBus
from handoff.live.tasks import running_here, stop
from handoff.models import utcnow

log = structlog.get_logger(__name__)

TOPIC = "console"
# Kinds of event (content-free: what happened to which case or live chat).
CASE_NEW = "case_new"
CASE_MESSAGE = "case_message"
CASE_CHANGED = "case_changed"
LIVE_REQUESTED = "live_requested"
LIVE_TAKEN = "live_taken"
LIVE_MESSAGE = "live_message"
LIVE_SAFETY = "live_safety"
LIVE_ENDED = "live_ended"
LIVE_UNANSWERED = "live_unanswered"
DELIVERY_FAILED = "delivery_failed"
DELIVERY_DONE = "delivery_done"

_BATCH = 500
# Rows committed out of id order (PostgreSQL sequences) are caught by re-reading this many ids
# behind the cursor; rows already handed out are remembered and skipped.
_LOOKBACK_IDS = 200
_SEEN_MEMORY = 4000
_QUEUE_LIMIT = 1000
_KEEP_EVENTS = timedelta(days=2)
_PURGE_EVERY_TICKS = 360


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One console event."""

    id: int
    org_id: str
    kind: str
    case_id: str | None = None
    live_chat_id: str | None = None

    def public(self) -> dict[str, Any]:
        """What a console page receives (the organisation is implied by the login)."""
        return {"kind": self.kind, "case_id": self.case_id, "live_chat_id": self.live_chat_id}


def _event(row: ConsoleEvent) -> FeedEvent:
    return FeedEvent(row.id, row.org_id, row.kind, row.case_id, row.live_chat_id)


class ConsoleFeed:
    """Append events (database row, then a wake-up) and read them by cursor."""

    def __init__(self, db: sessionmaker[Session], bus: WakeBus) -> None:
        self._db = db
        self.bus = bus

    async def emit(
        self,
        org_id: str,
        kind: str,
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> int | None:
        """Record an event and wake every process; None when the database is down (the page
        then catches up on its next change — an event is a nudge, never the data itself)."""
        try:
            event_id = await asyncio.to_thread(self.append, org_id, kind, case_id, live_chat_id)
        except DatabaseUnavailableError:
            log.warning("console_event_not_recorded", kind=kind)
            return None
        await self.bus.publish(TOPIC, org_id)
        return event_id

    async def emit_for_case(self, case_id: str, kind: str) -> int | None:
        """An event about a case, for the case's organisation (None when it is gone)."""
        try:
            org_id = await asyncio.to_thread(self._case_org, case_id)
        except DatabaseUnavailableError:
            return None
        if org_id is None:
            return None
        return await self.emit(org_id, kind, case_id=case_id)

    def _case_org(self, case_id: str) -> str | None:
        with database_errors(), self._db() as session:
            return session.scalar(select(Case.org_id).where(Case.id == case_id))

    def append(
        self, org_id: str, kind: str, case_id: str | None = None, live_chat_id: str | None = None
    ) -> int:
        """Insert the row (synchronous; :meth:`emit` also wakes the other processes)."""
        with database_errors(), self._db() as session:
            row = ConsoleEvent(org_id=org_id, kind=kind, case_id=case_id, live_chat_id=live_chat_id)
            session.add(row)
            session.commit()
            return row.id

    def read_after(
        self, cursor: int, *, org_id: str | None = None, limit: int = _BATCH
    ) -> list[FeedEvent]:
        """Events with an id above ``cursor`` (of one organisation, or all), oldest first."""
        with database_errors(), self._db() as session:
            query = select(ConsoleEvent).where(ConsoleEvent.id > cursor)
            if org_id is not None:
                query = query.where(ConsoleEvent.org_id == org_id)
            rows = session.scalars(query.order_by(ConsoleEvent.id).limit(limit))
            return [_event(row) for row in rows]

    def last_id(self) -> int:
        """The newest event id (0 when there is none)."""
        with database_errors(), self._db() as session:
            return int(session.scalar(select(func.max(ConsoleEvent.id))) or 0)

    def purge(self, keep: timedelta = _KEEP_EVENTS) -> int:
        """Delete events older than ``keep`` (pages that were away longer reload anyway)."""
        with database_errors(), self._db() as session:
            result = session.execute(delete(ConsoleEvent).where(ConsoleEvent.at < utcnow() - keep))
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)


class FeedSubscription:
    """One open console page: its organisation's events after its cursor."""

    def __init__(self, hub: FeedHub, org_id: str, after: int | None) -> None:
        self._hub = hub
        self.org_id = org_id
        self.cursor = after
        self._queue: asyncio.Queue[FeedEvent] = asyncio.Queue(_QUEUE_LIMIT)
        self._lagged = after is not None  # read the backlog from the table first
        self._backlog: deque[FeedEvent] = deque()

    def offer(self, event: FeedEvent) -> None:
        """Called by the hub; a page too slow to keep up re-reads from the table."""
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._lagged = True

    async def next(self, timeout: float) -> FeedEvent | None:
        """The next event, or None after ``timeout`` seconds without one."""
        while True:
            if self._lagged:
                await self._read_backlog()
            if self._backlog:
                return self._take(self._backlog.popleft())
            try:
                async with asyncio.timeout(timeout):
                    event = await self._queue.get()
            except TimeoutError:
                return None
            if self.cursor is None or event.id > self.cursor:
                return self._take(event)

    def _take(self, event: FeedEvent) -> FeedEvent:
        self.cursor = event.id if self.cursor is None else max(self.cursor, event.id)
        return event

    async def _read_backlog(self) -> None:
        self._lagged = False
        while not self._queue.empty():  # the table has them all, in order
            self._queue.get_nowait()
        try:
            found = await asyncio.to_thread(
                self._hub.feed.read_after, self.cursor or 0, org_id=self.org_id
            )
        except DatabaseUnavailableError:
            self._lagged = True
            await asyncio.sleep(1)
            return
        self._backlog.extend(found)
        if len(found) >= _BATCH:
            self._lagged = True

    def close(self) -> None:
        """The page went away."""
        self._hub.drop(self)


class FeedHub:
    """The one subscriber of a process: reads new events once and fans them out by
    organisation to this process's open pages."""

    def __init__(self, feed: ConsoleFeed, *, resync_seconds: float = 10.0) -> None:
        self.feed = feed
        self._resync_seconds = resync_seconds
        self._pages: dict[str, set[FeedSubscription]] = defaultdict(set)
        self._cursor: int | None = None
        self._seen: deque[int] = deque(maxlen=_SEEN_MEMORY)
        self._seen_set: set[int] = set()
        self._listener: Listener | None = None
        self._pump_task: asyncio.Task[None] | None = None
        self._tick_task: asyncio.Task[None] | None = None
        self._dirty = False
        self.reads = 0  # table reads by the hub (one per wake-up, whatever the page count)

    @property
    def page_count(self) -> int:
        """Open pages in this process."""
        return sum(len(pages) for pages in self._pages.values())

    async def subscribe(self, org_id: str, after: int | None = None) -> FeedSubscription:
        """A subscription for one page; ``after`` is its ``Last-Event-ID`` when reconnecting."""
        await self._start()
        subscription = FeedSubscription(self, org_id, after)
        if after is None:
            subscription.cursor = self._cursor
        self._pages[org_id].add(subscription)
        return subscription

    def drop(self, subscription: FeedSubscription) -> None:
        """Forget a page."""
        pages = self._pages.get(subscription.org_id)
        if pages is not None:
            pages.discard(subscription)
            if not pages:
                del self._pages[subscription.org_id]

    async def _start(self) -> None:
        if running_here(self._tick_task):
            return
        loop = asyncio.get_running_loop()
        if self._cursor is None:
            try:
                self._cursor = await asyncio.to_thread(self.feed.last_id)
            except DatabaseUnavailableError:
                self._cursor = 0
        if self._listener is not None:
            self._listener.close()
        self._listener = self.feed.bus.listen(TOPIC, self._wake)
        self._tick_task = loop.create_task(self._tick(), name="console-feed-tick")

    def _wake(self, _message: str) -> None:
        """A wake-up (any organisation, or a resync): read the table once."""
        self._dirty = True
        if self._pump_task is None or self._pump_task.done():
            self._pump_task = asyncio.get_running_loop().create_task(self._pump())

    async def _pump(self) -> None:
        while self._dirty:
            self._dirty = False
            try:
                await self._read_new()
            except DatabaseUnavailableError:
                log.warning("console_feed_database_unavailable")
                return

    async def _read_new(self) -> None:
        cursor = self._cursor or 0
        while True:
            self.reads += 1
            found = await asyncio.to_thread(self.feed.read_after, max(0, cursor - _LOOKBACK_IDS))
            fresh = [e for e in found if e.id not in self._seen_set]
            for event in fresh:
                self._remember(event.id)
                for page in list(self._pages.get(event.org_id, ())):
                    page.offer(event)
            if found:
                cursor = max(cursor, found[-1].id)
            self._cursor = cursor
            if len(found) < _BATCH or not fresh:
                return

    def _remember(self, event_id: int) -> None:
        if len(self._seen) == self._seen.maxlen:
            self._seen_set.discard(self._seen[0])
        self._seen.append(event_id)
        self._seen_set.add(event_id)

    async def _tick(self) -> None:
        """Read now and then even without a wake-up (a lost signal only delays), and drop
        old rows from time to time."""
        ticks = 0
        while True:
            await asyncio.sleep(self._resync_seconds)
            ticks += 1
            if self._pages:
                self._wake("")
            if ticks % _PURGE_EVERY_TICKS == 0:
                with contextlib.suppress(DatabaseUnavailableError):
                    await asyncio.to_thread(self.feed.purge)

    async def close(self) -> None:
        """Stop reading (the app is shutting down)."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        await stop(self._tick_task)
        await stop(self._pump_task)
