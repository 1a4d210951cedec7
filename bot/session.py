"""Conversation state and where it is kept.

The hot copy is encrypted JSON in the key-value store (Redis or in-process). While a flow is
open, a durable copy (a snapshot) is also written to the database, so a restart of the session
store or a killed process loses nothing the worker answered.

Stored state outlives a deploy: :meth:`ConversationState.from_json` reads what any earlier
version wrote, ignores what it does not know (keeping it, so a rollback loses nothing) and
fills what is missing with defaults.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.log import get_logger
from bot.stores.base import KeyValueStore
from handoff.crypto import DecryptionError, Vault
from handoff.errors import DatabaseUnavailableError
from handoff.snapshots import SnapshotRepository

log = get_logger(__name__)

#: Version 1 had a single ``paused_flow`` slot; version 2 keeps a list of paused flows.
STATE_VERSION = 2
#: Keys of ``FlowState.data`` starting with this are kept in the session store only, never in
#: the durable snapshot (e.g. a receipt waiting to be acknowledged).
VOLATILE_PREFIX = "~"
#: A flow whose data holds this key set to False is kept in the session store only.
DURABLE_KEY = "durable"
_MAX_PAUSED = 4


@dataclass(slots=True)
class FlowState:
    """Where a multi-step flow is and what it has collected so far."""

    name: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    updated_at: float = 0.0

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

    def touch(self) -> None:
        """Record that the worker answered just now (drafts expire from here)."""
        self.updated_at = time.time()

    def to_dict(self, *, durable: bool = False) -> dict[str, Any]:
        """Plain data; ``durable`` leaves out volatile keys."""
        data = {
            k: v for k, v in self.data.items() if not (durable and k.startswith(VOLATILE_PREFIX))
        }
        return {
            "name": self.name,
            "step": self.step,
            "data": data,
            "history": list(self.history),
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, raw: object) -> FlowState | None:
        """Rebuild from :meth:`to_dict` output of any version; None when unusable."""
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            return None
        step = raw.get("step")
        data = raw.get("data")
        history = raw.get("history")
        updated = raw.get("updated_at")
        return cls(
            name=raw["name"],
            step=step if isinstance(step, str) else "",
            data=data if isinstance(data, dict) else {},
            history=[h for h in history if isinstance(h, str)] if isinstance(history, list) else [],
            updated_at=float(updated) if isinstance(updated, int | float) else 0.0,
        )


@dataclass(slots=True)
class ConversationState:
    """Everything the bot remembers about one conversation between messages."""

    conversation_id: str = ""
    flow: FlowState | None = None
    paused: list[FlowState] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    handed_off: bool = False
    turns: int = 0
    version: int = STATE_VERSION
    # Keys a newer version wrote that this one does not know: kept, written back unchanged.
    extra: dict[str, Any] = field(default_factory=dict)

    # ---- flows --------------------------------------------------------------------------

    def pause_active(self) -> None:
        """Put the active flow aside (most recent last); never drops another paused flow."""
        if self.flow is None:
            return
        self.paused = [f for f in self.paused if f.name != self.flow.name]
        self.paused.append(self.flow)
        self.flow = None
        del self.paused[:-_MAX_PAUSED]

    def paused_flow(self, name: str | None = None) -> FlowState | None:
        """The most recently paused flow (or the one called ``name``)."""
        for flow in reversed(self.paused):
            if name is None or flow.name == name:
                return flow
        return None

    def resume(self, name: str | None = None) -> FlowState | None:
        """Make a paused flow active again (pausing the active one); None when there is none."""
        target = self.paused_flow(name)
        if target is None:
            return None
        self.paused.remove(target)
        self.pause_active()
        self.flow = target
        return target

    def start(self, flow: FlowState) -> None:
        """Make ``flow`` active; an active flow is paused, a paused one of the same name dropped."""
        self.pause_active()
        self.paused = [f for f in self.paused if f.name != flow.name]
        self.flow = flow

    def forget(self, name: str) -> None:
        """Drop a flow by name, active or paused."""
        if self.flow is not None and self.flow.name == name:
            self.flow = None
        self.paused = [f for f in self.paused if f.name != name]

    def open_flows(self) -> list[FlowState]:
        """The active flow and the paused ones."""
        return ([self.flow] if self.flow is not None else []) + list(self.paused)

    def durable_flows(self) -> list[FlowState]:
        """Open flows that belong in the durable snapshot (a flow may opt out, e.g. once a
        complaint is submitted, so the database never records which conversation filed it)."""
        return [f for f in self.open_flows() if f.data.get(DURABLE_KEY, True)]

    # ---- serialisation ------------------------------------------------------------------

    def to_dict(self, *, durable: bool = False) -> dict[str, Any]:
        """Plain data for storage; ``durable`` leaves out volatile keys and non-durable flows."""
        kept = self.durable_flows() if durable else self.open_flows()
        flow = self.flow if self.flow is not None and self.flow in kept else None
        known = {
            "conversation_id": self.conversation_id,
            "flow": flow.to_dict(durable=durable) if flow else None,
            "paused": [f.to_dict(durable=durable) for f in self.paused if f in kept],
            "context": self.context,
            "handed_off": self.handed_off,
            "turns": self.turns,
            "version": STATE_VERSION,
        }
        return {**self.extra, **known}

    def to_json(self, *, durable: bool = False) -> str:
        """Serialise for storage."""
        return json.dumps(self.to_dict(durable=durable), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> ConversationState:
        """Rebuild from what any version wrote; raises ValueError only for non-JSON."""
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("state is not an object")
        known = {f.name for f in fields(cls)} - {"extra"}
        paused = [f for f in map(FlowState.from_dict, data.get("paused") or []) if f]
        legacy = FlowState.from_dict(data.get("paused_flow"))  # version 1
        if legacy is not None:
            paused.append(legacy)
        context = data.get("context")
        turns = data.get("turns")
        return cls(
            conversation_id=str(data.get("conversation_id") or ""),
            flow=FlowState.from_dict(data.get("flow")),
            paused=paused,
            context=context if isinstance(context, dict) else {},
            handed_off=bool(data.get("handed_off", False)),
            turns=turns if isinstance(turns, int) else 0,
            version=STATE_VERSION,
            extra={k: v for k, v in data.items() if k not in known and k != "paused_flow"},
        )


class SessionRepository:
    """Loads and saves conversation state, encrypted, under a blind-index key; keeps a durable
    snapshot in the database while a flow is open."""

    def __init__(
        self,
        store: KeyValueStore,
        vault: Vault,
        ttl_seconds: int,
        snapshots: SnapshotRepository | None = None,
        draft_ttl_seconds: int = 24 * 3600,
    ) -> None:
        self._store = store
        self._vault = vault
        self._ttl = ttl_seconds
        self._snapshots = snapshots
        self._draft_ttl = draft_ttl_seconds

    @property
    def store(self) -> KeyValueStore:
        """The underlying key-value store (for locks and counters)."""
        return self._store

    @property
    def draft_ttl_seconds(self) -> int:
        """How long an untouched flow (a complaint draft) is kept."""
        return self._draft_ttl

    def _decode(self, raw: bytes) -> ConversationState | None:
        try:
            return self._expire_stale(ConversationState.from_json(self._vault.decrypt(raw)))
        except (DecryptionError, ValueError, TypeError):
            return None

    def _expire_stale(self, state: ConversationState) -> ConversationState:
        cutoff = time.time() - self._draft_ttl
        if state.flow is not None and 0 < state.flow.updated_at < cutoff:
            state.flow = None
        state.paused = [f for f in state.paused if not 0 < f.updated_at < cutoff]
        return state

    async def load(self, key: str) -> ConversationState | None:
        """The saved state, or None when there is none (or it can no longer be read)."""
        raw = await self._store.get("session:" + key)
        return None if raw is None else self._decode(raw)

    async def has(self, key: str) -> bool:
        """True when a state is saved under ``key`` (without decrypting it)."""
        return await self._store.get("session:" + key) is not None

    async def recover(self, conversation_id: str) -> ConversationState | None:
        """The durable snapshot of a conversation whose hot state was lost, if any."""
        if self._snapshots is None or not conversation_id:
            return None
        try:
            raw = await asyncio.to_thread(self._snapshots.load, conversation_id)
        except DatabaseUnavailableError:
            log.warning("snapshot_unavailable")
            return None
        state = None if raw is None else self._decode(raw)
        if state is not None:
            state.conversation_id = conversation_id
            log.info("state_recovered_from_snapshot")
        return state

    async def save(self, key: str, state: ConversationState) -> None:
        """Save the state and refresh its expiry; write or drop the durable snapshot."""
        had_snapshot = bool(state.context.pop("snapshot", False))
        durable = self._snapshots is not None and bool(state.conversation_id)
        keep = durable and bool(state.durable_flows())
        if keep:
            state.context["snapshot"] = True
        await self._store.set("session:" + key, self._vault.encrypt(state.to_json()), self._ttl)
        if keep:
            await self._write_snapshot(state)
        elif had_snapshot and durable:
            await self._drop_snapshot(state.conversation_id)

    async def _write_snapshot(self, state: ConversationState) -> None:
        assert self._snapshots is not None  # noqa: S101 - checked by the caller
        # Coarse times (to the hour), so a snapshot's time cannot be matched to a case's.
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        expires = hour + timedelta(hours=1, seconds=self._draft_ttl)
        cipher = self._vault.encrypt(state.to_json(durable=True))
        try:
            await asyncio.to_thread(self._snapshots.save, state.conversation_id, cipher, expires)
        except DatabaseUnavailableError:
            # The hot copy holds everything; the next turn writes the snapshot again.
            log.warning("snapshot_write_failed")

    async def _drop_snapshot(self, conversation_id: str) -> None:
        assert self._snapshots is not None  # noqa: S101 - checked by the caller
        try:
            await asyncio.to_thread(self._snapshots.delete, conversation_id)
        except DatabaseUnavailableError:
            log.warning("snapshot_delete_failed")  # it expires on its own

    async def delete(self, key: str) -> None:
        """Forget the state."""
        await self._store.delete("session:" + key)
