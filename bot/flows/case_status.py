"""Coming back with the receipt: status, messages from staff, a reply, or deleting the case.

ask_receipt → view ⇄ reply, view → confirm_delete → end. The case id is kept only in the
session store while the worker looks (never in the durable snapshot), so a copy of the
database cannot link this conversation to the case.
"""

from __future__ import annotations

import re
from typing import ClassVar

from bot.effects import DeleteCase, Effect, EffectResult, OpenCaseByReceipt, ReplyToCase
from bot.flows.base import END, Flow, StepResult, Turn
from bot.messages import Reply
from bot.prompts import load_prompts
from bot.session import ConversationState, FlowState
from handoff.cases.service import WorkerCaseView
from handoff.keys.receipts import normalize_receipt

NAME = "case_status"
_PICK = re.compile(r"^/pick\{(\w+):(\w+)\}$")
_CASE_ID = "~case_id"


class CaseStatusFlow(Flow):
    """The worker's side of a case, opened with the receipt."""

    name: ClassVar[str] = NAME
    initial_step: ClassVar[str] = "ask_receipt"
    transitions: ClassVar[dict[str, frozenset[str]]] = {
        "ask_receipt": frozenset({"view", END}),
        "view": frozenset({"reply", "confirm_delete", END}),
        "reply": frozenset({"view"}),
        "confirm_delete": frozenset({"view", END}),
    }

    def __init__(self) -> None:
        self._prompts = load_prompts("case_status")

    def prompt(self, flow: FlowState) -> list[Reply]:
        """The question of the current step."""
        if flow.step == "ask_receipt":
            return [
                Reply(
                    self._prompts.text("ask_receipt"), self._prompts.buttons("ask_receipt_buttons")
                )
            ]
        if flow.step == "reply":
            return [Reply(self._prompts.text("ask_reply"))]
        if flow.step == "confirm_delete":
            return [
                Reply(
                    self._prompts.text("confirm_delete"),
                    self._prompts.buttons("confirm_delete_buttons"),
                )
            ]
        return [Reply(self._prompts.text("case_menu"), self._prompts.buttons("case_menu_buttons"))]

    def takes_free_text(self, flow: FlowState) -> bool:
        """The reply to staff is the worker's own words."""
        return flow.step == "reply"

    def understands(self, flow: FlowState, turn: Turn) -> bool:
        """A receipt at the first step, a button elsewhere."""
        if turn.inbound.payload:
            return True
        if flow.step == "ask_receipt":
            return normalize_receipt(turn.text) is not None or any(ch.isdigit() for ch in turn.text)
        return False

    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Read the receipt, a menu choice, a reply or a confirmation."""
        pick = _PICK.match((turn.inbound.payload or "").strip())
        if flow.step == "ask_receipt":
            receipt = normalize_receipt(turn.text)
            if receipt is None:
                return StepResult([Reply(self._prompts.text("malformed"))])
            return StepResult(effects=(OpenCaseByReceipt(receipt),))
        case_id = flow.data.get(_CASE_ID)
        if not isinstance(case_id, str):  # the session store lost it: ask for the receipt again
            flow.step, flow.history = "ask_receipt", []
            return StepResult([Reply(self._prompts.text("session_expired")), *self.prompt(flow)])
        if flow.step == "reply":
            return StepResult(effects=(ReplyToCase(case_id, turn.text),))
        if flow.step == "confirm_delete":
            if pick and pick.group(1) == "delete" and pick.group(2) == "yes":
                return StepResult(effects=(DeleteCase(case_id),))
            return StepResult([Reply(self._prompts.text("not_deleted"))], "view")
        choice = pick.group(2) if pick and pick.group(1) == "case" else None
        if choice == "reply":
            return StepResult(next_step="reply")
        if choice == "delete":
            return StepResult(next_step="confirm_delete")
        if choice == "done":
            return StepResult([Reply(self._prompts.text("done"))], END)
        return StepResult(self.prompt(flow))

    def on_effect(
        self, state: ConversationState, effect: Effect, result: EffectResult
    ) -> list[Reply]:
        """Show the case, confirm a reply, or say goodbye after deletion."""
        flow = state.flow
        if flow is None:
            return []
        if not result.ok:
            key = (
                result.problem if result.problem in ("not_found", "rate_limited") else "unavailable"
            )
            buttons = (
                self._prompts.buttons("too_many_tries_buttons") if key == "rate_limited" else ()
            )
            return [Reply(self._prompts.text(key), buttons)]
        if isinstance(effect, OpenCaseByReceipt) and isinstance(result.value, WorkerCaseView):
            flow.data[_CASE_ID] = result.value.case_id
            flow.advance("view")
            return self._case_replies(result.value) + self.prompt(flow)
        if isinstance(effect, ReplyToCase):
            flow.advance("view")
            return [Reply(self._prompts.text("reply_sent")), *self.prompt(flow)]
        if isinstance(effect, DeleteCase):
            state.forget(NAME)
            return [Reply(self._prompts.text("deleted"))]
        return []

    def _case_replies(self, view: WorkerCaseView) -> list[Reply]:
        statuses = self._prompts.mapping("statuses")
        who = self._prompts.mapping("who")
        lines = [
            self._prompts.text(
                "status_line",
                date=view.created_at.strftime("%Y-%m-%d"),
                status=statuses.get(view.status, view.status),
            )
        ]
        if view.unread_staff:
            lines.append(self._prompts.text("new_messages", count=view.unread_staff))
        if view.messages:
            lines.append(self._prompts.text("messages_header"))
            lines += [
                self._prompts.text(
                    "message_line",
                    who=who.get(m.author, m.author),
                    date=m.created_at.strftime("%m-%d %H:%M"),
                    text=m.text,
                )
                for m in view.messages
            ]
        else:
            lines.append(self._prompts.text("no_messages"))
        return [Reply("\n".join(lines))]

    def finish(self, state: ConversationState) -> list[Reply]:
        """Forget the case id with the flow."""
        state.forget(NAME)
        return []
