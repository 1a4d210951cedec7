"""Rotate the server key (``GONGYOU_SECRET_KEY``): re-encrypt everything under it and
re-index conversations, so the old key can be forgotten.

During a rotation the service runs with the new key and the old ones in
``GONGYOU_OLD_SECRET_KEYS``: old ciphertexts still decrypt and old blind indexes are still
found (and moved to the new index on first use). ``gongyou secret rotate`` then does the rest
at once; afterwards the old keys can be removed from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handoff.console_models import OutboxMessage
from handoff.crypto import Vault
from handoff.dbguard import database_errors
from handoff.models import Conversation, ConversationSnapshot


@dataclass(frozen=True, slots=True)
class RotationReport:
    """How many rows were moved to the current key."""

    conversations: int
    snapshots: int
    outbox: int


def rotate_server_key(sessions: sessionmaker[Session], vault: Vault) -> RotationReport:
    """Re-encrypt conversation addresses, snapshots and queued messages under the vault's
    current key, and recompute each conversation's blind index from its address."""
    with database_errors(), sessions() as session:
        conversations = list(session.scalars(select(Conversation)))
        for row in conversations:
            address = vault.decrypt(row.address_ciphertext)
            row.key_index = vault.blind_index("conversation", row.channel, address)
            row.address_ciphertext = vault.encrypt(address)
        snapshots = list(session.scalars(select(ConversationSnapshot)))
        for snapshot in snapshots:
            snapshot.ciphertext = vault.reencrypt(snapshot.ciphertext)
        queued = list(session.scalars(select(OutboxMessage)))
        for message in queued:
            message.payload_ciphertext = vault.reencrypt(message.payload_ciphertext)
        session.commit()
    return RotationReport(len(conversations), len(snapshots), len(queued))
