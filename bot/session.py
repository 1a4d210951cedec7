"""Conversation state and where it is kept: JSON, encrypted, in the key-value store."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.stores.base import KeyValueStore
from handoff.crypto import DecryptionError, Vault


@dataclass(slots=True)
class FlowState:
    """Where a multi-step flow is and what it has collected so far."""

    name: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)

    def advance(self, next_step: str) -> None:
        """Move to ``next_step``, remembering where we were for "back"."""
        self.history.append(self.step)
        self.step = next_step

    def go_back(self) -> bool:
        """Return to the previous step; False when already at the first one."""
        if not self.history:
            return False
        self.step = self.history.pop()
        return True


@dataclass(slots=True)
class ConversationState:
    """Everything the bot remembers about one conversation between messages."""

    conversation_id: str = ""
    flow: FlowState | None = None
    paused_flow: FlowState | None = None
    context: dict[str, Any] = field(default_factory=dict)
    handed_off: bool = False
    turns: int = 0

    def to_json(self) -> str:
        """Serialise for storage."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> ConversationState:
        """Rebuild from ``to_json`` output."""
        data = json.loads(raw)
        for key in ("flow", "paused_flow"):
            if data.get(key) is not None:
                data[key] = FlowState(**data[key])
        return cls(**data)


class SessionRepository:
    """Loads and saves conversation state, encrypted, under a blind-index key."""

    def __init__(self, store: KeyValueStore, vault: Vault, ttl_seconds: int) -> None:
        self._store = store
        self._vault = vault
        self._ttl = ttl_seconds

    @property
    def store(self) -> KeyValueStore:
        """The underlying key-value store (for locks and counters)."""
        return self._store

    async def load(self, key: str) -> ConversationState | None:
        """The saved state, or None when there is none (or it can no longer be read)."""
        raw = await self._store.get("session:" + key)
        if raw is None:
            return None
        try:
            return ConversationState.from_json(self._vault.decrypt(raw))
        except (DecryptionError, ValueError, TypeError):
            return None

    async def save(self, key: str, state: ConversationState) -> None:
        """Save the state and refresh its expiry."""
        await self._store.set("session:" + key, self._vault.encrypt(state.to_json()), self._ttl)

    async def delete(self, key: str) -> None:
        """Forget the state."""
        await self._store.delete("session:" + key)
