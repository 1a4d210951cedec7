"""Amounts said of something other than the worker's own pay, though a period or pay word sits
beside them: a cost or an allowance (宿舍费每月150, 房租一个月800, 伙食费150一个月), or the
local average wage that caps economic compensation (当地上年度职工月平均工资是11000, 社平工资
11000), or someone else's pay (老婆一个月四千出头).

The pay reader (``nlu.pay_phrases.find_wages``) reads none of them as pay; the compensation
calculator reads the local average from its words (:func:`find_local_average`). The words
live in ``nlu/entity_rules.yml`` (``wage.not_pay``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from nlu.numbers import Number, Quantity
from nlu.phrase_text import clause_start, strip_tail

NotPay = Literal["cost", "someone_else", "local_average"]
LOCAL_AVERAGE: Final = "local_average"
SOMEONE_ELSE: Final = "someone_else"
#: Fillers and pay words stripped between the words and the amount, at most this many.
_STRIP_LIMIT: Final = 4
_SENTENCE_ENDS: Final = ("。", "!", "?", "！", "？", "\n")


def said_of(before: str, words: Sequence[tuple[str, str]], fillers: Sequence[str]) -> str | None:
    """What an amount (or its pay phrase) right after ``before`` is said of, when not the
    worker's pay: the kind of the word ``before`` ends with (fillers stripped), else None."""
    stripped = strip_tail(before, fillers, limit=_STRIP_LIMIT)
    return next((kind for word, kind in words if stripped.endswith(word)), None)


def someone_elses(
    before: str, words: Sequence[tuple[str, str]], me: Sequence[str], *, sentence: bool = False
) -> bool:
    """Whether an amount right after ``before`` is said in a clause that names someone else
    and not the worker after them (我婆娘在隔壁厂一个月拿4千8; not 老婆说我一个月4500).
    ``sentence=True`` looks back to the sentence's start instead (我爱人在医院工作，每月工资
    也就五千来块): only to tell two pays apart, as a sentence may also just set the scene."""
    start = _sentence_start(before) if sentence else clause_start(before, len(before))
    clause = before[start:]
    ends = [
        at + len(word)
        for word, kind in words
        if kind == SOMEONE_ELSE and (at := clause.rfind(word)) >= 0
    ]
    return bool(ends) and not any(word in clause[max(ends) :] for word in me)


def _sentence_start(norm: str) -> int:
    """Where the last sentence of ``norm`` starts (after its last full stop or line break)."""
    return max(norm.rfind(mark) for mark in _SENTENCE_ENDS) + 1


def find_local_average(
    norm: str,
    quantities: Sequence[Quantity],
    words: Sequence[tuple[str, str]],
    fillers: Sequence[str],
) -> Number | None:
    """The local average wage said in ``norm`` (当地社平工资是11000): an amount right after
    its words, pay words and fillers between; None when none is said, or two differ."""
    found = {
        q.value
        for q in quantities
        if q.kind in ("money", "number")
        and said_of(norm[: q.start], words, fillers) == LOCAL_AVERAGE
    }
    return found.pop() if len(found) == 1 else None
