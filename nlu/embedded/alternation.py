"""Faster searching with a long alternation of words, with the same matches as ``re``.

The safety rules are regular expressions of hundreds of alternatives (``火|烟|焰|…``). Python's
``re`` tries every alternative at every position of the text, so one search of a 50-character
message cost up to 0.3 ms, and a message takes a few dozen such searches. Most alternatives
start with a known character, though. :class:`Alternation` splits a pattern into its top-level
alternatives, and at a position of the text tries only those that can start with the character
there, in their original order. Alternatives that cannot start with that character fail at that
position in the full pattern too, so the first alternative that matches, and the match (its
start and end), are the same as ``re``'s: only how fast they are found changes.

A pattern it cannot take apart safely (an alternative that may start with any character or
match the empty text, flags, back-references) is searched with ``re`` itself.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from re import _parser as _sre_parse  # type: ignore[attr-defined]  # re's own parser (3.11+)
from typing import Any, Final

_constants = _sre_parse
# Character ranges larger than this ([\u4e00-\u9fff]) make an alternative "any start".
_MAX_RANGE: Final = 256


class _UnreadableError(Exception):
    """A pattern source this module does not take apart (unbalanced, unterminated class)."""


def _structure(source: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, depth before it) of each parenthesis and ``|`` of ``source``, outside
    escapes and character classes; raises :class:`_UnreadableError` on an unterminated class."""
    depth = 0
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(source, index)
            if index < 0:
                raise _UnreadableError(source)
            continue
        if char in "()|":
            yield index, char, depth
            depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1


def _split_top(source: str) -> list[str] | None:
    """``source`` cut at its top-level ``|`` (None when it cannot be read safely)."""
    parts: list[str] = []
    start = 0
    depth = 0
    try:
        for index, char, depth in _structure(source):
            if char == ")" and depth <= 0:
                return None
            if char == "|" and depth == 0:
                parts.append(source[start:index])
                start = index + 1
    except _UnreadableError:
        return None
    if _closing_depth(source) != 0:
        return None
    parts.append(source[start:])
    return parts


def _closing_depth(source: str) -> int:
    """How many groups are still open at the end of ``source``."""
    opened = 0
    for _index, char, _depth in _structure(source):
        opened += {"(": 1, ")": -1}.get(char, 0)
    return opened


def _class_end(source: str, index: int) -> int:
    """The index just after the character class that opens at ``index`` (-1: unterminated)."""
    index += 1
    if index < len(source) and source[index] == "^":
        index += 1
    if index < len(source) and source[index] == "]":
        index += 1  # a "]" first in a class is a literal
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "]":
            return index + 1
        index += 1
    return -1


def _group_end(source: str) -> int:
    """Where the group opening at index 0 of ``source`` closes (-1: it does not)."""
    try:
        for index, char, depth in _structure(source):
            if char == ")" and depth == 1:
                return index
    except _UnreadableError:
        return -1
    return -1


def _flatten(source: str) -> list[str] | None:
    """The top-level alternatives, with ``(?:a|b)`` standing alone opened into ``a``, ``b``.

    At one position ``(?:a|b)|c`` tries a, then b, then c, exactly as ``a|b|c`` does.
    """
    parts = _split_top(source)
    if parts is None:
        return None
    flat: list[str] = []
    for part in parts:
        if part.startswith("(?:") and _group_end(part) == len(part) - 1:
            inner = _flatten(part[3:-1])
            if inner is None:
                return None
            flat.extend(inner)
        else:
            flat.append(part)
    return flat


def _first_of_sequence(items: Any) -> tuple[frozenset[str], bool] | None:
    """Characters a sequence of parsed items can start with, and whether it can be empty."""
    chars: set[str] = set()
    for op, av in items:
        found = _first_of_item(op, av)
        if found is None:
            return None
        first, nullable = found
        chars |= first
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


def _first_of_item(op: Any, av: Any) -> tuple[frozenset[str], bool] | None:
    c = _constants
    if op is c.LITERAL:
        return frozenset((chr(av),)), False
    if op is c.IN:
        return _first_of_class(av)
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        # Zero-width: what follows starts the match (a superset of the real start characters).
        return frozenset(), True
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            return None
        return _first_of_sequence(sub.data)
    if op is c.BRANCH:
        chars: set[str] = set()
        nullable = False
        for sub in av[1]:
            found = _first_of_sequence(sub.data)
            if found is None:
                return None
            chars |= found[0]
            nullable = nullable or found[1]
        return frozenset(chars), nullable
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
        low, _high, sub = av
        found = _first_of_sequence(sub.data)
        if found is None:
            return None
        return found[0], found[1] or low == 0
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _first_of_sequence(av.data)
    return None  # ANY, NOT_LITERAL, categories, back-references …: any start


