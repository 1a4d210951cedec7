"""The outbox: one row per message on its way to a worker's channel, kept until the channel has
accepted it or refused it for good.

Rows are sent in the order they were queued, per conversation: a row is handed out only when
every earlier pending row of its conversation is out of the way, so a retry never lets a later
message overtake. Several processes may send at once: :meth:`OutboxRepository.claim` leases rows
by moving ``next_attempt_at`` into the future with a conditional update; when the holder dies
the lease runs out and another process takes over.

The payload is encrypted under the server key (the sender must be able to read it); once a row
is finished its payload is emptied and its times are cut to the hour, and the empty row is kept
for a while so that "was this already queued?" can be answered (a channel's exactly-once
check) and the console can show whether a message went out.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handoff.console_models import OutboxMessage
from handoff.conversations import ConversationAddress
from handoff.crypto import Vault
from handoff.dbguard import database_errors
from handoff.models import Conversation, utcnow
from handoff.ports import OutgoingMessage

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
UNREACHABLE = "unreachable"
FINISHED = frozenset({SENT, FAILED, UNREACHABLE})
_ERROR_CHARS = 200


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A leased row, ready to send: where to, what, and how often it was tried."""

    id: str
    conversation_id: str
    address: ConversationAddress
    message: OutgoingMessage
    attempts: int
    created_at: datetime


