"""Declarative fields: what to ask, in which order, and when a question is needed at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

#: Reserved answer key: the date the form considers "today" (specs never read the clock).
TODAY: Final = "today"


@dataclass(frozen=True)
class When:
    """Ask a field only when an earlier answer passes a simple test.

    ``op`` is one of ``eq``, ``ne``, ``in``, ``gt``, ``ge``, ``lt``, ``le``, ``given`` (answered
    with a value, not skipped), ``has`` (a multiple-choice answer includes ``value``), ``any``
    (it includes one of the ``value`` tuple). A test on a missing or skipped answer is False.
    """

    field: str
    op: Literal["eq", "ne", "in", "gt", "ge", "lt", "le", "given", "has", "any"]
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
        if self.op == "has":
            return isinstance(answer, list | tuple) and self.value in answer
        if self.op == "any":
            return (
                isinstance(answer, list | tuple)
                and isinstance(self.value, tuple)
                and any(v in answer for v in self.value)
            )
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

    ``needs`` lists the fields it reads; it is False until all of them are answered (skipped
    counts as answered).
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


@dataclass(frozen=True)
class Choice:
    """One option of a choice field: a stable key and the label shown on a button."""

    key: str
    label: str
    match: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class InputField:
    """One thing a form needs from the worker.

    - ``kind``: which parser reads the answer (the spec maps kinds to parsers).
    - ``prompt_key``: where the spec's texts hold the question, the label and the hint.
    - ``required``: False means the worker may answer "不知道"/"跳过" and the value is None.
    - ``choices``: option keys of a choice field; empty when the spec supplies them.
    - ``multiple``: several options may be chosen (the answer is a list of keys).
    - ``free_text``: whatever the worker writes is the answer (a description in their words).
    - ``ask_when``: all conditions must hold, otherwise the field is not asked and not used.
    - ``min_value`` / ``max_value``: bounds for numeric kinds (inclusive).
    - ``not_before``: for dates, an earlier date field this one may not precede.
    - ``not_after_today``: for dates that must lie in the past (or today).
    - ``prefill_only``: never asked; only filled from context.
    - ``units``: for kinds said with a unit (pay per month, day, hour …), the units this field
      accepts; empty means the spec's default.
    """

    name: str
    kind: str
    prompt_key: str
    required: bool = True
    choices: tuple[str, ...] = ()
    multiple: bool = False
    free_text: bool = False
    ask_when: tuple[Condition, ...] = ()
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    not_before: str | None = None
    not_after_today: bool = False
    prefill_only: bool = False
    units: tuple[str, ...] = ()

    def is_relevant(self, inputs: Mapping[str, object]) -> bool:
        """True when every ``ask_when`` condition holds for the answers given so far."""
        return all(condition.holds(inputs) for condition in self.ask_when)
