"""Rest days given back as leave, read from a worker's first message for the overtime
calculator (两个周六后来给我补休了 → 2天; 补休了8个小时 → 8小时; 都没补休 → 0).

Only what the words say is read: a count right before the rest-day word of its clause, or an
amount right after the leave word. The answer is the text the worker would type at the
calculator's question about compensatory leave, so it is checked there like a typed one (no
more leave than rest-day work). Words live in ``prompts.yml`` (``overtime.message``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.tenure import clauses
from nlu.numbers import NUMERAL_CHARS, Number, parse_number
from nlu.tokenizer import normalize

_COUNT: Final = f"([0-9]+(?:\\.5)?|[{NUMERAL_CHARS}两半]+)"
#: Rest days named by a demonstrative before their count (这两天, 那两个周六): a denial after
#: them is about all the days told of, not the ones left.
_DEMONSTRATIVES: Final = ("这", "那")
#: 一天调休都没给, 一天也没补休: not a single day given back.
_NOT_ONE_DAY: Final = re.compile("一个?[天日][^,，。]{0,3}[都也]")
_WORDS: Final = "overtime.message."
_UNITS: Final = "common.units"


def _either(key: str) -> str:
    return "|".join(re.escape(w) for w in texts.words(_WORDS + key))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    leave, days = _either("comp_leave_words"), _either("comp_leave_days")
    # Days counted right before a denial (剩下4天没补休, 另外2个星期六没补休): those are the
    # days without leave.
    # 剩下1个没补休: the count alone (个) stands for the rest days just named.
    days_before = re.compile(f"{_COUNT}(?:个?(?:天|日|{days})|个)[^,，。]{{0,3}}$")
    counted = re.compile(f"{_COUNT}(?:个|天)(?:{days})?(?P<gap>[^,，。]{{0,8}}?)(?:{leave})")
    after = re.compile(
        f"(?:{leave})(?:了|过)?(?:其中)?{_COUNT}(?:(?P<hours>{_either('comp_leave_hours')})|天)"
    )
    negation = _either("comp_leave_negations")
    # 没补休, 不给调休; or the denial after the leave word: 一天调休都没给, 补休也没有.
    none = re.compile(
        f"(?:{negation})(?:安排|给我|给俺|给咱|给)?(?:{leave})|(?:{leave})(?:都|也)(?:{negation})"
    )
    return counted, after, none, days_before


def _amount(said: str) -> Number | None:
    """The number said (半 alone is a half: 补休了半天)."""
    return 0.5 if said == "半" else parse_number(said)


def _typed(unit: str, amount: object) -> str:
    return texts.text(f"{_UNITS}.{unit}", value=amount)


def comp_leave_said(text: str) -> str | None:
    """How much rest-day work the message says was given back as leave, as typed at the
    calculator's question ("2天", "8小时", "0"), or None when it says nothing readable."""
    counted, after, none, days_before = _patterns()
    worked = texts.words(_WORDS + "comp_leave_worked")
    said: list[str] = []
    for clause in clauses(text):
        norm = normalize(clause)
        denied = none.search(norm)
        if denied is not None and norm[denied.end() :].startswith("的"):
            continue  # 那没补休的2天应该给多少: the days without leave named, not a denial
        if denied is not None:
            # 剩下4天没补休: the days left without leave, said after the leave given (补休了2
            # 天); only 都没补休 with no count before it says none was given.
            emphatic = _NOT_ONE_DAY.search(norm, 0, denied.end()) is not None
            counted_before = days_before.search(norm[: denied.start()])
            told_of = counted_before is not None and norm[: counted_before.start()].endswith(
                _DEMONSTRATIVES
            )
            if emphatic or told_of or counted_before is None:
                said.append("0")
            continue
        match = after.search(norm)
        if match is not None:
            amount = _amount(match.group(1))
            unit = "hours" if match.group("hours") else "days"
            if amount is not None and amount > 0:
                said.append(_typed(unit, amount))
            continue
        match = counted.search(norm)
        if match is not None and not any(w in match.group("gap") for w in worked):
            amount = _amount(match.group(1))
            if amount is not None and amount > 0:
                said.append(_typed("days", amount))
    # Several different amounts: the worker is asked rather than one being guessed.
    return said[0] if len(set(said)) == 1 else None
