"""What a form supplies to the engine: its fields, its texts and how it reads each kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from knowledge_base.forms.fields import Choice, InputField


@dataclass(frozen=True)
class Parsed:
    """A usable answer (``None`` means the worker skipped an optional question)."""

    value: object


@dataclass(frozen=True)
class Unparsed:
    """An answer the form could not read; ``error`` names the explanation to give."""

    error: str
    values: Mapping[str, str] = field(default_factory=dict)


ParseOutcome = Parsed | Unparsed


@dataclass(frozen=True)
class Doubt:
    """A usable answer that looks wrong (a monthly wage of 250): ``message`` asks the worker to
    confirm it, ``alternatives`` are other readings of what they typed, to offer beside it."""

    message: str
    alternatives: tuple[object, ...] = ()


class FormSpec(Protocol):
    """A form: fields in asking order plus the form's own texts, parsers and checks."""

    @property
    def fields(self) -> tuple[InputField, ...]:
        """The fields, in asking order."""
        ...

    def question_text(self, field: InputField, answers: Mapping[str, object], today: date) -> str:
        """The question to send for ``field``."""
        ...

    def label(self, field: InputField) -> str:
        """The short name of ``field`` (summaries, "改：…" buttons, error messages)."""
        ...

    def choices(self, field: InputField, answers: Mapping[str, object]) -> tuple[Choice, ...]:
        """Button options of a choice field (empty for other kinds)."""
        ...

    def is_skip(self, text: str) -> bool:
        """True when the worker declines an optional question ("不知道", "跳过")."""
        ...

    def parse(
        self, field: InputField, text: str, answers: Mapping[str, object], today: date
    ) -> ParseOutcome:
        """Read one answer for ``field``."""
        ...

    def check(
        self, field: InputField, value: object, answers: Mapping[str, object], today: date
    ) -> tuple[str, Mapping[str, str]] | None:
        """The form's own cross-checks (the engine has checked what the field declares):
        (error, values) when the value cannot be used."""
        ...

    def doubt(
        self, field: InputField, value: object, answers: Mapping[str, object]
    ) -> Doubt | None:
        """None when a checked value can be kept as it is; else what to confirm first."""
        ...

    def reject_message(self, field: InputField, error: str, values: Mapping[str, str]) -> str:
        """A kind explanation of what went wrong and what to type instead."""
        ...

    def display(self, field: InputField, value: object, answers: Mapping[str, object]) -> str:
        """How an answer is shown back to the worker."""
        ...

    def dump(self, field: InputField, value: object) -> Any:
        """A JSON-safe form of an answer (for the session store)."""
        ...

    def load(self, field: InputField, raw: Any) -> object:
        """The answer back from :meth:`dump`; raises ValueError when ``raw`` no longer reads
        (the engine drops it and the question is asked again)."""
        ...
