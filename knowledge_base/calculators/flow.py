"""What a chat flow needs to drive any calculator, one question at a time.

Asking, reading, checking and keeping answers is the one form engine's
(``knowledge_base.forms.engine``; a :class:`CalculatorSpec` is its form). This module adds what
only calculators do, and re-exports the engine's functions for the calculators' callers:

    facts = prefill(spec, entities, today)                # what the first message already says
    question = next_question(spec, answers, today)      # None → everything needed is known
    outcome = read_answer(spec, question.field.name, text, answers, today)
    Accepted → answers[name] = outcome.value;  Rejected → reply outcome.message;
    ToConfirm → offer outcome.readings (or let the worker type again)
    result = run(spec, answers, today)                    # CalculationResult
    reply = render_text(result); more = render_details(result)

``answers`` maps field names to parsed values (Decimal, date, bool, str, Wage, WorkTime,
ServiceLength, or None for a skipped optional question). Store them between turns with
:func:`dump_answers` / :func:`load_answers`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import TODAY, CalculationResult, WorkTime
from knowledge_base.calculators.parsing import normalize, said_unnegated
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.calculators.stored import dump_value, load_value
from knowledge_base.calculators.tenure import (
    date_as_typed,
    of_an_earlier_employer,
    of_this_employer,
    only_employer,
    said_as_total,
)
from knowledge_base.calculators.wages import HOURS_PER_DAY
from knowledge_base.forms.engine import (
    Accepted,
    Outcome,
    Question,
    Rejected,
    ToConfirm,
    check_value,
    dump_answers,
    load_answers,
    next_question,
    pending_fields,
    read_answer,
    relevant_fields,
)
from knowledge_base.forms.fields import InputField
from nlu.pay_phrases import someone_elses_pay
from nlu.phrase_facts import WorkTimeFact
from nlu.phrase_rules import load_phrase_rules
from nlu.tokenizer import normalize as fold_text
from nlu.types import Entity
from nlu.typos import fix_typos

__all__ = [
    "Accepted",
    "Outcome",
    "Question",
    "Rejected",
    "ToConfirm",
    "check_value",
    "dump_answers",
    "dump_value",
    "load_answers",
    "load_value",
    "next_question",
    "read_answer",
    "relevant_fields",
]  # the engine's, kept importable from here for the calculators' callers


def run(spec: CalculatorSpec, answers: Mapping[str, object], today: date) -> CalculationResult:
    """Compute with the answers of the relevant fields only (answers to fields made irrelevant
    by a later correction are ignored)."""
    inputs: dict[str, object] = {TODAY: today}
    for field in spec.fields:
        if field.name in answers and field.is_relevant({**inputs, **answers}):
            inputs[field.name] = answers[field.name]
    return spec.compute(inputs)


def render_text(result: CalculationResult) -> str:
    """The short reply: title, formula, inputs, working, result, warnings and the few
    articles that carry the result. Notes and further articles are in :func:`render_details`."""
    lines = [result.title, "", texts.text("common.render.formula") + result.formula]
    if result.inputs:
        lines += ["", texts.text("common.render.inputs")]
        lines += [
            texts.text("common.render.input_line", label=k, value=v) for k, v in result.inputs
        ]
    if result.steps:
        lines += ["", texts.text("common.render.steps"), *result.steps]
    lines += ["", texts.text("common.render.result"), *result.result_lines]
    if result.warnings:
        lines += ["", texts.text("common.render.warnings")]
        lines += [texts.text("common.render.bullet", text=w) for w in result.warnings]
    if result.citations:
        labels = "、".join(texts.citation_label(c) for c in result.citations)
        lines += ["", texts.text("common.render.citations") + labels]
    return "\n".join(lines)


def render_details(result: CalculationResult) -> str:
    """The details: notes, the further articles and the sources (empty when there are none)."""
    lines: list[str] = []
    if result.notes:
        lines += [texts.text("common.render.notes")]
        lines += [texts.text("common.render.bullet", text=n) for n in result.notes]
    if result.further_citations:
        labels = "、".join(texts.citation_label(c) for c in result.further_citations)
        lines += ["", texts.text("common.render.further_citations") + labels]
    if result.provenance:
        lines += ["", *result.provenance]
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------- the first message


@dataclass(frozen=True)
class Prefill:
    """Answers read from the worker's first message. ``stated`` are the fields the message
    filled, ``assumed`` those taken as 0 because it did not mention them (both to confirm)."""

    answers: dict[str, object]
    stated: tuple[str, ...]
    assumed: tuple[str, ...]


#: Entities that say a whole fact; a plain number inside one of them is not read again.
_PHRASES = frozenset({"wage", "work_time", "service_length"})
#: Entity → the kinds of field it may fill when the calculator names no field for it.
_ENTITY_KINDS: dict[str, tuple[str, ...]] = {
    "wage": ("wage",),
    "money": ("wage", "money"),
    # Years of work are said with a verb (工作了8年, 累计工作6年): a bare duration (前12个月的
    # 平均工资) is not taken as them.
    "service_length": ("date_or_length", "years"),
    "date": ("date_or_length", "date"),
    "hours": ("hours",),
    "duration": ("months",),
    "city": ("city",),
    "province": ("city",),
}


_PLACES: Final = frozenset({"city", "province"})


def fact_key(entity: Entity) -> str:
    """How a calculator names an entity in ``prefill_fields`` (``work_time:rest_day`` …)."""
    if entity.entity != "work_time":
        return entity.entity
    fact = WorkTimeFact.from_value(str(entity.value))
    if fact is None:
        return entity.entity
    if fact.kind == "work":
        return f"work_time:work/{fact.per}" if fact.per else "work_time:work"
    if fact.kind == "weekday" and fact.unit == "d" and fact.per is None:
        return "work_time:work"  # 周一到周五上了21天: the days worked, not overtime
    return f"work_time:{fact.kind}"


def _usable(entities: Sequence[Entity]) -> list[Entity]:
    phrases = [e for e in entities if e.entity in _PHRASES]
    return [
        e
        for e in entities
        if e.entity in _PHRASES or not any(e.start < p.end and p.start < e.end for p in phrases)
    ]


def _assign(spec: CalculatorSpec, entities: Sequence[Entity]) -> dict[str, list[Entity]]:
    """Field name → the entities that would fill it (dates in text order fill date fields in
    asking order; several other candidates for one field make it ambiguous)."""
    assigned: dict[str, list[Entity]] = {}
    dates = [f.name for f in spec.fields if f.kind in ("date_or_length", "date")]
    for entity in sorted(entities, key=lambda e: e.start):
        key = fact_key(entity)
        target = spec.prefill_fields.get(key)
        if target is None and entity.entity == "date":
            target = next((name for name in dates if name not in assigned), None)
        if target is None:
            kinds = _ENTITY_KINDS.get(entity.entity, ())
            target = next((f.name for f in spec.fields if f.kind in kinds), None)
        if target is not None:
            assigned.setdefault(target, []).append(entity)
    return assigned


#: What marks a time of day (九点半): overtime told by the clock.
_CLOCK_TIME: Final = "点"
_MONTH_DAY: Final = re.compile(r"\d{2}-\d{2}$")
#: A date to the day (2021-03-01), not a year or a month alone.
_FULL_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A length said roughly: 五年多 (60m+), 快五年 (60m-).
_ROUGH_LENGTH_MARKS: Final = ("+", "-")


def _day_over_length(found: list[Entity]) -> list[Entity]:
    """A first day said to the day beside a length said roughly (2021年3月1号进的厂，干了五年多):
    the day, which tells the length exactly; a year or month alone leaves both to be asked,
    and an exact length (刚好做满整3年) stays the phrase it is."""
    days = [e for e in found if e.entity == "date" and _FULL_DATE.fullmatch(str(e.value))]
    lengths = [e for e in found if _rough(e)]
    if len(days) == 1 and lengths and len(days) + len(lengths) == len(found):
        return days
    return found


def _elsewhere_or_total(entity: Entity, text: str) -> bool:
    """A length said of an earlier employer (之前在别的厂干了6年) or as all the years of work
    (总工龄10年), not of this employer."""
    return entity.entity == "service_length" and (
        of_an_earlier_employer(entity, text) or said_as_total(entity, text)
    )


def _own_pay_first(found: list[Entity], text: str) -> list[Entity]:
    """Of several pays for one field, those not told in a sentence about someone else (月工资
    8700 … 我爱人在医院工作，每月工资也就五千来块: 8700); all of them when that leaves none."""
    if len(found) < 2 or not text or any(e.entity not in ("wage", "money") for e in found):
        return found
    norm = fold_text(text)  # the same length: entities' positions hold
    own = [e for e in found if not someone_elses_pay(norm, e.start)]
    return own or found


def _rough(entity: Entity) -> bool:
    """A length said roughly (五年多, 快五年)."""
    return entity.entity == "service_length" and str(entity.value).endswith(_ROUGH_LENGTH_MARKS)


def _most_specific(found: list[Entity]) -> list[Entity]:
    """Places written together (广东深圳, 苏州昆山) are one place, read as typed; a province
    named apart from its one city (广东人在深圳) leaves the city. Two cities apart (之前在深圳，
    现在在东莞) stay for the worker to choose. A fact said whole (底薪2100) beats bare amounts
    elsewhere in the message (加班费给了800)."""
    phrased = [e for e in found if e.entity in _PHRASES]
    if phrased:
        return phrased
    if len(found) < 2 or not all(e.entity in _PLACES for e in found):
        return found
    ordered = sorted(found, key=lambda e: e.start)
    if all(b.start - a.end <= 1 for a, b in itertools.pairwise(ordered)):
        first, last = ordered[0], ordered[-1]
        text = "".join(e.text for e in ordered)
        return [Entity("city", text, first.start, last.end, text, first.extractor)]
    cities = [e for e in found if e.entity == "city"]
    return cities if len(cities) == 1 else found


def _choice_in_message(field: InputField, text: str) -> str | None:
    """The option of ``field`` whose ``in_message`` words (and no other option's) ``text``
    says, unnegated; None when none or several do — unless exactly one of those said is marked
    ``prevails`` in prompts.yml: it tells how the story ended (一直拖着不签 … 到7月1号才签 …
    没签合同那段: signed in the end, the unsigned time before it)."""
    norm = _first_person(normalize(text))
    said = [
        key
        for key in field.choices
        if any(
            said_unnegated(_first_person(normalize(str(word))), norm)
            for word in texts.choice_entry(field.prompt_key, key).get("in_message") or ()
        )
    ]
    if len(said) == 1:
        return said[0]
    prevailing = [k for k in said if texts.choice_entry(field.prompt_key, k).get("prevails")]
    return prevailing[0] if len(prevailing) == 1 else None


def _first_person(text: str) -> str:
    """``text`` with other ways of saying "me" as 我 (没跟俺签 reads as 没跟我签)."""
    others = texts.words("parsing.first_person_words")  # longest first
    me = texts.text("parsing.first_person")
    for word in others:
        text = text.replace(normalize(word), me)
    return text


def _same_fact_once(found: list[Entity]) -> list[Entity]:
    """One fact said twice (春节4天 … 除夕到初三: both four holiday days) is one fact; two
    different facts for one field stay two, to be asked. Days a week beside another fact
    (平时每天加班3个钟，一周上5天平时班; 一周干六天 … 干了4个周六，一天8个钟头) tell the week's
    pattern, counted with its weeks apart: the other is the fact."""
    if len({(e.entity, str(e.value)) for e in found}) == 1:
        return found[:1]
    facts = [WorkTimeFact.from_value(str(e.value)) for e in found if e.entity == "work_time"]
    weekly = [f is not None and (f.unit, f.per) == ("d", "week") for f in facts]
    if len(found) == len(weekly) == 2 and sum(weekly) == 1:
        return [e for e, pattern in zip(found, weekly, strict=True) if not pattern]
    if len(found) == len(facts) == 2 and _day_and_its_overtime(facts):
        return [e for e, f in zip(found, facts, strict=True) if f is not None and f.kind != "work"]
    return found


def _days_apart_summed(found: list[Entity], entities: Sequence[Entity]) -> list[Entity]:
    """Hours of one kind told day by day, each with its own date (清明节4月5号当天上了8个小时，
    端午节6月19号当天上了9个小时): one total of them all. Amounts told without a date of their
    own may say one fact twice (周末加了16小时 … 其中周六8小时): left to be asked."""
    if len(found) < 2 or any(e.entity != "work_time" for e in found):
        return found
    facts = [WorkTimeFact.from_value(str(e.value)) for e in found]
    kinds = {(f.kind, f.unit, f.per) for f in facts if f is not None}
    if None in facts or len(kinds) != 1 or next(iter(kinds))[1:] != ("h", None):
        return found
    dates = [
        {str(d.value) for d in entities if d.entity == "date" and e.start <= d.start < e.end}
        or _festival_named(e.text)
        for e in found
    ]
    if any(len(said) != 1 for said in dates) or len(set.union(*dates)) != len(found):
        return found
    if _festival_on_a_date_said(set.union(*dates)):
        return found  # 4月5号 … 清明那天: perhaps one day said twice
    if any(a.end > b.start for a, b in itertools.pairwise(sorted(found, key=lambda e: e.start))):
        return found
    kind = next(iter(kinds))[0]
    total = sum(f.amount for f in facts if f is not None)
    summed = WorkTimeFact(kind, total, "h", None).value()
    ordered = sorted(found, key=lambda e: e.start)
    text = "".join(e.text for e in ordered)
    return [Entity("work_time", summed, ordered[0].start, ordered[-1].end, text)]


def _festival_named(said: str) -> set[str]:
    """The one single-day festival (端午, 中秋, 清明, 元旦) named in ``said``, as its own day
    (端午节那天也上了8个钟): a set of its name, or empty when none or several are named."""
    rules = load_phrase_rules()
    norm = fold_text(said)
    names = {name for name, days in rules.holiday_days.items() if days == 1 and name in norm}
    return names if len(names) == 1 else set()


def _festival_on_a_date_said(days: set[str]) -> bool:
    """Whether a festival named as a day may fall on a date also said (清明 and 4月5号)."""
    calendar = load_phrase_rules().calendar
    said = {day[-5:] for day in days if _MONTH_DAY.search(day)}
    on = [
        *(calendar.festival_dates.get(name, {}).values() for name in days),
        *([calendar.first_dates[name]] for name in days if name in calendar.first_dates),
    ]
    return any(f"{month:02d}-{day:02d}" in said for dates in on for month, day in dates)


def _day_and_its_overtime(facts: Sequence[WorkTimeFact | None]) -> bool:
    """每天都干11个钟 … 每天多出来的3个钟: a day's working time and the hours beyond a standard
    day, both said per day: one fact."""
    work = [f for f in facts if f is not None and f.kind == "work"]
    extra = [f for f in facts if f is not None and f.kind in ("weekday", "overtime")]
    return (
        len(work) == len(extra) == 1
        and all((f.unit, f.per) == ("h", "day") for f in (*work, *extra))
        and work[0].amount - extra[0].amount == HOURS_PER_DAY
    )


def _as_typed(entity: Entity) -> str:
    """What the worker would have typed at the question for this fact: its own words for
    overtime said per period (每天3个钟), all working time per period said plainly (每天上班8小时:
    the words may have put the verb in another clause), otherwise the amount itself — the
    words may state two facts (国庆7天: three holiday days and four rest days) or hold the days
    beside the hours worked on each (两天也叫去加班 每天8个钟: 16 hours)."""
    if entity.entity == "date":
        return date_as_typed(entity)  # 去年（2025年）6月1号
    fact = WorkTimeFact.from_value(str(entity.value)) if entity.entity == "work_time" else None
    if fact is None:
        return entity.text
    amount = f"{fact.amount}{'小时' if fact.unit == 'h' else '天'}"
    if fact.per is None:
        return amount
    if fact.kind == "work":  # 平时周一到周五上班 每天8个钟: all working time, said so
        return texts.text(f"parsing.typed_work.{fact.per}") + amount
    if fact.kind == "overtime" and _CLOCK_TIME in entity.text:
        # 都加到晚上九点半 after the day's range: the words hold a time, not the hours.
        return texts.text(f"parsing.typed_overtime.{fact.per}") + amount
    return entity.text


def prefill(
    spec: CalculatorSpec, entities: Sequence[Entity], today: date, text: str = ""
) -> Prefill:
    """Answers the first message states, each read as if typed at its question (so 一天250
    is a daily wage either way). A fact that does not read, or one of several for the same
    field, is left to be asked. A choice the whole ``text`` settles by the words of exactly one
    option's ``in_message`` list (prompts.yml: 裁员 → economic compensation) is stated too, and
    so is what the calculator's ``message_facts`` reads from the words (进厂5个月了)."""
    answers: dict[str, object] = {}
    stated: list[str] = []
    # 一天年价都没休: the words are read with typos fixed (positions kept for the entities).
    text = fix_typos(text)
    assigned = _assign(spec, _usable(entities))
    said = spec.message_facts(text, entities, today) if text else {}
    for field in spec.fields:
        # A field never asked is filled only from what the words say (今年能休几天年假).
        never_asked = field.prefill_only and field.name not in said
        if never_asked or not field.is_relevant({**answers, TODAY: today}):
            continue
        candidates = assigned.get(field.name, [])
        if field.kind == "date_or_length" and text:
            # 2026年3月1号进厂 … 之前在别的厂干了6年: the earlier employer's years (or the
            # whole working life's) are not the time here.
            candidates = [e for e in candidates if not _elsewhere_or_total(e, text)]
        # Days told apart with their own dates are summed before one fact said twice is
        # kept once: 4月5号当天8个小时 … 6月19号当天8个小时 is 16 hours, not 8.
        specific = _most_specific(_day_over_length(_own_pay_first(candidates, text)))
        found = _same_fact_once(_days_apart_summed(specific, entities))
        if field.kind == "years" and text and (len(found) > 1 or not only_employer(text)):
            # 累计工作6年，在这个厂干了3年: the years at this employer are not the total, and
            # said alone they may be less than it (the tier would be too low): asked — unless
            # this is the only employer (毕业就进了这个厂).
            # 以前在老家厂里做了7年多: an earlier employer's years said roughly are a part
            # whose sum with this one's may cross a tier: asked (入职前已经累计工作12年 is said as
            # the total; an exact part stays the least the total can be, as before).
            found = [
                e
                for e in found
                if not of_this_employer(e, text)
                and not (
                    _rough(e) and of_an_earlier_employer(e, text) and not said_as_total(e, text)
                )
            ]
            # 之前在别的厂干了1年 … 总工龄3年: the one said as the total is the total.
            totals = [e for e in found if said_as_total(e, text)]
            found = totals if len(totals) == 1 else found
        value: object = None
        if field.name in said:  # the calculator's own reading of the words comes first
            outcome = read_answer(spec, field, said[field.name], answers, today)
            value = outcome.value if isinstance(outcome, Accepted) else None
        if value is None and len(found) == 1:
            outcome = read_answer(spec, field, _as_typed(found[0]), answers, today)
            value = outcome.value if isinstance(outcome, Accepted) else None
        elif value is None and text and field.kind == "choice":
            value = _choice_in_message(field, text)
        if value is not None:
            answers[field.name] = value
            stated.append(field.name)
    assumed: list[str] = []
    if any(name in stated for name in spec.said_or_zero):
        for name in spec.said_or_zero:
            if name in assigned:
                continue  # said, but not readable alone (two facts for it): asked, not 0
            if name not in answers and spec.field(name).is_relevant({**answers, TODAY: today}):
                kind = spec.field(name).kind
                answers[name] = WorkTime(Decimal(0)) if kind == "work_time" else Decimal(0)
                assumed.append(name)
    return Prefill(answers, tuple(stated), tuple(assumed))


def missing(spec: CalculatorSpec, answers: Mapping[str, object], today: date) -> tuple[str, ...]:
    """The fields still to ask, as far as the answers so far tell (later answers may make
    more questions relevant)."""
    return tuple(f.name for f in pending_fields(spec, answers, today))


def fact_lines(
    spec: CalculatorSpec, answers: Mapping[str, object], names: Sequence[str]
) -> list[tuple[str, str]]:
    """(label, shown value) of the named answers, for the worker to confirm."""
    return [
        (spec.label(spec.field(name)), spec.display(spec.field(name), answers[name], answers))
        for name in names
        if name in answers
    ]
