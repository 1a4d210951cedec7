"""One chat flow that drives any calculator of ``knowledge_base.calculators``.

It asks only what the calculator still needs (one question at a time, answers pre-filled from
what the worker already said), re-asks kindly on an answer it cannot use without losing earlier
ones, and finishes by showing formula, inputs, working, result and citations.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from bot.flows.base import END, Flow, StepResult, Turn
from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.session import ConversationState, FlowState
from knowledge_base.calculators import flow as calc
from knowledge_base.calculators.base import CalculatorSpec
from knowledge_base.calculators.registry import CALCULATORS, calculator_for
from nlu.types import Entity

ASK = "ask"
# Which entity may pre-fill which kind of field (only when the message holds exactly one).
_ENTITY_KINDS: dict[str, tuple[str, ...]] = {
    "money": ("money",),
    "hours": ("hours",),
    "duration": ("months", "years"),
    "city": ("city",),
    "province": ("city",),
}


def _today() -> date:
    return date.today()


class CalculatorFlow(Flow):
    """ask ⟲ ask → end: each turn answers the pending question or asks it again."""

    name: ClassVar[str] = "calculator"
    initial_step: ClassVar[str] = ASK
    transitions: ClassVar[dict[str, frozenset[str]]] = {ASK: frozenset({ASK, END})}

    def __init__(self, today: Callable[[], date] = _today) -> None:
        self._today = today

    # ---- starting -------------------------------------------------------------------

    def begin(
        self, state: ConversationState, intent: str, entities: tuple[Entity, ...] = ()
    ) -> list[Reply]:
        """Start the calculator for ``intent``, pre-filling answers from the message's entities."""
        spec = calculator_for(intent)
        if spec is None:
            raise KeyError(intent)
        answers: dict[str, object] = {}
        noted = self._prefill(spec, answers, entities)
        data = {
            "intent": intent,
            "answers": calc.dump_answers(spec, answers),
            "order": list(answers),
        }
        replies = self.start(state, data)
        prompts = load_prompts("calculator")
        intro = [Reply(prompts.text("intro", title=_title(spec)))]
        if noted:
            intro.append(Reply(prompts.text("prefilled", items="；".join(noted))))
        return intro + replies

    def _prefill(
        self, spec: CalculatorSpec, answers: dict[str, object], entities: tuple[Entity, ...]
    ) -> list[str]:
        noted: list[str] = []
        by_name: dict[str, list[Entity]] = {}
        for entity in entities:
            by_name.setdefault(entity.entity, []).append(entity)
        today = self._today()
        for entity_name, kinds in _ENTITY_KINDS.items():
            found = by_name.get(entity_name, [])
            if len(found) != 1:
                continue  # none, or ambiguous: ask instead of guessing
            question = calc.next_question(spec, answers, today)
            candidates = [f for f in calc.relevant_fields(spec, answers, today) if f.kind in kinds]
            target = next((f for f in candidates if f.name not in answers), None)
            if target is None or target.prefill_only or question is None:
                continue
            outcome = calc.read_answer(spec, target.name, found[0].text, answers, today)
            if isinstance(outcome, calc.Accepted):
                answers[target.name] = outcome.value
                noted.append(outcome.shown)
        return noted

    # ---- the state machine ----------------------------------------------------------

    def skip_answered(self, flow: FlowState) -> str:
        """Stay on ASK while a question is pending, else finish."""
        spec, answers = self._load(flow)
        return ASK if calc.next_question(spec, answers, self._today()) is not None else END

    def prompt(self, flow: FlowState) -> list[Reply]:
        """The pending question, with buttons for choices."""
        spec, answers = self._load(flow)
        question = calc.next_question(spec, answers, self._today())
        if question is None:
            return []
        flow.data["field"] = question.field.name
        buttons = tuple(Button(c.label, c.label) for c in question.choices)
        if question.can_skip:
            buttons += (Button(load_prompts("calculator").text("skip_button"), "不知道"),)
        return [Reply(question.text, buttons)]

    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Read the answer to the pending question; re-ask with a hint when unusable."""
        spec, answers = self._load(flow)
        field = flow.data.get("field")
        question = calc.next_question(spec, answers, self._today())
        if question is None:
            return StepResult(next_step=END)
        if field != question.field.name:
            return StepResult(self.prompt(flow))
        outcome = calc.read_answer(spec, question.field.name, turn.text, answers, self._today())
        if isinstance(outcome, calc.Rejected):
            return StepResult([Reply(outcome.message), *self.prompt(flow)])
        answers[question.field.name] = outcome.value
        self._store(flow, spec, answers, added=question.field.name)
        done = calc.next_question(spec, answers, self._today()) is None
        return StepResult(next_step=END if done else ASK)

    def back(self, state: ConversationState) -> list[Reply] | None:
        """Forget the last answer and ask it again."""
        flow = state.flow
        if flow is None or not flow.data.get("order"):
            return None
        spec, answers = self._load(flow)
        last = flow.data["order"].pop()
        answers.pop(last, None)
        flow.data["answers"] = calc.dump_answers(spec, answers)
        if flow.history:
            flow.history.pop()
        return self.prompt(flow)

    def finish(self, state: ConversationState) -> list[Reply]:
        """Compute and show the full working."""
        flow = state.flow
        state.flow = None
        if flow is None:
            return []
        spec, answers = self._load(flow)
        result = calc.run(spec, answers, self._today())
        prompts = load_prompts("calculator")
        buttons = tuple(
            Button(_title(CALCULATORS[i]), "/" + i) for i in result.related if i in CALCULATORS
        )
        buttons += prompts.buttons("after_result_buttons")
        state.context["last_calculation"] = spec.intent
        return [Reply(calc.render_text(result), buttons)]

    # ---- helpers --------------------------------------------------------------------

    @staticmethod
    def _load(flow: FlowState) -> tuple[CalculatorSpec, dict[str, object]]:
        spec = CALCULATORS[str(flow.data["intent"])]
        raw: dict[str, Any] = flow.data.get("answers") or {}
        return spec, calc.load_answers(spec, raw)

    @staticmethod
    def _store(
        flow: FlowState, spec: CalculatorSpec, answers: dict[str, object], *, added: str
    ) -> None:
        flow.data["answers"] = calc.dump_answers(spec, answers)
        flow.data.setdefault("order", []).append(added)


def _title(spec: CalculatorSpec) -> str:
    from knowledge_base.calculators import texts

    return texts.text(spec.title_key)
