"""Database models (SQLAlchemy 2 typed ORM). Identifying values are stored only encrypted or
as keyed hashes (blind indexes)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, LargeBinary, String
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
