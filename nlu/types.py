"""The one result shape every NLU backend returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


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


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a backend understood of one message."""

    text: str
    intent: IntentScore
    ranking: tuple[IntentScore, ...] = ()
    entities: tuple[Entity, ...] = ()
    backend: str = ""

    def entity_values(self, name: str) -> list[str | int | float]:
        """All normalised values of entities called ``name``, in text order."""
        return [e.value for e in sorted(self.entities, key=lambda e: e.start) if e.entity == name]

    def top_intents(self, n: int) -> list[IntentScore]:
        """The ``n`` best intents (the ranking, or just the winner when there is none)."""
        return list(self.ranking[:n]) if self.ranking else [self.intent]


@runtime_checkable
class NluBackend(Protocol):
    """Contract of an NLU backend: chosen by name in config, swapped without changing callers."""

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
