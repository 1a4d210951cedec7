"""The local average wage told by its triple, the cap on economic compensation itself (超过了
当地上年度职工月平均工资的3倍，这个3倍的数是24000 → 8000), read from a worker's first message for
the compensation calculator. Words live in ``prompts.yml`` (``compensation.message``) and, for
the local average's own names, ``nlu/entity_rules.yml`` (``wage.not_pay.local_average``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from nlu.not_pay import LOCAL_AVERAGE
from nlu.numbers import NUMERAL_CHARS, parse_number
from nlu.phrase_rules import load_phrase_rules
from nlu.phrase_text import alternation
from nlu.tokenizer import normalize

_WORDS: Final = "compensation.message."
#: The cap is this many times the local average (劳动合同法 第四十七条).
TRIPLE: Final = Decimal(3)


def local_average_from_its_triple(text: str) -> Decimal | None:
    """The local average wage when the message tells its triple after naming the average;
    None otherwise, or when two different triples are told."""
    norm = normalize(text)
    names = [word for word, kind in load_phrase_rules().not_pay if kind == LOCAL_AVERAGE]
    triple = alternation(texts.words(_WORDS + "triple_words"))
    fillers = alternation(texts.words(_WORDS + "triple_fillers"))
    pattern = re.compile(
        rf"(?:{triple})(?:[,，\s]|{fillers}){{0,5}}"
        rf"(?P<amount>[0-9]+(?:\.[0-9]+)?|[{NUMERAL_CHARS}两万]+)(?![0-9.{NUMERAL_CHARS}两万]|倍)"
    )
    found: set[Decimal] = set()
    for match in pattern.finditer(norm):
        if not any(name in norm[: match.start()] for name in names):
            continue
        value = parse_number(match.group("amount"))
        if value is not None and value > 0:
            found.add((Decimal(str(value)) / TRIPLE).quantize(Decimal("0.01")))
    return found.pop() if len(found) == 1 else None
