"""Stored state outlives a deploy: what earlier versions wrote is read, nothing is dropped."""

from __future__ import annotations

import json

import pytest

from bot.session import STATE_VERSION, ConversationState, FlowState, SessionRepository
from bot.stores.memory import InMemoryKeyValueStore
from handoff.crypto import Vault

# Written by version 1 (before this wave): one paused_flow slot, no version key.
VERSION_1 = json.dumps(
    {
        "conversation_id": "c" * 32,
        "flow": {
            "name": "calculator",
            "step": "ask",
            "data": {"intent": "calc_overtime"},
            "history": [],
        },
        "paused_flow": {"name": "delete_data", "step": "confirm", "data": {}, "history": []},
        "context": {"last_law": "劳动合同法"},
        "handed_off": False,
        "turns": 7,
    },
    ensure_ascii=False,
)


def test_state_written_by_version_1_is_read() -> None:
    state = ConversationState.from_json(VERSION_1)
    assert state.conversation_id == "c" * 32
    assert state.flow is not None and state.flow.name == "calculator"
    assert [f.name for f in state.paused] == ["delete_data"]
    assert state.context == {"last_law": "劳动合同法"}
    assert state.turns == 7
    assert state.version == STATE_VERSION


def test_unknown_keys_are_kept_and_written_back() -> None:
    raw = json.loads(VERSION_1)
    raw["a_field_from_a_newer_version"] = {"x": 1}
    state = ConversationState.from_json(json.dumps(raw))
    assert json.loads(state.to_json())["a_field_from_a_newer_version"] == {"x": 1}


def test_missing_and_malformed_parts_get_defaults() -> None:
    state = ConversationState.from_json('{"flow": {"step": 3}, "paused": [1, {"name": "x"}]}')
    assert state.flow is None
    assert [f.name for f in state.paused] == ["x"]
    assert state.context == {} and state.turns == 0


def test_pausing_never_drops_another_paused_flow() -> None:
    state = ConversationState()
    state.start(FlowState("intake", "brands"))
    state.start(FlowState("calculator", "ask"))
    state.pause_active()
    state.start(FlowState("delete_data", "confirm"))
    state.pause_active()
    assert {f.name for f in state.paused} == {"intake", "calculator", "delete_data"}
    assert state.resume("intake") is not None
    assert state.flow is not None and state.flow.step == "brands"


def test_volatile_keys_and_non_durable_flows_stay_out_of_the_snapshot() -> None:
    state = ConversationState()
    state.start(FlowState("intake", "receipt", data={"~receipt": "1" * 16, "durable": False}))
    state.pause_active()
    state.start(FlowState("case_status", "view", data={"~case_id": "abc", "keep": 1}))
    durable = json.loads(state.to_json(durable=True))
    assert "1" * 16 not in json.dumps(durable)
    assert durable["flow"]["data"] == {"keep": 1}
    assert durable["paused"] == []


@pytest.mark.anyio
async def test_has_tells_a_saved_state_without_reading_it() -> None:
    store = InMemoryKeyValueStore()
    sessions = SessionRepository(store, Vault("session-secret-" * 3), ttl_seconds=60)
    await sessions.save("known", ConversationState(conversation_id="c" * 32))
    await store.set("session:unreadable", b"not a sealed state", 60)

    assert await sessions.has("known")
    assert not await sessions.has("never-seen")
    # Existence is all it says: the unreadable state still exists, and load gives None.
    assert await sessions.has("unreadable")
    assert await sessions.load("unreadable") is None
