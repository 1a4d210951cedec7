"""A stated age under 16 next to work: the law calls that child labour, whatever else is asked.

Word statistics cannot tell 13岁 from 17岁 (both are "a number and 岁"), yet the legal line is
16 (《禁止使用童工规定》第二条, 《劳动法》第十五条): a 13-year-old's holiday job is a child-labour
question, a 17-year-old's is a student's. This finds ages under 16 said close to working.
"""

from __future__ import annotations

import re
from typing import Final

from knowledge_base.numerals import NUMERAL_CHARS, chinese_to_int
from knowledge_base.text import fold_width, to_simplified

#: Youngest age at which anyone may be employed (《禁止使用童工规定》第二条).
MINIMUM_WORKING_AGE: Final = 16
_AGE: Final = re.compile(rf"(?P<number>\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})(?:周)?岁")
_WORK: Final = re.compile(
    r"打工|上班|干活|做工|工作|暑假工|寒假工|短工|兼职|招工|招用|雇|童工|厂|车间|流水线|工地|饭店|挣钱|工资"
)
#: How many characters on either side of the age are searched for a work word.
WINDOW_CHARS: Final = 16


def _age(raw: str) -> int | None:
    # "十三四岁" (thirteen or fourteen): the first age counts.
    if len(raw) == 3 and raw[0] == "十":
        raw = raw[:2]
    return chinese_to_int(raw)


def ages_under_16_at_work(text: str) -> list[int]:
    """Ages below 16 stated within a few characters of a word about working."""
    if "岁" not in text and "歲" not in text:
        return []  # most questions: no conversion needed
    simple = fold_width(to_simplified(text))
    found: list[int] = []
    for match in _AGE.finditer(simple):
        age = _age(match.group("number"))
        if age is None or not 5 <= age < MINIMUM_WORKING_AGE:
            continue
        start = max(0, match.start() - WINDOW_CHARS)
        if _WORK.search(simple[start : match.end() + WINDOW_CHARS]):
            found.append(age)
    return found