def _hour() -> datetime:
    """Now, to the hour: when a finished row was queued matters no more than that."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def aware(moment: datetime) -> datetime:
    """The same instant with UTC attached (SQLite hands back naive datetimes)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _Clock:
    """Strictly increasing timestamps within a process, so rows queued together keep order."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    def next(self) -> datetime:
        with self._lock:
            now = utcnow()
            self._last = max(now, self._last + timedelta(microseconds=1))
            return self._last


_clock = _Clock()


class OutboxRepository:
    """Queue, lease, finish and forget outgoing messages."""

    def __init__(self, sessions: sessionmaker[Session], vault: Vault) -> None:
        self._sessions = sessions
        self._vault = vault

    # ---- queueing ---------------------------------------------------------------------

    def enqueue(
        self,
        conversation_id: str,
        channel: str,
        messages: Sequence[OutgoingMessage],
        *,
        ids: Sequence[str] | None = None,
        live_chat_id: str | None = None,
    ) -> list[str]:
        """Queue ``messages`` (in order) for a conversation; returns the row ids.

        With ``ids`` the call is idempotent: when the first id already exists (queued before,
        possibly already sent) nothing is added and an empty list is returned.
        """
        row_ids, _leased = self._insert(
            conversation_id, channel, messages, ids, live_chat_id, lease_seconds=None
        )
        return row_ids

    def enqueue_leased(
        self,
        conversation_id: str,
        channel: str,
        messages: Sequence[OutgoingMessage],
        *,
        ids: Sequence[str] | None = None,
        lease_seconds: float,
    ) -> tuple[list[str], bool]:
        """Queue like :meth:`enqueue`; when nothing of the conversation is pending, the new
        rows are leased to the caller at once (True), who sends them without a :meth:`claim`
        (one write fewer per message on the hot path)."""
        return self._insert(
            conversation_id, channel, messages, ids, None, lease_seconds=lease_seconds
        )

    def _insert(
        self,
        conversation_id: str,
        channel: str,
        messages: Sequence[OutgoingMessage],
        ids: Sequence[str] | None,
        live_chat_id: str | None,
        *,
        lease_seconds: float | None,
    ) -> tuple[list[str], bool]:
        if not messages:
            return [], False
        row_ids = list(ids) if ids is not None else [secrets.token_hex(16) for _ in messages]
        if len(row_ids) != len(messages):
            raise ValueError("one id per message")
        with database_errors(), self._sessions() as session:
            if ids is not None and session.get(OutboxMessage, row_ids[0]) is not None:
                return [], False
            leased = lease_seconds is not None and not self._has_pending(session, conversation_id)
            due = utcnow() + timedelta(seconds=lease_seconds or 0) if leased else None
            session.add_all(
                OutboxMessage(
                    id=row_id,
                    conversation_id=conversation_id,
                    channel=channel,
                    payload_ciphertext=self._seal(message),
                    # Never the case: a row naming both a conversation and a case would tell a
                    # copy of the database which chat filed the case.
                    live_chat_id=live_chat_id,
                    attempts=0,
                    next_attempt_at=due or _clock.next(),
                    state=PENDING,
                    created_at=_clock.next(),
                )
                for row_id, message in zip(row_ids, messages, strict=True)
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # queued meanwhile by another process, or no conversation
                return [], False
        return row_ids, leased

    @staticmethod
    def _has_pending(session: Session, conversation_id: str) -> bool:
        return (
            session.scalar(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.conversation_id == conversation_id,
                    OutboxMessage.state == PENDING,
                )
                .limit(1)
            )
            is not None
        )

    def exists(self, row_id: str) -> bool:
        """True when a row with this id was queued (in any state, until it is purged)."""
        with database_errors(), self._sessions() as session:
            return session.get(OutboxMessage, row_id) is not None

    def states(self, row_ids: Sequence[str]) -> dict[str, str]:
        """Delivery state by row id (pending, sent, failed, unreachable); purged rows are absent."""
        if not row_ids:
            return {}
        with database_errors(), self._sessions() as session:
            found = session.execute(
                select(OutboxMessage.id, OutboxMessage.state).where(
                    OutboxMessage.id.in_(list(row_ids))
                )
            ).all()
        return {row_id: state for row_id, state in found}

    # ---- sending ----------------------------------------------------------------------

    def due_conversations(self, channel: str, limit: int = 200) -> list[str]:
        """Conversations of ``channel`` with a row due now (candidates for :meth:`claim`)."""
        with database_errors(), self._sessions() as session:
            found = session.scalars(
                select(OutboxMessage.conversation_id)
                .where(
                    OutboxMessage.channel == channel,
                    OutboxMessage.state == PENDING,
                    OutboxMessage.next_attempt_at <= utcnow(),
                )
                .distinct()
                .limit(limit)
            ).all()
        return list(found)

    def claim(
        self, conversation_id: str, *, lease_seconds: float, limit: int = 10
    ) -> list[OutboxItem]:
        """Lease the conversation's next due rows, oldest first; empty when its oldest pending
        row is not due (waiting for a retry, or leased by another sender)."""
        now = utcnow()
        with database_errors(), self._sessions() as session:
            rows = session.execute(
                select(OutboxMessage, Conversation.channel, Conversation.address_ciphertext)
                .join(Conversation, Conversation.id == OutboxMessage.conversation_id)
                .where(
                    OutboxMessage.conversation_id == conversation_id,
                    OutboxMessage.state == PENDING,
                )
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .limit(limit)
            ).all()
            due = []
            for row, _channel, _address in rows:
                if aware(row.next_attempt_at) > now:
                    break
                due.append(row)
            if not due:
                return []
            ids = [row.id for row in due]
            leased = session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids),
                    OutboxMessage.state == PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
                .execution_options(synchronize_session=False)
            )
            if leased.rowcount != len(ids):  # type: ignore[attr-defined]
                session.rollback()  # another sender took some of them first
                return []
            session.commit()
        channel, address_ciphertext = rows[0][1], rows[0][2]
        address = ConversationAddress(channel, self._vault.decrypt(address_ciphertext))
        return [
            OutboxItem(
                id=row.id,
                conversation_id=conversation_id,
                address=address,
                message=self._open(row.payload_ciphertext),
                attempts=row.attempts,
                created_at=aware(row.created_at),
            )
            for row in due
        ]

    def mark_sent(self, row_id: str) -> None:
        """The channel accepted the message: forget its content, keep the row for a while."""
        self._finish([row_id], SENT, "")

    def mark_sent_many(self, row_ids: Sequence[str]) -> None:
        """:meth:`mark_sent` for several rows in one transaction (a sender's group commit)."""
        if row_ids:
            self._finish(list(row_ids), SENT, "")

    def mark_failed(self, row_id: str, error: str) -> None:
        """The channel refused this one message for good (the conversation may still work)."""
        self._finish([row_id], FAILED, error)

    def _finish(self, row_ids: list[str], state: str, error: str) -> None:
        with database_errors(), self._sessions() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(row_ids), OutboxMessage.state == PENDING)
                .values(
                    state=state,
                    payload_ciphertext=b"",
                    attempts=OutboxMessage.attempts + 1,
                    last_error=error[:_ERROR_CHARS],
                    created_at=_hour(),
                    next_attempt_at=_hour(),
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()

    def remaining(self, row_id: str, message: OutgoingMessage) -> None:
        """Replace a row's message with what is left to send (part of it was accepted)."""
        with database_errors(), self._sessions() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.state == PENDING)
                .values(payload_ciphertext=self._seal(message))
                .execution_options(synchronize_session=False)
            )
            session.commit()

    def retry_later(
        self, row_id: str, at: datetime, error: str, *, release: Sequence[str] = ()
    ) -> None:
        """Try ``row_id`` again at ``at``; rows in ``release`` (leased with it and not sent)
        wait until then too, so they keep their place behind it."""
        with database_errors(), self._sessions() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.state == PENDING)
                .values(
                    next_attempt_at=at,
                    attempts=OutboxMessage.attempts + 1,
                    last_error=error[:_ERROR_CHARS],
                )
                .execution_options(synchronize_session=False)
            )
            if release:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(list(release)), OutboxMessage.state == PENDING)
                    .values(next_attempt_at=at)
                    .execution_options(synchronize_session=False)
                )
            session.commit()

    # ---- reachability -----------------------------------------------------------------

    def mark_unreachable(self, conversation_id: str, error: str) -> None:
        """The channel refuses this conversation for good (the worker blocked the bot): note it
        on the conversation for the console and stop every pending row."""
        with database_errors(), self._sessions() as session:
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(unreachable_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.conversation_id == conversation_id,
                    OutboxMessage.state == PENDING,
                )
                .values(
                    state=UNREACHABLE,
                    payload_ciphertext=b"",
                    last_error=error[:_ERROR_CHARS],
                    created_at=_hour(),
                    next_attempt_at=_hour(),
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()

    def mark_reachable(self, conversation_id: str) -> bool:
        """The worker is back (wrote again, unblocked the bot); True when it was unreachable."""
        with database_errors(), self._sessions() as session:
            result = session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id, Conversation.unreachable_at.is_not(None))
                .values(unreachable_at=None)
                .execution_options(synchronize_session=False)
            )
            session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def conversation(self, key_index: str) -> tuple[str, bool] | None:
        """(id, unreachable) of the conversation with this blind index, without creating it."""
        with database_errors(), self._sessions() as session:
            found = session.execute(
                select(Conversation.id, Conversation.unreachable_at).where(
                    Conversation.key_index == key_index
                )
            ).first()
        return None if found is None else (found[0], found[1] is not None)

    def is_unreachable(self, conversation_id: str) -> bool | None:
        """Whether the conversation is marked unreachable; None when it does not exist."""
        with database_errors(), self._sessions() as session:
            found = session.execute(
                select(Conversation.unreachable_at).where(Conversation.id == conversation_id)
            ).first()
        return None if found is None else found[0] is not None

    # ---- housekeeping -----------------------------------------------------------------

    def expire(self, *, pending_before: datetime) -> int:
        """Give up on rows still pending since before ``pending_before``; returns how many."""
        with database_errors(), self._sessions() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.state == PENDING, OutboxMessage.created_at < pending_before)
                .values(
                    state=FAILED,
                    payload_ciphertext=b"",
                    last_error="expired",
                    created_at=_hour(),
                    next_attempt_at=_hour(),
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]

    def purge(self, *, sent_before: datetime, failed_before: datetime) -> int:
        """Delete finished rows: sent ones queued before ``sent_before``, failed and
        unreachable ones queued before ``failed_before``; returns how many."""
        with database_errors(), self._sessions() as session:
            sent = session.execute(
                delete(OutboxMessage)
                .where(OutboxMessage.state == SENT, OutboxMessage.created_at < sent_before)
                .execution_options(synchronize_session=False)
            )
            failed = session.execute(
                delete(OutboxMessage)
                .where(
                    OutboxMessage.state.in_([FAILED, UNREACHABLE]),
                    OutboxMessage.created_at < failed_before,
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
        return int(sent.rowcount) + int(failed.rowcount)  # type: ignore[attr-defined]

    # ---- payload ----------------------------------------------------------------------

    def _seal(self, message: OutgoingMessage) -> bytes:
        data = {"text": message.text, "buttons": [list(b) for b in message.buttons]}
        return self._vault.encrypt(json.dumps(data, ensure_ascii=False))

    def _open(self, ciphertext: bytes) -> OutgoingMessage:
        data = json.loads(self._vault.decrypt(ciphertext))
        buttons = tuple((str(b[0]), str(b[1])) for b in data.get("buttons", []))
        return OutgoingMessage(text=str(data.get("text", "")), buttons=buttons)