def _first_of_class(items: Any) -> tuple[frozenset[str], bool] | None:
    c = _constants
    chars: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            chars.add(chr(av))
        elif op is c.RANGE:
            low, high = av
            if high - low > _MAX_RANGE:
                return None
            chars.update(chr(code) for code in range(low, high + 1))
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            chars.update(_decimal_digits())
        else:
            return None  # negated classes, other categories (\s, \w)
    return frozenset(chars), False


@functools.lru_cache(maxsize=1)
def _decimal_digits() -> frozenset[str]:
    """Every character ``\\d`` matches in a str pattern: Unicode decimal digits (``isdecimal``)."""
    return frozenset(ch for ch in map(chr, range(0x110000)) if ch.isdecimal())


class Alternation:
    """A compiled pattern searched alternative by alternative from each start character.

    ``search``, ``spans``, ``count``, ``blank`` and ``replace`` give what the pattern's own
    ``search``, ``finditer``, ``len(findall)`` and ``sub`` give (whole matches only: group
    numbers are not kept).
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._alternatives: list[str] = []
        self._firsts: list[frozenset[str]] = []
        self._starts: re.Pattern[str] | None = None
        self._by_char: dict[str, re.Pattern[str] | None] = {}
        self._lock = threading.Lock()
        prepared = self._prepare(pattern)
        if prepared is not None:
            self._alternatives, self._firsts = prepared
            every = sorted(set().union(*self._firsts))
            self._starts = re.compile("[" + "".join(re.escape(ch) for ch in every) + "]")

    @staticmethod
    def _prepare(pattern: re.Pattern[str]) -> tuple[list[str], list[frozenset[str]]] | None:
        if pattern.flags & ~(re.UNICODE) or pattern.groupindex:
            return None
        source = pattern.pattern
        alternatives = _flatten(source)
        if not alternatives or len(alternatives) < 2:
            return None
        firsts: list[frozenset[str]] = []
        for alternative in alternatives:
            try:
                parsed = _sre_parse.parse(alternative, pattern.flags)
            except re.error:
                return None
            if parsed.getwidth()[0] < 1:
                return None  # could match the empty text
            found = _first_of_sequence(parsed.data)
            if found is None or found[1] or not found[0]:
                return None
            firsts.append(found[0])
        return alternatives, firsts

    @property
    def dispatched(self) -> bool:
        """True when searching goes by start character (False: plain ``re``)."""
        return self._starts is not None

    def _for_char(self, char: str) -> re.Pattern[str] | None:
        # Compiled on first sight of a start character, keyed by that character only.
        try:
            return self._by_char[char]
        except KeyError:
            pass
        with self._lock:
            chosen = [
                f"(?:{alt})"
                for alt, first in zip(self._alternatives, self._firsts, strict=True)
                if char in first
            ]
            compiled = re.compile("|".join(chosen), self.pattern.flags) if chosen else None
            self._by_char[char] = compiled
        return compiled

    def _match_from(self, text: str, pos: int) -> tuple[int, int] | None:
        starts = self._starts
        if starts is None:
            found = self.pattern.search(text, pos)
            return None if found is None else found.span()
        for candidate in starts.finditer(text, pos):
            index = candidate.start()
            pattern = self._for_char(text[index])
            if pattern is not None:
                matched = pattern.match(text, index)
                if matched is not None:
                    return matched.span()
        return None

    def search(self, text: str) -> bool:
        """True when the pattern matches somewhere in ``text`` (``pattern.search``)."""
        return self._match_from(text, 0) is not None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each non-overlapping match, left to right (``pattern.finditer``)."""
        if self._starts is None:
            for found in self.pattern.finditer(text):
                yield found.span()
            return
        pos = 0
        while (span := self._match_from(text, pos)) is not None:
            yield span
            # Every alternative matches at least one character, so the next search starts
            # where this match ended, as ``finditer`` does.
            pos = span[1]

    def count(self, text: str) -> int:
        """How many non-overlapping matches ``text`` holds (``len(pattern.findall)``)."""
        return sum(1 for _ in self.spans(text))

    def replace(self, text: str, replacement: str) -> str:
        """``text`` with each match replaced by ``replacement`` (literal text)."""
        pieces: list[str] = []
        last = 0
        for start, end in self.spans(text):
            pieces += (text[last:start], replacement)
            last = end
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def blank(self, text: str) -> str:
        """``text`` with each match replaced by as many spaces (the length is kept)."""
        pieces: list[str] = []
        last = 0
        for start, end in self.spans(text):
            pieces += (text[last:start], " " * (end - start))
            last = end
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)


@functools.lru_cache(maxsize=256)
def alternation(pattern: re.Pattern[str]) -> Alternation:
    """The :class:`Alternation` of a compiled pattern (built once per pattern)."""
    return Alternation(pattern)
