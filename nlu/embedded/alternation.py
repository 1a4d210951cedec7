"""Faster searching with a long alternation of words, with the same matches as ``re``.

The safety rules are regular expressions of hundreds of alternatives (``火|烟|焰|…``). Python's
``re`` tries every alternative at every position of the text, so one search of a 50-character
message cost up to 0.3 ms, and a message takes a few dozen such searches. Most alternatives
start with a known character, though. :class:`Alternation` splits a pattern into its top-level
alternatives, and at a position of the text tries only those that can start with the character
there, in their original order. Alternatives that cannot start with that character fail at that
position in the full pattern too, so the first alternative that matches, and the match (its
start and end), are the same as ``re``'s: only how fast they are found changes.

The dispatch itself is one more regular expression (``_dispatch``), so ``re`` skips to the
characters that start some alternative and picks their alternatives without a Python loop.

A pattern it cannot take apart safely (an alternative that may start with any character or
match the empty text, flags, back-references) is searched with ``re`` itself.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
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


def _has_back_reference(items: Any) -> bool:
    """True when parsed ``items`` refer back to a group (copies of them would renumber it)."""
    c = _constants
    return any(
        op in (c.GROUPREF, c.GROUPREF_EXISTS)
        or any(_has_back_reference(sub.data) for sub in _subpatterns(av))
        for op, av in items
    )


def _subpatterns(av: Any) -> Iterator[Any]:
    """The parsed sub-patterns inside an item's argument (a group's, a branch's, a repeat's)."""
    for part in av if isinstance(av, tuple | list) else (av,):
        if isinstance(part, _sre_parse.SubPattern):
            yield part
        elif isinstance(part, list):
            yield from (x for x in part if isinstance(x, _sre_parse.SubPattern))


def _char_class(chars: list[str]) -> str:
    """A character class of exactly ``chars``."""
    return "[" + "".join(re.escape(ch) for ch in chars) + "]"


def _without_groups(source: str) -> str:
    """``source`` with each capturing group made non-capturing (the same whole matches: it has
    no back-references; ``re`` saves and restores every group's marks while it backtracks)."""
    pieces: list[str] = []
    last = 0
    for index, char, _depth in _structure(source):
        if char == "(" and not source.startswith("?", index + 1):
            pieces += (source[last : index + 1], "?:")
            last = index + 1
    return "".join(pieces) + source[last:]


@dataclass(frozen=True, slots=True)
class _Dispatch:
    """The alternatives grouped by start character, and one pattern trying only those."""

    #: characters that start the same alternatives, with those alternatives (``a|b|…``)
    groups: list[tuple[list[str], str]]
    #: index into ``groups`` by start character
    group_of: dict[str, int]
    source: str


def _dispatch(alternatives: list[str], firsts: list[frozenset[str]]) -> _Dispatch:
    """Group the alternatives by start character and build the pattern that dispatches on it.

    Characters that start the same alternatives share a branch ``[cs](?<=(?=P)[cs])``: the
    class consumes the character (``re`` skips a branch whose first character differs without
    entering it), the lookbehind steps back onto it, and the lookahead tries ``P``, those
    alternatives in their original order, from there. No character is in two classes, so at
    most one branch gets past its first character, and it matches where ``re`` would.
    """
    by_set: dict[tuple[int, ...], list[str]] = {}
    for char in sorted(frozenset().union(*firsts)):
        chosen = tuple(i for i, first in enumerate(firsts) if char in first)
        by_set.setdefault(chosen, []).append(char)
    plain = [_without_groups(alternative) for alternative in alternatives]
    groups = [
        (chars, "|".join(f"(?:{plain[i]})" for i in chosen)) for chosen, chars in by_set.items()
    ]
    group_of = {char: number for number, (chars, _) in enumerate(groups) for char in chars}
    branches = [
        (chars, f"{_char_class(chars)}(?<=(?=(?:{body})){_char_class(chars)})")
        for chars, body in groups
    ]
    return _Dispatch(groups, group_of, _branch_tree(branches))


def _branch_tree(branches: list[tuple[list[str], str]]) -> str:
    """``[cs](?<=b1|b2|…)`` over the branches (each one character wide), in chunks of about
    the square root of their number under one class each, so ``re`` tests a character against
    a few dozen classes rather than hundreds before it enters the one branch that can match.
    """
    size = max(4, math.isqrt(len(branches)))
    if len(branches) > size:
        parts = [branches[i : i + size] for i in range(0, len(branches), size)]
        branches = [([c for chars, _ in part for c in chars], _chunk(part)) for part in parts]
    return _chunk(branches)


def _chunk(branches: list[tuple[list[str], str]]) -> str:
    """``[all their characters](?<=b1|b2|…)``: one character wide, like each branch."""
    chars = [char for chars, _ in branches for char in chars]
    return f"{_char_class(chars)}(?<={'|'.join(source for _, source in branches)})"


class Alternation:
    """A compiled pattern searched alternative by alternative from each start character.

    ``search``, ``spans``, ``count``, ``blank`` and ``replace`` give what the pattern's own
    ``search``, ``finditer``, ``len(findall)`` and ``sub`` give (whole matches only: group
    numbers are not kept).
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        # The dispatching pattern (None: plain ``re``) finds where a match starts; the
        # alternatives of the start character, matched there, give its end.
        self._search: re.Pattern[str] | None = None
        self._groups: list[tuple[list[str], str]] = []
        self._group_of: dict[str, int] = {}
        self._matchers: dict[int, re.Pattern[str]] = {}
        self._lock = threading.Lock()
        prepared = self._prepare(pattern)
        if prepared is not None:
            dispatch = _dispatch(*prepared)
            self._groups, self._group_of = dispatch.groups, dispatch.group_of
            self._search = re.compile(dispatch.source, pattern.flags)

    def _matcher(self, char: str) -> re.Pattern[str]:
        """The alternatives that can start with ``char``, compiled on the first match there."""
        number = self._group_of[char]
        try:
            return self._matchers[number]
        except KeyError:
            pass
        with self._lock:
            compiled = re.compile(self._groups[number][1], self.pattern.flags)
            self._matchers[number] = compiled
        return compiled

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
            if parsed.getwidth()[0] < 1 or _has_back_reference(parsed.data):
                return None  # could match the empty text, or refers to a group by number
            found = _first_of_sequence(parsed.data)
            if found is None or found[1] or not found[0]:
                return None
            firsts.append(found[0])
        return alternatives, firsts

    @property
    def dispatched(self) -> bool:
        """True when searching goes by start character (False: plain ``re``)."""
        return self._search is not None

    def search(self, text: str) -> bool:
        """True when the pattern matches somewhere in ``text`` (``pattern.search``)."""
        return (self._search or self.pattern).search(text) is not None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each non-overlapping match, left to right (``pattern.finditer``)."""
        if self._search is None:
            for matched in self.pattern.finditer(text):
                yield matched.span()
            return
        pos = 0
        search = self._search.search
        while (found := search(text, pos)) is not None:
            start = found.start()
            # Matches are rare: finding the end with a second ``match`` costs little.
            end = self._matcher(text[start]).match(text, start).end()  # type: ignore[union-attr]
            yield start, end
            # Every alternative matches at least one character, so the next search starts
            # where this match ended, as ``finditer`` does.
            pos = end

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


_CACHE_SIZE: Final = 256
_cache: dict[int, tuple[re.Pattern[str], Alternation]] = {}
_cache_lock = threading.Lock()


def alternation(pattern: re.Pattern[str]) -> Alternation:
    """The :class:`Alternation` of a compiled pattern (built once per pattern object).

    Kept by the pattern's identity: hashing a compiled pattern hashes all its code, which
    cost more than a whole search of the safety rules' long word lists.
    """
    cached = _cache.get(id(pattern))
    if cached is not None and cached[0] is pattern:
        return cached[1]
    built = Alternation(pattern)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        # The entry holds the pattern, so its id cannot be reused while the entry lives.
        _cache[id(pattern)] = (pattern, built)
    return built
