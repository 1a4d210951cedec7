"""Text helpers the phrase readers share: clauses (where one starts and ends), words stripped
from either end of a text, cue words at an end, and spans that overlap.

All work on ``nlu.tokenizer.normalize``-d text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from nlu.numbers import CN_DIGITS, Quantity

#: Ends of a clause. A space after a Latin word is not one: it is typed between a word and
#: a number (平日每晚都OT 3个钟).
BREAK: Final = re.compile(r"[，。,.!?！？；;：:\n、]|(?<![a-z])\s")
#: Units of an amount of days (3天, Cantonese 21日).
DAY_UNITS: Final = frozenset({"天", "日"})
#: 这三天, 那两天, Cantonese 呢10个钟 / 嗰两日: days or hours named again.
BACK_REFERENCES: Final = ("这", "那", "呢", "嗰")


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of literal ``words``, longest first (so 加班 is tried
    before 加), without repeats or empty words."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def strip_tail(text: str, words: Sequence[str], limit: int = 4) -> str:
    """``text`` less up to ``limit`` of ``words`` at its end, one after another."""
    for _ in range(limit):
        word = next((w for w in words if w and text.endswith(w)), None)
        if word is None:
            break
        text = text[: -len(word)]
    return text


def strip_head(text: str, words: Sequence[str], limit: int = 4) -> str:
    """``text`` less up to ``limit`` of ``words`` at its start, one after another."""
    for _ in range(limit):
        word = next((w for w in words if w and text.startswith(w)), None)
        if word is None:
            break
        text = text[len(word) :]
    return text


def ending(text: str, cues: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The first (cue, key) of ``cues`` whose cue ends ``text``, if any."""
    return next(((cue, key) for cue, key in cues if text.endswith(cue)), None)


def starting(text: str, cues: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The first (cue, key) of ``cues`` whose cue starts ``text``, if any."""
    return next(((cue, key) for cue, key in cues if text.startswith(cue)), None)


def starts_number(text: str) -> bool:
    """Whether ``text`` starts with a digit or a Chinese numeral."""
    return bool(text) and (text[0].isdigit() or text[0] in CN_DIGITS or text[0] == "十")


def overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``start``-``end`` overlaps any of ``spans``."""
    return any(start < e and s < end for s, e in spans)


def is_word_part(norm: str, q: Quantity) -> bool:
    """A lone 一 is part of a word (一共, 一般, 一直), not an amount."""
    return q.kind == "number" and norm[q.start : q.end] == "一"


def clause_end(norm: str, index: int) -> int:
    """Where the clause holding ``index`` ends (at the first break from it)."""
    match = BREAK.search(norm, index)
    return match.start() if match else len(norm)


def next_clause_start(norm: str, end: int) -> int:
    """Where the clause after the one ending at ``end`` starts (past the breaks between)."""
    while end < len(norm) and BREAK.match(norm, end):
        end += 1
    return end


#: Ends of a sentence (not a decimal point: 8.5小时).
SENTENCE_END: Final = re.compile(r"[。!?！？；;\n]|(?<!\d)\.(?!\d)")


def sentence_start(norm: str, index: int) -> int:
    """Where the sentence holding ``index`` starts (after the last sentence end before it)."""
    ends = [m.end() for m in SENTENCE_END.finditer(norm, 0, index)]
    return ends[-1] if ends else 0


def clause_start(norm: str, index: int) -> int:
    """Where the clause holding ``index`` starts (after the last break before it)."""
    breaks = [m.end() for m in BREAK.finditer(norm, 0, index)]
    return breaks[-1] if breaks else 0
