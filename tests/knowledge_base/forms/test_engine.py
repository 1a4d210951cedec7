"""The one form engine, driven by a small form of its own (the calculators and the intake are
tested through their flows): what is asked, skipping, reading, rejecting, confirming, storing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.forms import engine
from knowledge_base.forms.fields import Choice, InputField, When
from knowledge_base.forms.spec import Doubt, FormSpec, Parsed, ParseOutcome, Unparsed

D = Decimal
TODAY = date(2026, 11, 22)
CHEAP = D(100)  # less pay than this is confirmed before it is kept

FIELDS = (
    InputField("kind", "choice", "kind", choices=("day", "month")),
    InputField("pay", "number", "pay", min_value=D(1), max_value=D(100_000)),
    InputField("start", "date", "start", not_after_today=True),
    InputField("end", "date", "end", required=False, not_before="start"),
    InputField("days", "number", "days", ask_when=(When("kind", "eq", "day"),)),
    InputField("paid", "number", "paid", required=False),
    InputField("tags", "multi", "tags", required=False, multiple=True, choices=("late", "other")),
    InputField(
        "note",
        "text",
        "note",
        required=False,
        free_text=True,
        ask_when=(When("tags", "has", "other"),),
    ),
    InputField("source", "text", "source", prefill_only=True),
)


class PayForm:
    """A form as a spec supplies it: texts, parsers, a cross-check, a doubt, storage."""

    @property
    def fields(self) -> tuple[InputField, ...]:
        return FIELDS

    def question_text(self, field: InputField, answers: Mapping[str, object], today: date) -> str:
        return f"{field.prompt_key}? ({today.isoformat()})"

    def label(self, field: InputField) -> str:
        return field.name.upper()

    def choices(self, field: InputField, answers: Mapping[str, object]) -> tuple[Choice, ...]:
        return tuple(Choice(key, key.title()) for key in field.choices)

    def is_skip(self, text: str) -> bool:
        return text.strip() == "skip"

    def parse(
        self, field: InputField, text: str, answers: Mapping[str, object], today: date
    ) -> ParseOutcome:
        try:
            return Parsed(self._read(field, text.strip()))
        except (ValueError, InvalidOperation):
            return Unparsed(f"not_{field.kind}", {"typed": text})

    def _read(self, field: InputField, text: str) -> object:
        if field.kind == "number":
            return D(text)
        if field.kind == "date":
            return date.fromisoformat(text)
        if field.kind == "multi":
            return [key for key in text.split(",") if key in field.choices]
        if field.kind == "choice" and text not in field.choices:
            raise ValueError(text)
        return text

    def check(
        self, field: InputField, value: object, answers: Mapping[str, object], today: date
    ) -> tuple[str, Mapping[str, str]] | None:
        pay = answers.get("pay")
        if field.name == "paid" and isinstance(value, Decimal) and isinstance(pay, Decimal):
            return ("more_than_pay", {"pay": str(pay)}) if value > pay else None
        return None

    def doubt(
        self, field: InputField, value: object, answers: Mapping[str, object]
    ) -> Doubt | None:
        if field.name == "pay" and isinstance(value, Decimal) and value < CHEAP:
            return Doubt("really?", (value * 10, value * 100))
        return None

    def reject_message(self, field: InputField, error: str, values: Mapping[str, str]) -> str:
        return f"{error} {dict(values)}"

    def display(self, field: InputField, value: object, answers: Mapping[str, object]) -> str:
        return "-" if value is None else f"<{value}>"

    def dump(self, field: InputField, value: object) -> Any:
        if isinstance(value, Decimal | date):
            return str(value)
        return value

    def load(self, field: InputField, raw: Any) -> object:
        try:
            if field.kind == "number":
                return D(str(raw))
            if field.kind == "date":
                return date.fromisoformat(str(raw))
        except InvalidOperation as exc:
            raise ValueError(raw) from exc
        return raw


FORM: FormSpec = PayForm()


def names(fields: tuple[InputField, ...]) -> list[str]:
    return [f.name for f in fields]


# ---- what is asked ------------------------------------------------------------------------


def test_pending_fields_follow_the_answers() -> None:
    assert names(engine.pending_fields(FORM, {}, TODAY)) == [
        "kind",
        "pay",
        "start",
        "end",
        "paid",
        "tags",
    ]  # days waits for kind, note for tags; source is never asked
    answers: dict[str, object] = {"kind": "day", "pay": D(3000), "tags": ["other"]}
    assert names(engine.pending_fields(FORM, answers, TODAY)) == [
        "start",
        "end",
        "days",
        "paid",
        "note",
    ]


def test_relevant_fields_include_answered_and_prefilled_ones() -> None:
    relevant = names(engine.relevant_fields(FORM, {"kind": "month"}, TODAY))
    assert relevant == ["kind", "pay", "start", "end", "paid", "tags", "source"]


def test_next_question_is_the_first_pending_field_until_none_is_left() -> None:
    question = engine.next_question(FORM, {}, TODAY)
    assert question is not None
    assert (question.field.name, question.can_skip) == ("kind", False)
    assert question.text == "kind? (2026-11-22)"
    assert [c.key for c in question.choices] == ["day", "month"]
    answers: dict[str, object] = {
        "kind": "month",
        "pay": D(3000),
        "start": date(2026, 1, 1),
        "end": None,
        "paid": None,
        "tags": None,
    }
    assert engine.next_question(FORM, answers, TODAY) is None
    del answers["end"]
    end = engine.next_question(FORM, answers, TODAY)
    assert end is not None and (end.field.name, end.can_skip) == ("end", True)


# ---- reading an answer --------------------------------------------------------------------


def test_an_optional_question_can_be_skipped_a_required_one_cannot() -> None:
    assert engine.read_answer(FORM, "end", "skip", {}, TODAY) == engine.Accepted(None, "-")
    refused = engine.read_answer(FORM, "pay", "skip", {}, TODAY)
    assert isinstance(refused, engine.Rejected) and refused.error == "not_number"


def test_a_usable_answer_is_accepted_with_how_it_is_shown() -> None:
    field = engine.field_named(FORM, "pay")
    by_field = engine.read_answer(FORM, field, "4500", {}, TODAY)
    by_name = engine.read_answer(FORM, "pay", " 4500 ", {}, TODAY)
    assert by_field == by_name == engine.Accepted(D(4500), "<4500>")


@pytest.mark.parametrize(
    ("name", "text", "answers", "error", "values"),
    [
        ("pay", "lots", {}, "not_number", {"typed": "lots"}),
        ("pay", "0", {}, "too_small", {"min": "1"}),
        ("pay", "100000.5", {}, "too_large", {"max": "100000"}),
        ("start", "2026-11-23", {}, "future_date", {"today": "2026-11-22"}),
        ("end", "2026-01-31", {"start": date(2026, 2, 1)}, "before_field", None),
        ("paid", "5000", {"pay": D(4000)}, "more_than_pay", {"pay": "4000"}),
        ("kind", "week", {}, "not_choice", {"typed": "week"}),
    ],
)
def test_an_unusable_answer_is_rejected_with_the_reason(
    name: str,
    text: str,
    answers: dict[str, object],
    error: str,
    values: dict[str, str] | None,
) -> None:
    outcome = engine.read_answer(FORM, name, text, answers, TODAY)
    assert isinstance(outcome, engine.Rejected)
    assert outcome.error == error
    if values is not None:
        assert outcome.message == f"{error} {values}"


def test_date_order_names_the_earlier_field() -> None:
    outcome = engine.read_answer(FORM, "end", "2026-01-31", {"start": date(2026, 2, 1)}, TODAY)
    assert isinstance(outcome, engine.Rejected)
    assert outcome.message == "before_field {'other': 'START', 'date': '2026-02-01'}"
    same_day = engine.read_answer(FORM, "end", "2026-02-01", {"start": date(2026, 2, 1)}, TODAY)
    assert isinstance(same_day, engine.Accepted)
    today = engine.read_answer(FORM, "start", TODAY.isoformat(), {}, TODAY)
    assert isinstance(today, engine.Accepted)  # not after today: today itself is fine


def test_a_doubtful_answer_is_confirmed_with_what_was_typed_first() -> None:
    outcome = engine.read_answer(FORM, "pay", "45", {}, TODAY)
    assert outcome == engine.ToConfirm(
        "really?",
        (
            engine.Accepted(D(45), "<45>"),
            engine.Accepted(D(450), "<450>"),
            engine.Accepted(D(4500), "<4500>"),
        ),
    )


def test_checks_come_before_doubts() -> None:
    # 0 is below the bound: refused, never offered as 0 × 10.
    assert isinstance(engine.read_answer(FORM, "pay", "0", {}, TODAY), engine.Rejected)


# ---- showing and keeping answers ----------------------------------------------------------


def test_shown_answers_list_relevant_answers_in_asking_order() -> None:
    answers: dict[str, object] = {
        "pay": D(3000),
        "kind": "month",
        "days": D(3),  # no longer relevant: kind is month
        "source": "chat",
    }
    assert engine.shown_answers(FORM, answers) == (
        ("KIND", "<month>"),
        ("PAY", "<3000>"),
        ("SOURCE", "<chat>"),
    )


def test_stored_answers_of_unknown_fields_or_that_no_longer_read_are_dropped() -> None:
    stored = {"pay": "not a number", "gone": "1", "start": "2026-01-01", "end": None}
    assert engine.load_answers(FORM, stored) == {"start": date(2026, 1, 1), "end": None}
    assert engine.dump_answers(FORM, {"gone": 1, "pay": D(5)}) == {"pay": "5"}


ANSWER_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from(["day", "month"]),
        "pay": st.decimals(min_value=1, max_value=100_000, places=2),
        "start": st.dates(max_value=TODAY),
        "end": st.none() | st.dates(),
        "days": st.integers(0, 400).map(D),
        "paid": st.none() | st.decimals(min_value=0, max_value=10**6, places=2),
        "tags": st.none() | st.lists(st.sampled_from(["late", "other"]), unique=True),
        "note": st.none() | st.text(),
        "source": st.text(),
    },
)


@given(ANSWER_VALUES)
def test_answers_survive_the_session_store(answers: dict[str, object]) -> None:
    assert engine.load_answers(FORM, engine.dump_answers(FORM, answers)) == answers


@given(st.dictionaries(st.sampled_from([f.name for f in FIELDS] + ["other"]), st.text()))
def test_any_stored_text_loads_or_is_dropped(stored: dict[str, str]) -> None:
    loaded = engine.load_answers(FORM, stored)
    assert set(loaded) <= set(stored) - {"other"}
    for name, value in loaded.items():
        kind = engine.field_named(FORM, name).kind
        assert isinstance(value, {"number": Decimal, "date": date}.get(kind, str))
