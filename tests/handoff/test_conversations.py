"""Conversation registry on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, text

from handoff.conversations import ConversationAddress, ConversationRepository
from handoff.crypto import Vault
from handoff.db import session_factory


def repo(engine: Engine) -> ConversationRepository:
    return ConversationRepository(session_factory(engine), Vault("test-key" * 5))


def test_ensure_is_idempotent(engine: Engine) -> None:
    conversations = repo(engine)
    first = conversations.ensure("telegram", "987654321")
    assert conversations.ensure("telegram", "987654321") == first
    assert conversations.ensure("web", "987654321") != first


def test_address_round_trips(engine: Engine) -> None:
    conversations = repo(engine)
    cid = conversations.ensure("telegram", "987654321")
    assert conversations.address(cid) == ConversationAddress("telegram", "987654321")
    assert conversations.address("no-such-id") is None


def test_database_holds_no_readable_address(engine: Engine) -> None:
    repo(engine).ensure("telegram", "987654321")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM conversations")).all()
    dump = repr(rows)
    assert rows
    assert "987654321" not in dump


def test_delete_forgets(engine: Engine) -> None:
    conversations = repo(engine)
    cid = conversations.ensure("web", "abc")
    assert conversations.delete(cid) is True
    assert conversations.address(cid) is None
    assert conversations.delete(cid) is False
