"""Shared shapes of every calculator: what it asks for, what it returns, how money is rounded.

A calculator is a :class:`CalculatorSpec`: a declarative list of :class:`InputField` (what to
ask, in which order, and when a question is needed at all) plus a pure ``compute`` function
from typed inputs to a :class:`CalculationResult`. The chat flow never needs to know which
calculator it drives; see ``knowledge_base.calculators.flow``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

FieldKind = Literal[
    "money",
    "hours",
    "months",
    "years",
    "days",
    "weeks",
    "date",
    "city",
    "choice",
    "bool",
    "wage",
    "work_time",
    "date_or_length",
]
NUMERIC_KINDS: Final[frozenset[str]] = frozenset(
    {"money", "hours", "months", "years", "days", "weeks"}
)
WageUnit = Literal["month", "day", "hour", "piece"]
TimeUnit = Literal["h", "d"]
Period = Literal["day", "week", "month"]
Qualifier = Literal["exact", "almost", "more"]
ALL_WAGE_UNITS: Final[tuple[WageUnit, ...]] = ("month", "day", "hour", "piece")
TIME_WAGE_UNITS: Final[tuple[WageUnit, ...]] = ("month", "day", "hour")

#: Reserved input key: the date the flow considers "today". ``compute`` never reads the clock.
TODAY: Final = "today"

CENT: Final = Decimal("0.01")


def round_money(value: Decimal) -> Decimal:
    """Round to 2 decimals, half up (0.005 → 0.01), the way wage slips are rounded."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- citations


@dataclass(frozen=True)
class Citation:
    """One statute article a result relies on.

    ``law`` is the canonical short name (ANSWER_SCHEMA.md), ``article`` the integer article
    number or None for a text without numbered articles. ``quotes`` are phrases of the article
    that state the number or rule used; a test checks each one against the statute text.
    """

    law: str
    article: int | None
    paragraph: int | None = None
    quotes: tuple[str, ...] = field(default=(), compare=False)


# --------------------------------------------------------------------------- answer values


@dataclass(frozen=True)
class Wage:
    """Pay as the worker said it: ``amount`` yuan per ``unit`` (month, day, hour or piece).

    ``amount`` is None only for a piece rate whose piece price was not given.
    """

    amount: Decimal | None
    unit: WageUnit


@dataclass(frozen=True)
class WorkTime:
    """Working time as the worker said it: ``amount`` hours (``h``) or days (``d``), per day,
    week or month (``per``; None is a total). ``base`` "work" means all working time
    (每天做12个钟), "overtime" only the overtime (每天加3个钟)."""

    amount: Decimal
    unit: TimeUnit = "h"
    per: Period | None = None
    base: Literal["overtime", "work"] = "overtime"


@dataclass(frozen=True)
class ServiceLength:
    """How long someone worked for the employer, without dates: ``months`` and whether that
    was said exactly, as "almost" (快五年) or as "more than" (一年多)."""

    months: Decimal
    qualifier: Qualifier = "exact"


class MonthDate(date):
    """A date of which only the year and month were given; the 1st of the month is assumed."""

    __slots__ = ()


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class When:
    """Ask a field only when an earlier answer passes a simple test.

    ``op`` is one of ``eq``, ``ne``, ``in``, ``gt``, ``ge``, ``lt``, ``le``, ``given`` (answered
    with a value, not skipped). A test on an answer that is missing or skipped is False.
    """

    field: str
    op: Literal["eq", "ne", "in", "gt", "ge", "lt", "le", "given"]
    value: object = None

    @property
    def needs(self) -> tuple[str, ...]:
        """Fields this condition reads."""
        return (self.field,)

    def holds(self, inputs: Mapping[str, object]) -> bool:
        """True when the answer passes the test."""
        answer = inputs.get(self.field)
        if answer is None:
            return False
        if self.op == "given":
            return True
        if self.op == "eq":
            return answer == self.value
        if self.op == "ne":
            return answer != self.value
        if self.op == "in":
            return isinstance(self.value, tuple) and answer in self.value
        if isinstance(answer, Decimal) and isinstance(self.value, Decimal):
            return _compare(self.op, answer.compare(self.value))
        if isinstance(answer, date) and isinstance(self.value, date):
            return _compare(self.op, (answer > self.value) - (answer < self.value))
        return False


def _compare(op: str, sign: Decimal | int) -> bool:
    """Apply an ordering operator to a comparison sign (-1, 0, 1)."""
    if op == "gt":
        return sign > 0
    if op == "ge":
        return sign >= 0
    if op == "lt":
        return sign < 0
    return sign <= 0


