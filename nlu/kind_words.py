"""Words naming the kind of day an amount of work was done on (平时, 周末, 国庆, 五一 …), where
they stand, and whether they name days off instead (周六周日休息).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from nlu.numbers import Quantity
from nlu.phrase_rules import PhraseRules


@dataclass(frozen=True, slots=True)
class KindWord:
    """Where a kind word (平时, 周末, 国庆, 五一 …) stands in the text."""

    start: int
    end: int
    cue: str
    kind: str


def find_kind_words(
    norm: str, quantities: Sequence[Quantity], rules: PhraseRules
) -> list[KindWord]:
    """Every kind word in the text that is not part of a longer number: 五一 in 五一那天 names a
    holiday, but not in 两千八百五一个月 (a number it only overlaps)."""
    found: list[KindWord] = []
    for cue, kind in rules.kinds:
        index = norm.find(cue)
        while index >= 0:
            end = index + len(cue)
            if not _said_not(norm, index, rules) and all(
                index <= q.start and q.end <= end
                for q in quantities
                if q.start < end and index < q.end
            ):
                found.append(KindWord(index, end, cue, kind))
            index = norm.find(cue, index + 1)
    return found


def _said_not(norm: str, index: int, rules: PhraseRules) -> bool:
    """Whether the kind word at ``index`` follows a word saying the days were not of it
    (唔系调休上班日, 不是周末)."""
    for between in ("", *rules.not_kind_between):
        said_end = index - len(between)
        if norm.startswith(between, said_end) and norm.endswith(rules.not_kind_before, 0, said_end):
            # 是不是周末, 系唔系上班日: a question, not a denial.
            return not norm.endswith(rules.not_kind_questions, 0, said_end)
    return False


#: Kinds a following rest word makes days off (holidays are named with 放假 and still worked).
_OFF_KINDS: Final = frozenset({"weekday", "rest_day"})
#: How far after a kind word its rest word may stand (周六周日休息: 周日 in between).
_OFF_REACH: Final = 4


def said_off(norm: str, word: KindWord, rules: PhraseRules) -> bool:
    """周六周日休息, 周日休: the kind word names days off, not days worked."""
    if word.kind not in _OFF_KINDS:
        return False
    after = norm[word.end : word.end + _OFF_REACH]
    for verb in rules.off_after:
        index = after.find(verb)
        if index >= 0 and not after[:index].endswith(rules.off_negations):
            return True
    return False


def kind_before(words: Sequence[KindWord], start: int, end: int) -> KindWord | None:
    """The kind word inside ``norm[start:end]`` that ends last."""
    inside = [w for w in words if start <= w.start and w.end <= end]
    return max(inside, key=lambda w: (w.end, len(w.cue)), default=None)


def kind_after(words: Sequence[KindWord], start: int, end: int) -> KindWord | None:
    """The kind word inside ``norm[start:end]`` that starts first."""
    inside = [w for w in words if start <= w.start and w.end <= end]
    return min(inside, key=lambda w: (w.start, -len(w.cue)), default=None)
