"""The complaint intake as a state machine (diagram: ``flow.mmd`` beside this file).

consent → what happened → employer → brands → place → (district) → when → still happening →
how many → description → (identifying data?) → evidence → what they want → contact →
(contact detail) → summary → receipt. Every question may be skipped; 取消 asks first;
上一步 goes back; a summary answer can be changed; the receipt is shown (again, on any
message) until the worker taps 我已保存.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from bot.effects import Effect, EffectResult, SubmitComplaint
from bot.flows.base import END, Flow, StepResult, Turn
from bot.flows.intake.form import FIELDS, IntakeForm, place_value
from bot.flows.intake.pii import identifying_kinds, mask_identifying
from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.session import DURABLE_KEY, ConversationState, FlowState
from handoff.cases.categories import categories, categories_in, is_urgent
from handoff.keys.receipts import format_receipt, new_receipt
from knowledge_base.forms import engine
from knowledge_base.forms.fields import TODAY, InputField
from knowledge_base.forms.spec import Unparsed
from knowledge_base.topics import topic_for_intent
from nlu.tokenizer import normalize
from nlu.types import SafetySignal

NAME = "intake"
FIELD_STEPS = tuple(f.name for f in FIELDS)
_PICK = re.compile(r"^/pick\{(\w+):([\w-]+)\}$")
_EDIT = re.compile(r"^/edit\{(\w+)\}$")
_SUBMIT_WORDS = ("提交", "确认", "确定", "没问题", "发送", "可以了")
_YES_WORDS = ("同意", "好", "可以", "开始", "行", "ok", "是", "嗯", "对")
_NO_WORDS = ("不同意", "不要", "不了", "算了", "不投诉")
_MAX_FAILURES = 2
_SAFETY_CATEGORIES = {
    "fire_chemical": "hazard",
    "injury": "injury",
    "violence_confinement": "confinement",
}


def _then(*steps: str) -> frozenset[str]:
    """Next steps of a field: the ones named, or the summary when changing an answer."""
    return frozenset({*steps, "summary"})


def _today() -> date:
    return date.today()


class IntakeFlow(Flow):
    """The anonymous complaint conversation."""

    name: ClassVar[str] = NAME
    initial_step: ClassVar[str] = "consent"
    transitions: ClassVar[dict[str, frozenset[str]]] = {
        "consent": frozenset({"categories", END}),
        "categories": _then("employer"),
        "employer": _then("brands"),
        "brands": _then("place"),
        "place": _then("district", "started"),
        "district": _then("started"),
        "started": _then("ongoing"),
        "ongoing": _then("affected"),
        "affected": _then("description"),
        "description": _then("pii", "evidence"),
        "pii": _then("evidence"),
        "evidence": _then("wants"),
        "wants": _then("contact"),
        "contact": _then("contact_detail"),
        "contact_detail": _then(),
        "summary": frozenset({*FIELD_STEPS, "receipt"}),
        "receipt": frozenset({END}),
    }

    def __init__(self, today: Callable[[], date] = _today) -> None:
        self._today = today
        self._form = IntakeForm()
        self._prompts = load_prompts("intake")
        self._fields = {f.name: f for f in FIELDS}

    # ---- starting -------------------------------------------------------------------

    def begin(
        self, state: ConversationState, *, channel: str, text: str = "", topic: str | None = None
    ) -> list[Reply]:
        """Start a new draft; categories named in the opening message are pre-selected."""
        preselected = self._categories_from(text, topic)
        data = {
            "answers": {},
            "selecting": {"categories": preselected} if preselected else {},
            "typed": {},
            "fails": {},
            "channel": channel,
            "submission_id": secrets.token_urlsafe(16),
            "urgent": False,
        }
        return self.start(state, data)

    def _categories_from(self, text: str, topic: str | None) -> list[str]:
        found = categories_in(normalize(text)) if text else []
        mapped = self._prompts.mapping("topic_categories").get(topic or "")
        if mapped and mapped not in found:
            found.append(mapped)
        return found

    def resume(self, state: ConversationState) -> list[Reply]:
        """Back to the step the worker was on."""
        assert state.flow is not None  # noqa: S101 - the core resumes first
        return [Reply(self._prompts.text("resumed")), *self.prompt(state.flow)]

    # ---- what the core asks of a flow -----------------------------------------------

    def takes_free_text(self, flow: FlowState) -> bool:
        """Free-text steps keep whatever is written (description, employer, what happened …)."""
        if flow.data.get("~confirm_cancel"):
            return False
        field = self._fields.get(flow.step)
        return field is not None and field.free_text

    def understands(self, flow: FlowState, turn: Turn) -> bool:
        """Whether a typed message is usable at a button step (else a question is answered)."""
        if turn.inbound.payload or flow.data.get("~confirm_cancel"):
            return True
        text = turn.text
        if self._form.is_skip(text):
            return True
        step = flow.step
        if step == "consent":
            return self._yes_or_no(text) is not None
        if step == "summary":
            return any(word in text for word in _SUBMIT_WORDS)
        field = self._fields.get(step)
        if field is None:
            return False
        outcome = self._form.parse(field, text, self._answers(flow), self._today())
        return not isinstance(outcome, Unparsed) or outcome.error == "ambiguous"

    def on_safety(self, flow: FlowState, signal: SafetySignal) -> None:
        """A danger mentioned during the intake makes the case urgent when it is submitted."""
        if flow.name != NAME:
            return
        flow.data["urgent"] = True
        reasons = flow.data.setdefault("safety_kinds", [])
        for kind in signal.kinds:
            if kind not in reasons:
                reasons.append(kind)

    def cancel(self, state: ConversationState) -> list[Reply] | None:
        """Ask before throwing a draft away (after submission, just leave)."""
        flow = state.flow
        if flow is None or flow.step == "receipt":
            return None
        flow.data["~confirm_cancel"] = True
        return [
            Reply(self._prompts.text("cancel_confirm"), self._prompts.buttons("cancel_buttons"))
        ]

    def back(self, state: ConversationState) -> list[Reply] | None:
        """One step back, never past the start or back into a submitted case."""
        flow = state.flow
        if flow is None or flow.step == "receipt":
            return None
        flow.data.pop("~confirm_cancel", None)
        return super().back(state)

    # ---- prompts --------------------------------------------------------------------

    def prompt(self, flow: FlowState) -> list[Reply]:
        """The question of the current step."""
        step = flow.step
        if step == "consent":
            return [self._consent_reply(flow)]
        if step == "pii":
            return [self._pii_reply(flow)]
        if step == "summary":
            return [self._summary_reply(flow)]
        if step == "receipt":
            saved = (self._button("receipt_saved_button"),)
            if not flow.data.get("~receipt"):
                return [Reply(self._prompts.text("receipt_lost"), saved)]
            return [Reply(self._prompts.text("receipt_again", receipt=self._receipt(flow)), saved)]
        field = self._fields[step]
        question = self._form.question_text(field, self._answers(flow), self._today())
        return [Reply(question, self._field_buttons(flow, field))]

    def _consent_reply(self, flow: FlowState) -> Reply:
        note_key = "channel_note_web" if flow.data.get("channel") == "web" else "channel_note_app"
        text = self._prompts.text("consent", channel_note=self._prompts.text(note_key))
        return Reply(text, self._prompts.buttons("consent_buttons"))

    def _button(self, key: str) -> Button:
        return self._prompts.buttons(key)[0]

    def _field_buttons(self, flow: FlowState, field: InputField) -> tuple[Button, ...]:
        answers = self._answers(flow)
        buttons: list[Button] = []
        if field.kind in ("multi", "choice", "count"):
            chosen = set(flow.data.get("selecting", {}).get(field.name, []))
            for choice in self._form.choices(field, answers):
                title = ("✓ " if choice.key in chosen else "") + choice.label
                buttons.append(Button(title, f"/pick{{{field.name}:{choice.key}}}"))
        if field.multiple:
            buttons.append(self._button("done_button"))
        skip_key = {
            "contact_detail": "chat_only_button",
            "employer": "unknown_button",
            "brands": "unknown_button",
            "place": "unknown_button",
            "started": "unknown_button",
        }.get(field.name, "skip_button")
        buttons.append(self._button(skip_key))
        if flow.history:
            buttons.append(self._button("back_button"))
        return tuple(buttons)

    def _pii_reply(self, flow: FlowState) -> Reply:
        names = self._prompts.mapping("pii_kinds")
        kinds = identifying_kinds(str(flow.data.get("pii_pending", "")))
        text = self._prompts.text("pii_warning", kinds="、".join(names[k] for k in kinds))
        return Reply(text, self._prompts.buttons("pii_buttons"))

    def _summary_lines(self, flow: FlowState) -> list[tuple[str, str]]:
        answers = self._answers(flow)
        context = {**answers, TODAY: self._today()}
        return [
            (self._form.label(f), self._form.display(f, answers.get(f.name), answers))
            for f in FIELDS
            if f.is_relevant(context)
        ]

    def _summary_reply(self, flow: FlowState) -> Reply:
        lines = "\n".join(
            self._prompts.text("summary_line", label=label, value=value)
            for label, value in self._summary_lines(flow)
        )
        answers = self._answers(flow)
        context = {**answers, TODAY: self._today()}
        buttons = [self._button("summary_submit")]
        buttons += [
            Button(
                self._prompts.text("summary_edit", label=self._form.label(f)), f"/edit{{{f.name}}}"
            )
            for f in FIELDS
            if f.is_relevant(context)
        ]
        buttons.append(self._button("summary_cancel"))
        return Reply(self._prompts.text("summary", lines=lines), tuple(buttons))

    # ---- handling -------------------------------------------------------------------

    def handle(self, flow: FlowState, turn: Turn) -> StepResult:
        """Read the worker's answer to the current step."""
        if flow.data.get("~confirm_cancel"):
            return self._confirm_cancel(flow, turn)
        payload = (turn.inbound.payload or "").strip()
        pick = _PICK.match(payload)
        if pick and pick.group(1) != self._pick_field(flow):
            return StepResult([Reply(self._prompts.text("stale_button")), *self.prompt(flow)])
        if flow.step == "consent":
            return self._consent(flow, turn, pick.group(2) if pick else None)
        if flow.step == "pii":
            return self._pii(flow, pick.group(2) if pick else None)
        if flow.step == "summary":
            return self._summary(flow, turn, payload)
        if flow.step == "receipt":
            return self._receipt_step(flow, payload)
        field = self._fields[flow.step]
        if payload == "/skip" or (not payload and self._form.is_skip(turn.text)):
            return self._accept(flow, field, None)
        if field.kind == "multi":
            return self._multi(flow, field, turn, payload, pick.group(2) if pick else None)
        if pick:
            return self._picked(flow, field, pick.group(2))
        if payload:
            return StepResult([Reply(self._prompts.text("stale_button")), *self.prompt(flow)])
        return self._typed(flow, field, turn.text)

    def _pick_field(self, flow: FlowState) -> str:
        return {"consent": "consent", "pii": "pii"}.get(flow.step, flow.step)

    def _consent(self, flow: FlowState, turn: Turn, picked: str | None) -> StepResult:
        answer = picked or self._yes_or_no(turn.text)
        if answer is None and turn.parse.intent.name in ("affirm", "deny"):
            answer = "yes" if turn.parse.intent.name == "affirm" else "no"
        if answer == "yes":
            return StepResult(next_step="categories")
        if answer == "no":
            return StepResult([Reply(self._prompts.text("consent_declined"))], END)
        return StepResult([Reply(self._prompts.text("consent_needed")), self._consent_reply(flow)])

    @staticmethod
    def _yes_or_no(text: str) -> str | None:
        folded = normalize(text).strip(" 。.!！~")
        if any(word in folded for word in _NO_WORDS):
            return "no"
        if folded in _YES_WORDS or any(folded.startswith(w) for w in ("同意", "好的", "可以")):
            return "yes"
        return None

    def _multi(
        self, flow: FlowState, field: InputField, turn: Turn, payload: str, picked: str | None
    ) -> StepResult:
        selecting: dict[str, list[str]] = flow.data.setdefault("selecting", {})
        chosen = selecting.setdefault(field.name, [])
        typed: dict[str, str] = flow.data.setdefault("typed", {})
        if payload == "/done":
            if not chosen and not typed.get(field.name):
                return StepResult([Reply(self._prompts.text("nothing_chosen")), *self.prompt(flow)])
            value = {"keys": list(chosen), "text": typed.get(field.name, "")}
            return self._accept(flow, field, value)
        if picked is not None:
            if picked in chosen:
                chosen.remove(picked)
            else:
                chosen.append(picked)
            if picked == "none":
                chosen[:] = ["none"]
            elif "none" in chosen:
                chosen.remove("none")
            return StepResult([self._chosen_reply(flow, field)])
        outcome = self._form.parse(field, turn.text, self._answers(flow), self._today())
        if isinstance(outcome, Unparsed):
            return self._rejected(flow, field, outcome)
        found = list(outcome.value["keys"]) if isinstance(outcome.value, dict) else []
        if field.name == "categories":
            found += self._categories_from("", topic_for_intent(turn.parse.intent.name))
            if turn.safety is not None:
                found += [
                    _SAFETY_CATEGORIES[k] for k in turn.safety.kinds if k in _SAFETY_CATEGORIES
                ]
        for key in found:
            if key not in chosen:
                chosen.append(key)
        if field.free_text:
            earlier = typed.get(field.name, "")
            typed[field.name] = f"{earlier}\n{turn.text}".strip() if earlier else turn.text
        return StepResult([self._chosen_reply(flow, field)])

    def _chosen_reply(self, flow: FlowState, field: InputField) -> Reply:
        chosen = flow.data.get("selecting", {}).get(field.name, [])
        text = (
            self._form.chosen_text(field, chosen)
            if chosen
            else self._prompts.text("nothing_chosen")
        )
        return Reply(text, self._field_buttons(flow, field))

    def _picked(self, flow: FlowState, field: InputField, key: str) -> StepResult:
        if field.kind == "place":
            try:
                return self._accept(flow, field, place_value(key))
            except KeyError:
                return StepResult([Reply(self._prompts.text("stale_button")), *self.prompt(flow)])
        if field.kind == "count":
            return self._accept(flow, field, {"key": key, "number": None})
        known = [c.key for c in self._form.choices(field, self._answers(flow))]
        if key not in known:
            return StepResult([Reply(self._prompts.text("stale_button")), *self.prompt(flow)])
        return self._accept(flow, field, key)

    def _typed(self, flow: FlowState, field: InputField, text: str) -> StepResult:
        read = engine.read_answer(self._form, field, text, self._answers(flow), self._today())
        if isinstance(read, engine.Rejected):
            outcome = self._form.parse(field, text, self._answers(flow), self._today())
            if isinstance(outcome, Unparsed) and outcome.error == "ambiguous":
                return StepResult([self._ambiguous_place(outcome.values.get("codes", ""))])
            return self._rejected(flow, field, Unparsed(read.error or "not_understood"))
        if isinstance(read, engine.ToConfirm):  # IntakeForm.doubt never doubts: keep as typed
            read = read.readings[0]
        if (
            field.name == "description"
            and isinstance(read.value, str)
            and identifying_kinds(read.value)
        ):
            flow.data["pii_pending"] = read.value
            return StepResult(next_step="pii")
        return self._accept(flow, field, read.value)

    def _ambiguous_place(self, codes: str) -> Reply:
        buttons = []
        for code in filter(None, codes.split(",")):
            value = place_value(code)
            title = " ".join(dict.fromkeys(str(v) for v in value.values() if v and v != code))
            buttons.append(Button(title, f"/pick{{place:{code}}}"))
        text = str(self._prompts.section("fields")["place"]["ambiguous"])
        return Reply(text, (*buttons, self._button("unknown_button")))

    def _rejected(self, flow: FlowState, field: InputField, outcome: Unparsed) -> StepResult:
        fails: dict[str, int] = flow.data.setdefault("fails", {})
        fails[field.name] = fails.get(field.name, 0) + 1
        message = self._form.reject_message(field, outcome.error, outcome.values)
        replies = [Reply(message), *self.prompt(flow)]
        if fails[field.name] >= _MAX_FAILURES:
            replies.append(
                Reply(
                    self._prompts.text("second_failure"),
                    self._prompts.buttons("second_failure_buttons"),
                )
            )
        return StepResult(replies)

    def _accept(self, flow: FlowState, field: InputField, value: object) -> StepResult:
        answers = flow.data.setdefault("answers", {})
        answers[field.name] = self._form.dump(field, value) if value is not None else None
        flow.data.get("fails", {}).pop(field.name, None)
        if field.name == "contact" and value != "detail":
            answers.pop("contact_detail", None)
        return StepResult(next_step=self._next_step(flow, field.name))

    def _next_step(self, flow: FlowState, after: str) -> str:
        if flow.data.get("editing"):
            pending = engine.pending_fields(self._form, self._answers(flow), self._today())
            # A changed answer may open a question that was not asked before (contact detail).
            follow = [
                f.name for f in pending if FIELD_STEPS.index(f.name) > FIELD_STEPS.index(after)
            ]
            if follow and follow[0] in self.transitions[after]:
                return follow[0]
            flow.data["editing"] = False
            return "summary"
        answers = self._answers(flow)
        context = {**answers, TODAY: self._today()}
        start = FIELD_STEPS.index(after) + 1 if after in FIELD_STEPS else 0
        for field in FIELDS[start:]:
            if field.is_relevant(context):
                return field.name
        return "summary"

    def _pii(self, flow: FlowState, picked: str | None) -> StepResult:
        pending = str(flow.data.get("pii_pending", ""))
        if picked not in ("remove", "keep"):
            return StepResult(self.prompt(flow))
        flow.data.pop("pii_pending", None)
        value = mask_identifying(pending) if picked == "remove" else pending
        flow.data.setdefault("answers", {})["description"] = value
        replies = [Reply(self._prompts.text("pii_removed"))] if picked == "remove" else []
        return StepResult(replies, self._next_step(flow, "description"))

    def _summary(self, flow: FlowState, turn: Turn, payload: str) -> StepResult:
        edit = _EDIT.match(payload)
        if edit and edit.group(1) in self._fields:
            name = edit.group(1)
            flow.data["editing"] = True
            field = self._fields[name]
            if field.multiple:
                current = self._answers(flow).get(name)
                keys = list(current.get("keys", [])) if isinstance(current, dict) else []
                flow.data.setdefault("selecting", {})[name] = keys
                flow.data.setdefault("typed", {}).pop(name, None)
            return StepResult(next_step=name)
        if payload == "/submit" or (not payload and any(w in turn.text for w in _SUBMIT_WORDS)):
            return StepResult(effects=(self._submission(flow),))
        return StepResult(self.prompt(flow))

    def _submission(self, flow: FlowState) -> SubmitComplaint:
        receipt = flow.data.get("~receipt")
        if not isinstance(receipt, str):
            receipt = new_receipt()
            flow.data["~receipt"] = receipt
        answers = self._answers(flow)
        chosen = answers.get("categories")
        keys = tuple(chosen.get("keys", [])) if isinstance(chosen, dict) else ()
        keys = tuple(k for k in keys if k in categories()) or ("other",)
        place = answers.get("place")
        province = place.get("province") if isinstance(place, dict) else None
        urgent = bool(flow.data.get("urgent")) or is_urgent(list(keys))
        content: dict[str, Any] = {
            "form": "intake/1",
            "answers": answers,
            "summary": [list(line) for line in self._summary_lines(flow)],
            "channel": flow.data.get("channel"),
            "safety_kinds": list(flow.data.get("safety_kinds", [])),
        }
        return SubmitComplaint(
            submission_id=str(flow.data["submission_id"]),
            receipt=receipt,
            categories=keys,
            province=str(province) if province else None,
            urgent=urgent,
            content=content,
        )

    def _receipt(self, flow: FlowState) -> str:
        return format_receipt(str(flow.data.get("~receipt", "")))

    def _receipt_step(self, flow: FlowState, payload: str) -> StepResult:
        if payload == "/saved":
            flow.data.pop("~receipt", None)
            return StepResult([Reply(self._prompts.text("receipt_done"))], END)
        return StepResult(self.prompt(flow))

    def _confirm_cancel(self, flow: FlowState, turn: Turn) -> StepResult:
        pick = _PICK.match((turn.inbound.payload or "").strip())
        answer = pick.group(2) if pick and pick.group(1) == "cancel" else None
        intent = turn.parse.intent.name
        if answer == "yes" or (answer is None and intent in ("affirm", "cancel")):
            return StepResult([Reply(self._prompts.text("cancelled"))], abandon=True)
        flow.data.pop("~confirm_cancel", None)
        if answer == "no" or intent == "deny":
            return StepResult([Reply(self._prompts.text("cancel_kept")), *self.prompt(flow)])
        flow.data["~confirm_cancel"] = True
        return StepResult(
            [Reply(self._prompts.text("cancel_confirm"), self._prompts.buttons("cancel_buttons"))]
        )

    # ---- after the core submitted -----------------------------------------------------

    def on_effect(
        self, state: ConversationState, effect: Effect, result: EffectResult
    ) -> list[Reply]:
        """The receipt once the case is committed; a plain explanation when it is not."""
        flow = state.flow
        if not isinstance(effect, SubmitComplaint) or flow is None:
            return []
        if not result.ok:
            key = {
                "no_organisation": "no_organisation",
                "daily_limit": "daily_limit",
                "receipt_lost": "receipt_lost",
            }.get(result.problem or "", "submitting_failed")
            info = result.value if isinstance(result.value, dict) else {}
            hours = info.get("draft_ttl_hours", 24)
            buttons = (self._button("submit_retry"),) if key == "submitting_failed" else ()
            return [Reply(self._prompts.text(key, hours=hours), buttons)]
        flow.advance("receipt")
        # Only the receipt is kept until the worker saved it, and only in the session store.
        receipt = flow.data.get("~receipt")
        flow.data.clear()
        flow.data.update({"~receipt": receipt, DURABLE_KEY: False})
        info = result.value if isinstance(result.value, dict) else {}
        hours = str(info.get("org_hours") or "")
        org_hours = self._prompts.text("org_hours_prefix", hours=hours) if hours else ""
        first_reply = str(info.get("first_reply") or self._prompts.text("first_reply_time"))
        text = self._prompts.text("receipt", receipt=self._receipt(flow))
        next_text = self._prompts.text("receipt_next", org_hours=org_hours, first_reply=first_reply)
        replies = [Reply(text), Reply(next_text, (self._button("receipt_saved_button"),))]
        if effect.urgent:
            replies.insert(1, Reply(self._prompts.text("receipt_urgent")))
        return replies

    def finish(self, state: ConversationState) -> list[Reply]:
        """The flow ends (declined, cancelled or receipt saved): nothing of the draft is kept."""
        state.forget(NAME)
        return []

    # ---- helpers --------------------------------------------------------------------

    def _answers(self, flow: FlowState) -> dict[str, object]:
        return engine.load_answers(self._form, flow.data.get("answers") or {})
