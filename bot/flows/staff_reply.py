"""Answering a caseworker from the chat: the worker tapped 回复工作人员 under a message about
their complaint and writes one reply, which is attached to the case.

write → end. The case id comes from the button's short-lived token (see
:class:`bot.delivery.ReplyTokens`) and is kept only in the session store while the worker
writes: the flow is never in the durable snapshot, so the database cannot link this
conversation to the case.
"""

from __future__ import annotations

from typing import ClassVar

from bot.effects import Effect, EffectResult, ReplyToCase
from bot.flows.base import END, Flow, StepResult, Turn
from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.session import DURABLE_KEY, ConversationState, FlowState

NAME = "staff_reply"
CASE_ID = "~case_id"
TOKEN = "~token"  # noqa: S105 - a data key, not a secret
REPLY_INTENT = "reply_staff"


def reply_payload(token: str) -> str:
    """The payload of a 回复工作人员 button."""
    return f"/{REPLY_INTENT}{{{token}}}"


class StaffReplyFlow(Flow):
    """One reply to a caseworker's message."""

    name: ClassVar[str] = NAME
    initial_step: ClassVar[str] = "write"
    transitions: ClassVar[dict[str, frozenset[str]]] = {"write": frozenset({END})}

    def __init__(self) -> None:
        self._prompts = load_prompts("live")

    def begin(self, state: ConversationState, case_id: str, token: str) -> list[Reply]:
        """Start writing a reply to ``case_id`` (an open flow is paused, not lost)."""
        return self.start(state, {DURABLE_KEY: False, CASE_ID: case_id, TOKEN: token})

    def prompt(self, flow: FlowState) -> list[Reply]:
        """Ask for the reply."""
        return [Reply(self._prompts.text("ask_reply"))]

    def takes_free_text(self, flow: FlowState) -> bool:
        """The reply is the worker's own words."""
        return True

    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Send what the worker wrote; a tapped button asks again."""
        case_id = flow.data.get(CASE_ID)
        if not isinstance(case_id, str):  # the session store lost it
            return StepResult(
                [
                    Reply(
                        self._prompts.text("reply_expired"),
                        self._prompts.buttons("reply_expired_buttons"),
                    )
                ],
                END,
            )
        if not turn.inbound.text.strip():
            return StepResult(self.prompt(flow))
        return StepResult(effects=(ReplyToCase(case_id, turn.inbound.text),))

    def on_effect(
        self, state: ConversationState, effect: Effect, result: EffectResult
    ) -> list[Reply]:
        """Confirm the reply (and offer another), or say it did not go out."""
        flow = state.flow
        if flow is None or flow.name != NAME:
            return []
        if not result.ok:
            return [Reply(self._prompts.text("reply_failed"))]
        token = flow.data.get(TOKEN)
        buttons = self._prompts.buttons("reply_more_buttons")
        if isinstance(token, str):
            more = Button(self._prompts.text("reply_more_title"), reply_payload(token))
            buttons = (more, *buttons)
        state.forget(NAME)
        return [Reply(self._prompts.text("reply_sent"), buttons)]
