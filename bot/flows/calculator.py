"""One chat flow that drives any calculator of ``knowledge_base.calculators``.

It reads what the worker's first message already says (一天250 is a daily wage, 周末加了16个小时
rest-day hours), shows those facts for confirmation with a button to correct each, then asks
only what is still missing, one question at a time. An answer it cannot use is asked again
kindly without losing earlier ones; pay that looks wrong for its unit is confirmed first. Every
question has a button to leave. It finishes with the working, the result and the few articles
that carry it, then the notes and further articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar

from bot.flows.base import END, Flow, StepResult, Turn
from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.session import ConversationState, FlowState
from knowledge_base.calculators import flow as calc
from knowledge_base.calculators import texts
from knowledge_base.calculators.base import TODAY, CalculationResult
from knowledge_base.calculators.names import (
    calculator_continuing,
    calculator_wanted,
    first_question_answer,
)
from knowledge_base.calculators.parsing import parse_bool
from knowledge_base.calculators.registry import CALCULATORS, calculator_for
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.forms import engine
from knowledge_base.forms.spec import Parsed
from nlu.service_length import read_service_length
from nlu.types import Entity, ParseResult

ASK = "ask"
CONFIRM = "confirm"
# Button payloads of this flow ("/<name>{<argument>}", the shape the core reads as an intent).
OK = "/calc_ok"
FIX = "/calc_fix"
PICK = "/calc_pick"
RETYPE = "/calc_retype"
_PAYLOAD = re.compile(r"^(/calc_\w+)(?:\{(\w*)\})?$")


_YES_NO_MAX_CHARS = 6


def _today() -> date:
    return date.today()


def _payload(turn: Turn) -> tuple[str, str] | None:
    """(command, argument) of one of this flow's buttons, or None for typed text."""
    match = _PAYLOAD.match((turn.inbound.payload or "").strip())
    return (match.group(1), match.group(2) or "") if match else None


