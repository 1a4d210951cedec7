"""Conversation registry: find or create a worker's conversation without storing its address
in clear, and recover the address only to deliver a message."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handoff.crypto import Vault
from handoff.dbguard import database_errors
from handoff.models import Conversation, utcnow


@dataclass(frozen=True, slots=True)
class ConversationAddress:
    """Where to deliver a message for a conversation: a channel and its own address."""

    channel: str
    key: str


class ConversationRepository:
    """Stores conversations with an encrypted address and a blind index for look-up."""

    def __init__(self, sessions: sessionmaker[Session], vault: Vault) -> None:
        self._sessions = sessions
        self._vault = vault

    def key_index(self, channel: str, key: str) -> str:
        """The blind index that identifies (channel, key) without revealing it."""
        return self._vault.blind_index("conversation", channel, key)

    def _find(self, session: Session, channel: str, key: str) -> Conversation | None:
        """The conversation under the current index, or under an old key's (then re-indexed)."""
        current, *old = self._vault.blind_indexes("conversation", channel, key)
        row = session.scalar(select(Conversation).where(Conversation.key_index == current))
        if row is not None or not old:
            return row
        row = session.scalar(select(Conversation).where(Conversation.key_index.in_(old)))
        if row is not None:
            row.key_index = current
            row.address_ciphertext = self._vault.reencrypt(row.address_ciphertext)
            session.commit()
        return row

    def ensure(self, channel: str, key: str) -> str:
        """Return the internal id of the conversation, creating it on first contact."""
        index = self.key_index(channel, key)
        with database_errors(), self._sessions() as session:
            existing = self._find(session, channel, key)
            if existing is not None:
                return existing.id
            row = Conversation(
                id=secrets.token_hex(16),
                key_index=index,
                channel=channel,
                address_ciphertext=self._vault.encrypt(key),
            )
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # another process created it first
                found = session.scalar(
                    select(Conversation.id).where(Conversation.key_index == index)
                )
                if found is None:
                    raise
                return found
            return row.id

    def touch(self, conversation_id: str) -> None:
        """Record that the conversation was used today (retention counts from this)."""
        with database_errors(), self._sessions() as session:
            row = session.get(Conversation, conversation_id)
            if row is not None:
                row.last_seen_at = utcnow().replace(minute=0, second=0, microsecond=0)
                session.commit()

    def exists(self, channel: str, key: str) -> bool:
        """True when the conversation has been registered (and not deleted)."""
        with database_errors(), self._sessions() as session:
            return self._find(session, channel, key) is not None

    def address(self, conversation_id: str) -> ConversationAddress | None:
        """Decrypt where to reach the worker of a conversation (only to deliver a message)."""
        with database_errors(), self._sessions() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                return None
            return ConversationAddress(row.channel, self._vault.decrypt(row.address_ciphertext))

    def delete(self, conversation_id: str) -> bool:
        """Forget a conversation entirely (the worker asked to delete their data)."""
        with database_errors(), self._sessions() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                return False
            session.delete(row)
            session.commit()
            return True
