"""Durable copies of conversation state while a flow is open (complaint drafts above all).

The session store (Redis) is fast but may lose everything on a restart; a snapshot written at
each step of an open flow lets the worker continue where they were. Snapshots are encrypted by
the caller (server key), expire, and are deleted when the flow ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handoff.dbguard import database_errors
from handoff.models import ConversationSnapshot, utcnow


def _hour() -> datetime:
    return utcnow().replace(minute=0, second=0, microsecond=0)


class SnapshotRepository:
    """Load, save and expire encrypted snapshots by conversation id."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def save(self, conversation_id: str, ciphertext: bytes, expires_at: datetime) -> None:
        """Write (or replace) the snapshot of a conversation."""
        with database_errors(), self._sessions() as session:
            row = session.get(ConversationSnapshot, conversation_id)
            if row is None:
                session.add(
                    ConversationSnapshot(
                        conversation_id=conversation_id,
                        ciphertext=ciphertext,
                        updated_at=_hour(),
                        expires_at=expires_at,
                    )
                )
            else:
                row.ciphertext = ciphertext
                row.updated_at = _hour()
                row.expires_at = expires_at
            try:
                session.commit()
            except IntegrityError:
                # The conversation was deleted meanwhile (the worker deleted their data).
                session.rollback()

    def load(self, conversation_id: str) -> bytes | None:
        """The snapshot, or None when there is none or it has expired."""
        with database_errors(), self._sessions() as session:
            row = session.scalar(
                select(ConversationSnapshot).where(
                    ConversationSnapshot.conversation_id == conversation_id,
                    ConversationSnapshot.expires_at > utcnow(),
                )
            )
            return bytes(row.ciphertext) if row is not None else None

    def delete(self, conversation_id: str) -> None:
        """Forget a conversation's snapshot."""
        with database_errors(), self._sessions() as session:
            session.execute(
                delete(ConversationSnapshot).where(
                    ConversationSnapshot.conversation_id == conversation_id
                )
            )
            session.commit()

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete expired snapshots; returns how many."""
        moment = now or utcnow()
        with database_errors(), self._sessions() as session:
            result = session.execute(
                delete(ConversationSnapshot).where(ConversationSnapshot.expires_at <= moment)
            )
            session.commit()
            return int(getattr(result, "rowcount", 0) or 0)
