"""A high-recall keyword/regex layer that puts crisis and danger intents on top.

The classifier alone may miss an unusual phrasing of "I want to die" or "the workshop is on
fire"; these are the messages that must never be missed, so regular expressions from
``safety.yml`` back it up. Figures of speech (累死了) are removed before matching, and a
message about a past event asked as a rights question is not an emergency now.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from nlu.tokenizer import normalize
from nlu.types import IntentScore

DEFAULT_SAFETY_PATH: Final = Path(__file__).with_name("safety.yml")
# Confidence given to a safety intent the rules found, unless the classifier was surer.
RULE_CONFIDENCE: Final = 0.9
# A safety intent the classifier proposed for a look-alike (跳槽, 烦死了) keeps this share.
DEMOTED_SHARE: Final = 0.1


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """Patterns for one safety intent, the look-alikes removed first, and the not-now test."""

    intent: str
    pattern: re.Pattern[str]
    exceptions: re.Pattern[str] | None = None
    not_now: tuple[re.Pattern[str], ...] = ()
    rights_question: re.Pattern[str] | None = None
    urgent: re.Pattern[str] | None = None

    def _without_look_alikes(self, text: str) -> str:
        return self.exceptions.sub(" ", text) if self.exceptions is not None else text

    def _not_now(self, text: str) -> bool:
        if self.not_now and all(p.search(text) for p in self.not_now):
            return True
        return (
            self.rights_question is not None
            and self.rights_question.search(text) is not None
            and (self.urgent is None or self.urgent.search(text) is None)
        )

    def matches(self, normalized_text: str) -> bool:
        """True when the text, without look-alike phrases, matches and is about now."""
        text = self._without_look_alikes(normalized_text)
        return self.pattern.search(text) is not None and not self._not_now(normalized_text)

    def vetoes(self, normalized_text: str) -> bool:
        """True when the text holds a look-alike phrase or asks about a past event."""
        if self._not_now(normalized_text):
            return True
        return self.exceptions is not None and self.exceptions.search(normalized_text) is not None


def _compile(patterns: Sequence[Any], where: str) -> re.Pattern[str]:
    if not patterns:
        raise ValueError(f"{where}: no patterns")
    try:
        compiled = re.compile("|".join(f"(?:{normalize(str(p))})" for p in patterns))
    except re.error as exc:
        raise ValueError(f"{where}: bad regular expression: {exc}") from exc
    if compiled.search("") is not None:
        # An empty alternative (a stray trailing "|") would match every message.
        raise ValueError(f"{where}: a pattern matches the empty text")
    return compiled


def _optional(pattern: Any, where: str) -> re.Pattern[str] | None:
    return _compile([pattern], where) if pattern else None


class SafetyLayer:
    """Safety intents in priority order (file order), each with its rule."""

    def __init__(self, rules: Sequence[SafetyRule]) -> None:
        self.rules = tuple(rules)

    @classmethod
    def load(cls, path: Path = DEFAULT_SAFETY_PATH) -> SafetyLayer:
        """Read the rules from ``safety.yml``."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rules = []
        for intent, spec in raw.items():
            where = f"{path.name}:{intent}"
            exceptions = spec.get("except") or []
            rules.append(
                SafetyRule(
                    intent=str(intent),
                    pattern=_compile(spec.get("patterns") or [], where),
                    exceptions=_compile(exceptions, where) if exceptions else None,
                    not_now=tuple(_compile([p], where) for p in spec.get("not_now") or []),
                    rights_question=_optional(spec.get("rights_question"), where),
                    urgent=_optional(spec.get("urgent"), where),
                )
            )
        return cls(rules)

    @property
    def intents(self) -> tuple[str, ...]:
        """The safety intent names, highest priority first."""
        return tuple(rule.intent for rule in self.rules)

    def detect(self, text: str) -> list[str]:
        """Safety intents whose rules match ``text``, highest priority first."""
        normalized = normalize(text)
        return [rule.intent for rule in self.rules if rule.matches(normalized)]

    def apply(self, text: str, ranking: Sequence[IntentScore]) -> list[IntentScore]:
        """The ranking with safety rules applied; confidences still sum to 1.

        Matched safety intents go on top. A safety intent that only the classifier proposed
        keeps its place unless the text is a known look-alike or a question about the past.
        """
        normalized = normalize(text)
        hits = [rule.intent for rule in self.rules if rule.matches(normalized)]
        if hits:
            return _promote(hits, ranking)
        # No rule matched. A figure of speech (困死了) or a question about a past event found
        # by any rule speaks against every safety intent the classifier alone proposed.
        if not any(rule.vetoes(normalized) for rule in self.rules):
            return list(ranking)
        vetoed = set(self.intents)
        if not vetoed.intersection(s.name for s in ranking[:1]):
            return list(ranking)
        return _demote(vetoed, ranking)


def _promote(hits: list[str], ranking: Sequence[IntentScore]) -> list[IntentScore]:
    scores = {s.name: s.confidence for s in ranking}
    top = [IntentScore(hits[0], max(scores.get(hits[0], 0.0), RULE_CONFIDENCE))]
    left = 1.0 - top[0].confidence
    for name in hits[1:]:
        confidence = min(scores.get(name, 0.0), left)
        top.append(IntentScore(name, confidence))
        left -= confidence
    rest = [s for s in ranking if s.name not in hits]
    rest_total = sum(s.confidence for s in rest)
    scale = left / rest_total if rest_total > 0 else 0.0
    return top + [IntentScore(s.name, s.confidence * scale) for s in rest]


def _demote(vetoed: set[str], ranking: Sequence[IntentScore]) -> list[IntentScore]:
    # The vetoed intent ends below the best other intent, whatever the classifier thought.
    best_other = max((s.confidence for s in ranking if s.name not in vetoed), default=0.0)
    weights = [
        min(s.confidence * DEMOTED_SHARE, best_other / 2) if s.name in vetoed else s.confidence
        for s in ranking
    ]
    total = sum(weights)
    if total <= 0:
        return list(ranking)
    scored = [IntentScore(s.name, w / total) for s, w in zip(ranking, weights, strict=True)]
    return sorted(scored, key=lambda s: s.confidence, reverse=True)
