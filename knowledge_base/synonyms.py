"""Loader for knowledge_base/synonyms.yml: typo fixes, synonym expansion and stop words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from knowledge_base.text import collapse_repeats, fold_width, strip_noise, to_simplified
from knowledge_base.yaml_io import load_yaml_file

DEFAULT_LEXICON_PATH = Path(__file__).with_name("synonyms.yml")


class LexiconError(ValueError):
    """synonyms.yml is malformed; the message names the file and the place."""


@dataclass(frozen=True, slots=True)
class TypoRule:
    """A narrow regular-expression fix applied to normalised text."""

    pattern: re.Pattern[str]
    replace: str


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    """When any of ``variants`` (or ``terms``) occurs in a text, ``terms`` are added to it."""

    terms: tuple[str, ...]
    variants: tuple[str, ...]

    def matches(self, text: str) -> bool:
        """True when the (normalised) text contains one of the group's words."""
        return any(word in text for word in self.variants) or any(t in text for t in self.terms)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Typos, synonym groups and stop words for one language variety."""

    typos: tuple[TypoRule, ...]
    groups: tuple[SynonymGroup, ...]
    stopwords: frozenset[str]
    #: Words that ask what to do now (怎么办, 还来得及吗, 能不能走 …).
    situation_cues: tuple[str, ...] = ()
    #: Every group word → the indexes of the groups holding it, as one Aho-Corasick automaton:
    #: a text is read once for all of them.
    _words: ahocorasick.Automaton = field(init=False, repr=False, compare=False)
    #: Matches where any typo rule would (None: the rules cannot be joined into one).
    _any_typo: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups: dict[str, list[int]] = {}
        for number, group in enumerate(self.groups):
            for word in dict.fromkeys((*group.variants, *group.terms)):
                if word:
                    groups.setdefault(word, []).append(number)
        words = ahocorasick.Automaton()
        for word, numbers in groups.items():
            words.add_word(word, tuple(numbers))
        if groups:
            words.make_automaton()
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_any_typo", _joined(rule.pattern for rule in self.typos))

    def fix_typos(self, text: str) -> str:
        """Apply every typo rule in file order."""
        if self._any_typo is not None and self._any_typo.search(text) is None:
            return text  # no rule matches, so none changes the text for a later one
        for rule in self.typos:
            text = rule.pattern.sub(rule.replace, text)
        return text

    def expansions(self, text: str) -> list[str]:
        """Canonical terms to add for matching ``text`` (already normalised), without repeats."""
        matched: set[int] = set()
        if self._words.kind == ahocorasick.AHOCORASICK:
            for _, numbers in self._words.iter(text):
                matched.update(numbers)
        found: list[str] = []
        for number in sorted(matched):
            found.extend(term for term in self.groups[number].terms if term not in found)
        return found

    def situation_cue_position(self, text: str) -> int | None:
        """Where the last what-to-do cue starts in ``text`` (normalised), or None."""
        found = max(map(text.rfind, self.situation_cues), default=-1)
        return found if found >= 0 else None

    def words(self) -> set[str]:
        """Every multi-character word in the lexicon (for the tokenizer's dictionary)."""
        words: set[str] = set()
        for group in self.groups:
            words.update(group.terms)
            words.update(group.variants)
        return {word for word in words if len(word) > 1}


def _joined(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern matching wherever any of ``patterns`` does, or None when they have
    groups (their numbers would shift) or flags of their own, or there are none."""
    sources: list[str] = []
    for pattern in patterns:
        if pattern.groups or pattern.flags != re.UNICODE:
            return None
        sources.append(f"(?:{pattern.pattern})")
    if not sources:
        return None
    try:
        return re.compile("|".join(sources))
    except re.error:
        return None


def _clean(word: object, where: str) -> str:
    if not isinstance(word, str | int) or not str(word).strip():
        raise LexiconError(f"{where}: expected a non-empty word, got {word!r}")
    return to_simplified(unicodedata.normalize("NFKC", str(word))).strip().lower()


def _words(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise LexiconError(f"{where}: expected a list of words")
    return tuple(_clean(word, f"{where}[{i}]") for i, word in enumerate(raw))


def parse_lexicon(data: Any, source: str) -> Lexicon:
    """Build a Lexicon from the parsed YAML; errors name ``source`` and the bad entry."""
    if not isinstance(data, dict):
        raise LexiconError(f"{source}: expected a mapping with typos/synonyms/stopwords")
    typos: list[TypoRule] = []
    for i, rule in enumerate(data.get("typos") or []):
        where = f"{source}: typos[{i}]"
        if not isinstance(rule, dict) or "pattern" not in rule or "replace" not in rule:
            raise LexiconError(f"{where}: needs 'pattern' and 'replace'")
        try:
            pattern = re.compile(_clean(rule["pattern"], where))
        except re.error as exc:
            raise LexiconError(f"{where}: bad pattern: {exc}") from exc
        typos.append(TypoRule(pattern, _clean(rule["replace"], where)))
    groups: list[SynonymGroup] = []
    for i, group in enumerate(data.get("synonyms") or []):
        where = f"{source}: synonyms[{i}]"
        if not isinstance(group, dict) or "terms" not in group:
            raise LexiconError(f"{where}: needs 'terms' (and usually 'variants')")
        terms = _words(group["terms"], f"{where}.terms")
        variants = _words(group.get("variants") or [], f"{where}.variants")
        groups.append(SynonymGroup(terms, variants))
    stopwords = frozenset(_words(data.get("stopwords") or [], f"{source}: stopwords"))
    cues = _words(data.get("situation_cues") or [], f"{source}: situation_cues")
    return Lexicon(tuple(typos), tuple(groups), stopwords, cues)


def load_lexicon(path: Path = DEFAULT_LEXICON_PATH) -> Lexicon:
    """Read and validate a lexicon file."""
    data = load_yaml_file(path)
    return parse_lexicon(data, str(path))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped in knowledge_base/synonyms.yml (read once)."""
    return load_lexicon()


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """Full normalisation for matching: NFKC, t2s, lower case, noise, typos, repeats.

    ``lexicon`` supplies the typo rules; the default one (knowledge_base/synonyms.yml) is used
    when it is None. It lives beside the lexicon, not in ``knowledge_base.text``, so the two
    modules do not import each other.
    """
    lexicon = lexicon if lexicon is not None else default_lexicon()
    text = to_simplified(fold_width(text)).lower()
    text = strip_noise(text)
    text = lexicon.fix_typos(text)
    return collapse_repeats(text)
