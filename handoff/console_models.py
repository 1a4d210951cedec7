"""Tables of the caseworker console, live takeover and delivery.

Nothing here holds a worker's words in clear: notes, reasons, tags and live messages are sealed
to the organisation's key; the outbox is under the server key (it must be able to deliver);
employer and brand names are kept only as keyed hashes under the organisation's index key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from handoff.models import Base, utcnow


class StaffSession(Base):
    """A logged-in member. The organisation key is kept only encrypted under a random key that
    lives in the member's cookie or bearer token, so no process stores it unwrapped and any
    process can serve the member."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    org_key_wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    index_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditEntry(Base):
    """Append-only record of who did what and when (never content)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_org_member", "org_id", "member_id"),
        Index("ix_audit_log_org_action", "org_id", "action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    org_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    member_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class CaseEvent(Base):
    """A status change, claim or assignment of a case, with its reason sealed to the org."""

    __tablename__ = "case_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # status | claim | assign | unassign
    from_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseNote(Base):
    """An internal note on a case (sealed to the organisation)."""

    __tablename__ = "case_notes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseIndex(Base):
    """Keyed hashes of a case's employer and brands (``kind``), under the organisation's index
    key, so cases naming the same employer can be linked without storing the name."""

    __tablename__ = "case_index"
    __table_args__ = (UniqueConstraint("case_id", "kind", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # employer | brand
    digest: Mapped[str] = mapped_column(String(64), index=True)


class LiveChat(Base):
    """A worker asked for a person: queued, taken over by a caseworker, handed back."""

    __tablename__ = "live_chats"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued | live | ended
    member_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    worker_told_nobody: Mapped[bool] = mapped_column(Boolean, default=False)


class LiveMessage(Base):
    """A message of a live chat, sealed to the organisation."""

    __tablename__ = "live_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("live_chats.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(16))  # worker | staff | system
    member_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    safety_kinds: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """A message on its way to a worker's channel, kept until the channel accepted it."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32), index=True)
    payload_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    # The live chat it belongs to, for the console. Never the case: a row naming a conversation
    # and a case would tell a copy of the database which chat filed the case.
    live_chat_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    last_error: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleEvent(Base):
    """Content-free wake-up records for live console views, read by cursor (``id``)."""

    __tablename__ = "console_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    live_chat_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
