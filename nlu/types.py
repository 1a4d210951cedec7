"""The one result shape every NLU backend returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Protocol, runtime_checkable

#: How much of one message any backend reads: Telegram's own limit for a message. A longer
#: text (the web chat accepts more, e.g. a pasted contract) is understood by its beginning, so
#: no message, however long or strange, can hold up a turn; the text itself is kept whole by
#: whoever stores it.
READ_CHARS: Final = 4096


def readable(text: str) -> str:
    """The part of ``text`` the NLU reads (its first :data:`READ_CHARS` characters)."""
    return text[:READ_CHARS]


@dataclass(frozen=True, slots=True)
class IntentScore:
    """One candidate intent with a calibrated confidence in [0, 1]."""

    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity found in the text; ``value`` is normalised (numbers as int/float, synonyms
    mapped)."""

    entity: str
    value: str | int | float
    start: int
    end: int
    text: str
    extractor: str = "rules"


#: Kinds of danger, each with its own help: self_harm → 12356 and 120; fire_chemical (fire, gas,
#: chemical, explosion) → leave and 119; injury (injury, collapse, poisoning) → 120;
#: violence_confinement (locked in, beaten, threatened) → 110.
DANGER_KINDS = ("self_harm", "fire_chemical", "injury", "violence_confinement")


@dataclass(frozen=True, slots=True)
class SafetySignal:
    """What the safety layer found in one message.

    ``kinds`` are :data:`DANGER_KINDS` in priority order. ``emergency`` True means a danger now:
    the help replies come first and replace an answer. False means doubt (hyperbole next to a
    question, a past injury, fighting words): the normal answer is given and one gentle line
    offering help is added.
    """

    kinds: tuple[str, ...]
    emergency: bool


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a backend understood of one message."""

    text: str
    intent: IntentScore
    ranking: tuple[IntentScore, ...] = ()
    entities: tuple[Entity, ...] = ()
    backend: str = ""
    safety: SafetySignal | None = None

    def entity_values(self, name: str) -> list[str | int | float]:
        """All normalised values of entities called ``name``, in text order."""
        return [e.value for e in sorted(self.entities, key=lambda e: e.start) if e.entity == name]

    def top_intents(self, n: int) -> list[IntentScore]:
        """The ``n`` best intents (the ranking, or just the winner when there is none)."""
        return list(self.ranking[:n]) if self.ranking else [self.intent]


@runtime_checkable
class NluBackend(Protocol):
    """Contract of an NLU backend: chosen by name in config, swapped without changing callers.

    A backend whose ``parse`` only computes (no I/O) may say so with a class attribute
    ``computes_only = True``: the chat then runs it on the event loop's thread instead of
    handing it to a worker thread.
    """

    name: str

    def parse(self, text: str) -> ParseResult:
        """Understand one message. Must not raise on any string input."""
        ...


@dataclass(slots=True)
class TrainingExample:
    """One example from ``nlu/data``: text, intent and annotated entities."""

    text: str
    intent: str
    entities: list[Entity] = field(default_factory=list)
