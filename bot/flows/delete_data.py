"""Confirm before deleting a worker's conversation data (one question, yes or no)."""

from __future__ import annotations

from typing import ClassVar

from bot.effects import DeleteConversationData
from bot.flows.base import END, Flow, StepResult, Turn
from bot.messages import Reply
from bot.prompts import load_prompts
from bot.session import FlowState

_YES_INTENTS = frozenset({"affirm"})
_NO_INTENTS = frozenset({"deny", "cancel"})


class DeleteDataFlow(Flow):
    """confirm → end (deleted or kept)."""

    name: ClassVar[str] = "delete_data"
    initial_step: ClassVar[str] = "confirm"
    transitions: ClassVar[dict[str, frozenset[str]]] = {"confirm": frozenset({END})}

    def prompt(self, flow: FlowState) -> list[Reply]:
        """Ask for confirmation with two buttons."""
        prompts = load_prompts("core")
        return [Reply(prompts.text("delete_confirm"), prompts.buttons("delete_confirm_buttons"))]

    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Yes deletes, no keeps; anything else asks again without losing anything."""
        prompts = load_prompts("core")
        intent = turn.parse.intent.name
        if intent in _YES_INTENTS:
            return StepResult(
                [Reply(prompts.text("delete_done"))], END, (DeleteConversationData(),)
            )
        if intent in _NO_INTENTS:
            return StepResult([Reply(prompts.text("delete_cancelled"))], END)
        return StepResult(
            [Reply(prompts.text("yes_or_no"), prompts.buttons("delete_confirm_buttons"))]
        )
