"""Database models (SQLAlchemy 2 typed ORM). Identifying values are stored only encrypted or
as keyed hashes (blind indexes)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timezone-aware now, the only clock the models use."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every handoff table."""


class Conversation(Base):
    """A worker's conversation on one channel.

    ``key_index`` finds it from the channel's address without storing that address in clear;
    ``address_ciphertext`` lets a caseworker's reply reach the worker (decrypted only to send).
    """

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_index: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    address_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Refreshed at most daily, so that `gongyou purge` can forget conversations gone quiet.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The channel refused delivery for good (a Telegram user blocked the bot).
    unreachable_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ConversationSnapshot(Base):
    """The durable copy of a conversation's state while a flow is open (a complaint draft).

    Encrypted under the server key. It survives a restart of the session store and a killed
    process; it is deleted when the flow ends and when it expires.
    """

    __tablename__ = "conversation_snapshots"

    conversation_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DeploymentValue(Base):
    """Small per-deployment values created once (e.g. the receipt salt)."""

    __tablename__ = "deployment_values"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