@dataclass(frozen=True)
class Derived:
    """Ask a field only when a test computed from several earlier answers holds.

    Used where a plain :class:`When` cannot say it, e.g. "the double-wage period ends with a
    part-month". ``name`` documents the rule; ``needs`` lists the fields it reads, and it is
    False until all of them are answered (skipped counts as answered).
    """

    name: str
    needs: tuple[str, ...]
    test: Callable[[Mapping[str, object]], bool] = field(compare=False)

    def holds(self, inputs: Mapping[str, object]) -> bool:
        """True when all needed answers are present and the test passes."""
        if any(name not in inputs for name in self.needs):
            return False
        return self.test(inputs)


Condition = When | Derived


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Choice:
    """One option of a ``choice`` field: a stable key and the label shown on a button."""

    key: str
    label: str
    match: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class InputField:
    """One thing a calculator needs from the worker.

    - ``prompt_key``: ``<calculator>.<field>``; prompts.yml holds the question and the label.
    - ``required``: False means the worker may answer "不知道"/"跳过" and the value is None.
    - ``choices``: option keys of a ``choice`` field (labels in prompts.yml); empty when the
      options depend on earlier answers (the spec's ``dynamic_choices`` supplies them).
    - ``ask_when``: all conditions must hold, otherwise the field is not asked and not used.
    - ``min_value`` / ``max_value``: bounds for numeric kinds (inclusive).
    - ``not_before``: for dates, the name of an earlier date field this one may not precede.
    - ``not_after_today``: for dates that must lie in the past (or today).
    - ``prefill_only``: never asked; only filled from context (e.g. a date the NLU found).
    - ``wage_units``: for ``wage`` fields, the units of pay this calculator can use.
    """

    name: str
    kind: FieldKind
    prompt_key: str
    required: bool = True
    choices: tuple[str, ...] = ()
    ask_when: tuple[Condition, ...] = ()
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    not_before: str | None = None
    not_after_today: bool = False
    prefill_only: bool = False
    wage_units: tuple[WageUnit, ...] = TIME_WAGE_UNITS

    def is_relevant(self, inputs: Mapping[str, object]) -> bool:
        """True when every ``ask_when`` condition holds for the answers given so far."""
        return all(condition.holds(inputs) for condition in self.ask_when)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CalculationResult:
    """Everything the bot shows after a calculation, already in plain Chinese.

    ``amount`` is the headline figure (None when there is none, e.g. a city we have no data
    for); ``amount_high`` the top of a range when an unknown answer leaves one. ``citations``
    are the few articles that carry the result (at most :data:`MAX_SHORT_CITATIONS`), shown in
    the short reply; ``further_citations`` go to the details with the notes. ``related`` lists
    intents of calculators worth offering next; ``provenance`` holds long source descriptions
    for the details, not for the first reply.
    """

    calculator: str
    title: str
    formula: str
    inputs: tuple[tuple[str, str], ...]
    steps: tuple[str, ...]
    result_lines: tuple[str, ...]
    amount: Decimal | None
    citations: tuple[Citation, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    provenance: tuple[str, ...] = ()
    further_citations: tuple[Citation, ...] = ()
    amount_high: Decimal | None = None


#: The short reply cites at most this many articles; the rest go to the details.
MAX_SHORT_CITATIONS: Final = 4


def split_citations(
    citations: list[Citation],
) -> tuple[tuple[Citation, ...], tuple[Citation, ...]]:
    """(the first few, in order of importance, for the short reply; the rest for details)."""
    unique = list(dict.fromkeys(citations))
    return tuple(unique[:MAX_SHORT_CITATIONS]), tuple(unique[MAX_SHORT_CITATIONS:])


class InputError(ValueError):
    """``compute`` got a missing or ill-typed input; names the field."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field_name = field_name


ComputeFn = Callable[[Mapping[str, object]], CalculationResult]
ChoicesFn = Callable[[str, Mapping[str, object]], tuple[Choice, ...]]
PromptVarsFn = Callable[[Mapping[str, object]], Mapping[str, str]]
#: (field name, parsed value, answers so far) → (error text key, format vars) or None.
CrossCheckFn = Callable[[str, object, Mapping[str, object]], tuple[str, Mapping[str, str]] | None]


def _no_choices(_field: str, _inputs: Mapping[str, object]) -> tuple[Choice, ...]:
    return ()


def _no_vars(_inputs: Mapping[str, object]) -> Mapping[str, str]:
    return {}


def _no_check(
    _field: str, _value: object, _inputs: Mapping[str, object]
) -> tuple[str, Mapping[str, str]] | None:
    return None


@dataclass(frozen=True)
class CalculatorSpec:
    """A calculator: fields in asking order, and a pure compute function.

    ``compute`` receives the parsed answers of the relevant fields (skipped optional fields
    are None) plus :data:`TODAY`. ``dynamic_choices`` gives the options of a choice field whose
    options depend on earlier answers; ``prompt_vars`` fills ``{placeholders}`` in questions;
    ``cross_check`` rejects an answer that contradicts earlier ones.

    Pre-filling from the worker's first message: ``prefill_fields`` maps a fact key
    (``wage``, ``work_time:rest_day``, ``work_time:work/week``, ``service_length``, ``date``,
    ``money`` …) to the field it fills; facts without a key fill the first free field of their
    kind. When any field of ``said_or_zero`` was stated, the others of that group are taken as 0
    (and shown so, to be corrected). ``topic`` is the knowledge-base topic the calculator serves.
    """

    name: str
    intent: str
    title_key: str
    fields: tuple[InputField, ...]
    compute: ComputeFn
    dynamic_choices: ChoicesFn = _no_choices
    prompt_vars: PromptVarsFn = _no_vars
    cross_check: CrossCheckFn = _no_check
    prefill_fields: Mapping[str, str] = field(default_factory=dict)
    said_or_zero: tuple[str, ...] = ()
    topic: str | None = None

    def field(self, name: str) -> InputField:
        """The field called ``name`` (KeyError when there is none)."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


# --------------------------------------------------------------------------- typed access


def get_decimal(inputs: Mapping[str, object], name: str) -> Decimal:
    """A required numeric input."""
    value = inputs.get(name)
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InputError(name, f"expected a number, got {type(value).__name__}")
    return Decimal(value)


def get_optional_decimal(inputs: Mapping[str, object], name: str) -> Decimal | None:
    """A numeric input that may be missing or skipped."""
    return None if inputs.get(name) is None else get_decimal(inputs, name)


def get_date(inputs: Mapping[str, object], name: str) -> date:
    """A required date input."""
    value = inputs.get(name)
    if not isinstance(value, date):
        raise InputError(name, f"expected a date, got {type(value).__name__}")
    return value


def get_optional_date(inputs: Mapping[str, object], name: str) -> date | None:
    """A date input that may be missing or skipped."""
    return None if inputs.get(name) is None else get_date(inputs, name)


def get_str(inputs: Mapping[str, object], name: str) -> str:
    """A required choice/city input."""
    value = inputs.get(name)
    if not isinstance(value, str) or not value:
        raise InputError(name, f"expected text, got {type(value).__name__}")
    return value


def get_bool(inputs: Mapping[str, object], name: str) -> bool:
    """A required yes/no input."""
    value = inputs.get(name)
    if not isinstance(value, bool):
        raise InputError(name, f"expected yes/no, got {type(value).__name__}")
    return value


def get_wage(inputs: Mapping[str, object], name: str) -> Wage:
    """A required pay input; a plain number (answers stored before units existed) is monthly."""
    value = inputs.get(name)
    if isinstance(value, Wage):
        return value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Wage(Decimal(value), "month")
    raise InputError(name, f"expected pay, got {type(value).__name__}")


def get_optional_monthly(inputs: Mapping[str, object], name: str) -> Decimal | None:
    """An optional monthly pay input (a month-only ``wage`` field, or a plain number)."""
    if inputs.get(name) is None:
        return None
    wage = get_wage(inputs, name)
    if wage.unit != "month" or wage.amount is None:
        raise InputError(name, f"expected monthly pay, got {wage.unit}")
    return wage.amount


def get_optional_work_time(inputs: Mapping[str, object], name: str) -> WorkTime | None:
    """Working time that may be missing or skipped; a plain number is a total in hours."""
    value = inputs.get(name)
    if value is None or isinstance(value, WorkTime):
        return value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return WorkTime(Decimal(value))
    raise InputError(name, f"expected working time, got {type(value).__name__}")


def check_range(name: str, value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    """Raise InputError when ``value`` lies outside [low, high]."""
    if low is not None and value < low:
        raise InputError(name, f"{value} < {low}")
    if high is not None and value > high:
        raise InputError(name, f"{value} > {high}")
    return value


def field_value(spec: CalculatorSpec, inputs: Mapping[str, object], name: str) -> Decimal:
    """A required numeric input, checked against the field's declared bounds."""
    declared = spec.field(name)
    return check_range(name, get_decimal(inputs, name), declared.min_value, declared.max_value)