class CalculatorFlow(Flow):
    """confirm → ask ⟲ ask → end: confirm what the message said, then ask what is missing."""

    name: ClassVar[str] = "calculator"
    initial_step: ClassVar[str] = ASK
    transitions: ClassVar[dict[str, frozenset[str]]] = {
        CONFIRM: frozenset({ASK, END}),
        ASK: frozenset({ASK, END}),
    }

    def __init__(self, today: Callable[[], date] = _today) -> None:
        self._today = today

    # ---- starting -------------------------------------------------------------------

    def begin(
        self,
        state: ConversationState,
        intent: str,
        entities: tuple[Entity, ...] = (),
        text: str = "",
    ) -> list[Reply]:
        """Start the calculator for ``intent``; facts the message (``text``, read as
        ``entities``) states are shown to confirm."""
        spec = calculator_for(intent)
        if spec is None:
            raise KeyError(intent)
        facts = calc.prefill(spec, entities, self._today(), text)
        data = {
            "intent": intent,
            "answers": engine.dump_answers(spec, facts.answers),
            "order": [f.name for f in spec.fields if f.name in facts.answers],
            "stated": list(facts.stated),
            "assumed": list(facts.assumed),
            "confirming": bool(facts.answers),
        }
        intro = [Reply(load_prompts("calculator").text("intro", title=_title(spec)))]
        return intro + self.start(state, data)

    # ---- the state machine ----------------------------------------------------------

    def skip_answered(self, flow: FlowState) -> str:
        """Confirm pre-filled facts first; then stay on ASK while a question is pending."""
        if flow.data.get("confirming"):
            return CONFIRM
        spec, answers = self._load(flow)
        return ASK if engine.next_question(spec, answers, self._today()) is not None else END

    def prompt(self, flow: FlowState) -> list[Reply]:
        """The facts to confirm, a pay figure to confirm, or the pending question."""
        if flow.step == CONFIRM:
            return [self._facts_reply(flow)]
        if flow.data.get("pending"):
            return [self._pending_reply(flow)]
        spec, answers = self._load(flow)
        question = engine.next_question(spec, answers, self._today())
        if question is None:
            return []
        prompts = load_prompts("calculator")
        flow.data["field"] = question.field.name
        buttons = tuple(Button(c.label, c.label) for c in question.choices)
        if question.can_skip:
            buttons += (Button(prompts.text("skip_button"), prompts.text("skip_button")),)
        return [Reply(question.text, buttons + prompts.buttons("cancel_buttons"))]

    def wanted(self, intent: str, text: str, parse: ParseResult) -> bool:
        """Whether a message the NLU gave calculator ``intent`` asks for the computation
        (:func:`~knowledge_base.calculators.names.calculator_wanted`)."""
        return calculator_wanted(
            intent, text, parse.intent.confidence, parse.entities, self._today()
        )

    def continuing(self, topic: str | None, text: str, parse: ParseResult) -> str | None:
        """The calculator a short message of facts continues after an answer of ``topic``
        (:func:`~knowledge_base.calculators.names.calculator_continuing`)."""
        return calculator_continuing(
            topic, parse.intent.name, parse.intent.confidence, text, parse.entities, self._today()
        )

    def first_answer(self, intent: str, text: str, parse: ParseResult) -> str | None:
        """The words of ``text`` that answer calculator ``intent``'s first question, if any
        (:func:`~knowledge_base.calculators.names.first_question_answer`)."""
        spec = calculator_for(intent)
        if spec is None:
            return None
        return first_question_answer(spec, text, parse.entities, self._today())

    def understands(self, flow: FlowState, turn: Turn) -> bool:
        """Whether a typed message answers the pending question (else a question the worker
        asked in the middle is answered and the question asked again)."""
        if turn.inbound.payload:
            return True
        # 对 / 不对 / 可以 — short; "试用期可以多久" holds 可以 but is a question.
        yes_or_no = len(turn.text) <= _YES_NO_MAX_CHARS and isinstance(
            parse_bool(turn.text), Parsed
        )
        if flow.step == CONFIRM:
            return yes_or_no
        spec, answers = self._load(flow)
        question = engine.next_question(spec, answers, self._today())
        if question is None:
            return True
        if yes_or_no and flow.data.get("pending"):
            return True
        if self._facts_for_other_questions(spec, question.field.name, turn, answers):
            return True
        outcome = engine.read_answer(spec, question.field, turn.text, answers, self._today())
        return not isinstance(outcome, engine.Rejected)

    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Read the worker's reply to the current step."""
        if flow.step == CONFIRM:
            return self._handle_confirm(flow, turn)
        if flow.data.get("pending"):
            picked = self._handle_pending(flow, turn)
            if picked is not None:
                return picked
        spec, answers = self._load(flow)
        field = flow.data.get("field")
        question = engine.next_question(spec, answers, self._today())
        if question is None:
            return StepResult(next_step=END)
        if field != question.field.name:
            return StepResult(self.prompt(flow))
        elsewhere = self._facts_for_other_questions(spec, question.field.name, turn, answers)
        if elsewhere:
            return self._file_elsewhere(flow, spec, answers, elsewhere)
        outcome = engine.read_answer(spec, question.field, turn.text, answers, self._today())
        if isinstance(outcome, engine.Rejected):
            return StepResult([Reply(outcome.message), *self.prompt(flow)])
        if isinstance(outcome, engine.ToConfirm):
            flow.data["pending"] = {
                "field": question.field.name,
                "message": outcome.message,
                "readings": [spec.dump(question.field, r.value) for r in outcome.readings],
                "shown": [r.shown for r in outcome.readings],
            }
            return StepResult(self.prompt(flow))
        return self._accept(flow, spec, answers, question.field.name, outcome.value)

    def back(self, state: ConversationState) -> list[Reply] | None:
        """Forget the last answer and ask it again."""
        flow = state.flow
        if flow is None or not flow.data.get("order"):
            return None
        spec, answers = self._load(flow)
        last = flow.data["order"].pop()
        answers.pop(last, None)
        flow.data["answers"] = engine.dump_answers(spec, answers)
        flow.data.pop("pending", None)
        flow.data["confirming"] = False
        flow.step = ASK
        if flow.history:
            flow.history.pop()
        return self.prompt(flow)

    def finish(self, state: ConversationState) -> list[Reply]:
        """Compute and show the working and result; notes and further articles follow."""
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
        _remember(state, spec, result)
        replies = [Reply(calc.render_text(result), buttons)]
        details = calc.render_details(result)
        if details:
            replies.append(Reply(details))
        return replies

    # ---- confirming what the first message said --------------------------------------

    def _facts_reply(self, flow: FlowState) -> Reply:
        spec, answers = self._load(flow)
        prompts = load_prompts("calculator")
        stated = [n for n in flow.data.get("stated", []) if n in answers]
        assumed = [n for n in flow.data.get("assumed", []) if n in answers]
        lines = [prompts.text("prefilled")]
        for label, value in calc.fact_lines(spec, answers, stated):
            lines.append(prompts.text("fact_line", label=label, value=value))
        for label, value in calc.fact_lines(spec, answers, assumed):
            lines.append(prompts.text("assumed_line", label=label, value=value))
        lines.append(prompts.text("confirm_question"))
        buttons = [Button(prompts.text("confirm_button"), OK)]
        for name in [*stated, *assumed]:
            label = spec.label(spec.field(name))
            buttons.append(Button(prompts.text("fix_button", label=label), f"{FIX}{{{name}}}"))
        return Reply("\n".join(lines), (*buttons, *prompts.buttons("cancel_buttons")))

    def _handle_confirm(self, flow: FlowState, turn: Turn) -> StepResult:
        spec, answers = self._load(flow)
        command = _payload(turn)
        if command is not None and command[0] == FIX and command[1] in answers:
            answers.pop(command[1])
            flow.data["order"] = [n for n in flow.data.get("order", []) if n != command[1]]
            flow.data["answers"] = engine.dump_answers(spec, answers)
            return self._confirmed(flow, spec, answers)
        said = parse_bool(turn.text) if command is None else None
        if (command is not None and command[0] == OK) or (
            isinstance(said, Parsed) and said.value is True
        ):
            return self._confirmed(flow, spec, answers)
        prompts = load_prompts("calculator")
        return StepResult([Reply(prompts.text("which_to_fix")), self._facts_reply(flow)])

    def _confirmed(
        self, flow: FlowState, spec: CalculatorSpec, answers: dict[str, object]
    ) -> StepResult:
        flow.data["confirming"] = False
        done = engine.next_question(spec, answers, self._today()) is None
        return StepResult(next_step=END if done else ASK)

    # ---- confirming a pay figure that looks wrong for its unit ------------------------

    def _pending_reply(self, flow: FlowState) -> Reply:
        pending = flow.data["pending"]
        prompts = load_prompts("calculator")
        buttons = [
            Button(shown, f"{PICK}{{{index}}}") for index, shown in enumerate(pending["shown"])
        ]
        buttons.append(Button(prompts.text("retype_button"), RETYPE))
        return Reply(str(pending["message"]), (*buttons, *prompts.buttons("cancel_buttons")))

    def _handle_pending(self, flow: FlowState, turn: Turn) -> StepResult | None:
        """A picked reading, or None when the worker typed a new answer instead."""
        pending = flow.data["pending"]
        command = _payload(turn)
        index: int | None = None
        if command is not None and command[0] == PICK and command[1].isdigit():
            index = int(command[1])
        elif command is None:
            said = parse_bool(turn.text)
            index = 0 if isinstance(said, Parsed) and said.value is True else None
        flow.data.pop("pending", None)
        if command is not None and command[0] == RETYPE:
            return StepResult(self.prompt(flow))
        if index is None or index >= len(pending["readings"]):
            return None
        spec, answers = self._load(flow)
        name = str(pending["field"])
        value = spec.load(spec.field(name), pending["readings"][index])
        return self._accept(flow, spec, answers, name, value)

    # ---- an answer to another question ------------------------------------------------

    def _facts_for_other_questions(
        self, spec: CalculatorSpec, current: str, turn: Turn, answers: Mapping[str, object]
    ) -> dict[str, object]:
        """Facts the reply states for questions not yet answered, when they are not (only) the
        one asked: "周末加了16个小时" typed at the weekday question is rest-day work."""
        facts = calc.prefill(spec, turn.parse.entities, self._today())
        stated = {n: facts.answers[n] for n in facts.stated if n not in answers}
        if not stated:
            stated = self._bare_length_for_other_question(spec, current, turn, answers)
        return stated if stated and set(stated) != {current} else {}

    def _bare_length_for_other_question(
        self, spec: CalculatorSpec, current: str, turn: Turn, answers: Mapping[str, object]
    ) -> dict[str, object]:
        """A reply that is only a length of service ("3年半", with no 干了 before it) typed
        at another question answers the open question that takes one."""
        if read_service_length(turn.text) is None:
            return {}
        today = self._today()
        for field in spec.fields:
            if field.kind != "date_or_length" or field.name in answers or field.name == current:
                continue
            if not field.is_relevant({**answers, TODAY: today}):
                continue
            outcome = engine.read_answer(spec, field, turn.text, answers, today)
            if isinstance(outcome, engine.Accepted) and outcome.value is not None:
                return {field.name: outcome.value}
        return {}

    def _file_elsewhere(
        self,
        flow: FlowState,
        spec: CalculatorSpec,
        answers: dict[str, object],
        facts: Mapping[str, object],
    ) -> StepResult:
        """Keep what the reply said where it belongs, say so, and go on with what is open."""
        prompts = load_prompts("calculator")
        lines = [prompts.text("filed_elsewhere")]
        answers.update(facts)
        for label, value in calc.fact_lines(spec, answers, list(facts)):
            lines.append(prompts.text("fact_line", label=label, value=value))
        flow.data["answers"] = engine.dump_answers(spec, answers)
        flow.data.setdefault("order", []).extend(facts)
        if engine.next_question(spec, answers, self._today()) is None:
            return StepResult([Reply("\n".join(lines))], next_step=END)
        return StepResult([Reply("\n".join(lines)), *self.prompt(flow)])

    # ---- helpers --------------------------------------------------------------------

    def _accept(
        self,
        flow: FlowState,
        spec: CalculatorSpec,
        answers: dict[str, object],
        name: str,
        value: object,
    ) -> StepResult:
        answers[name] = value
        flow.data["answers"] = engine.dump_answers(spec, answers)
        flow.data.setdefault("order", []).append(name)
        done = engine.next_question(spec, answers, self._today()) is None
        return StepResult(next_step=END if done else ASK)

    @staticmethod
    def _load(flow: FlowState) -> tuple[CalculatorSpec, dict[str, object]]:
        spec = CALCULATORS[str(flow.data["intent"])]
        raw: dict[str, Any] = flow.data.get("answers") or {}
        return spec, engine.load_answers(spec, raw)


def _remember(state: ConversationState, spec: CalculatorSpec, result: CalculationResult) -> None:
    """What later turns may refer to: the calculator, and the articles behind the result
    (so "看法条" shows them)."""
    state.context["last_calculation"] = spec.intent
    cited = result.citations + result.further_citations
    state.context["last_citations"] = [[c.law, c.article] for c in cited if c.article is not None]


def _title(spec: CalculatorSpec) -> str:
    return texts.text(spec.title_key)
