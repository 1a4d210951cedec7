"""Rotating GONGYOU_SECRET_KEY orphans nothing: old indexes are found while rotating, and
`rotate_server_key` moves everything to the new key so the old one can be forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from handoff.conversations import ConversationRepository
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.keys.server_rotation import rotate_server_key
from handoff.models import utcnow
from handoff.snapshots import SnapshotRepository

OLD = "old-server-key-" * 3
NEW = "new-server-key-" * 3


def test_rotation_keeps_every_conversation(engine: Engine) -> None:
    sessions = session_factory(engine)
    before = ConversationRepository(sessions, Vault(OLD))
    first = before.ensure("telegram", "123456789")
    second = before.ensure("web", "a-web-conversation-token")
    SnapshotRepository(sessions).save(
        second, Vault(OLD).encrypt('{"flow": null}'), utcnow() + timedelta(hours=1)
    )

    rotating = Vault(NEW, old_secrets=(OLD,))
    during = ConversationRepository(sessions, rotating)
    assert during.ensure("telegram", "123456789") == first  # found by its old index, moved

    report = rotate_server_key(sessions, rotating)
    assert (report.conversations, report.snapshots) == (2, 1)

    after = ConversationRepository(sessions, Vault(NEW))  # the old key is forgotten
    assert after.ensure("telegram", "123456789") == first
    assert after.ensure("web", "a-web-conversation-token") == second
    address = after.address(second)
    assert address is not None and address.key == "a-web-conversation-token"
    stored = SnapshotRepository(sessions).load(second)
    assert stored is not None and Vault(NEW).decrypt(stored) == '{"flow": null}'
