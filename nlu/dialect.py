"""Dialect words that mean something else to the classifier, read the way the worker meant.

Cantonese 人工 is "wages" (老细唔俾人工, 人工未出), but to the classifier, trained on
Mandarin, 人工 is "a human agent" (转人工). Where the words around it can only mean pay, it is
read as 工资 — same length, so entity offsets into the worker's text are unchanged.
"""

from __future__ import annotations

import re
from typing import Final

# Before 人工: giving, owing, holding back, paying out, counting, cutting or raising pay.
# After it: not yet / none / how much / how counted / too low / again / still.
# Never 转/接/找/要/请/有/没 人工 (asking for a person) nor 人工流产, 人工智能, 人工费.
_WAGES: Final = re.compile(
    r"(?<=[俾畀给給冇拖欠扣发發出计計少减減加月嘅我佢])人工"
    r"|人工(?=[未冇几幾点點太又都仲])"
)
WAGES_WORD: Final = "工资"


def with_wage_words(text: str) -> str:
    """``text`` with Cantonese 人工 meaning wages written 工资 (length kept)."""
    if "人工" not in text:
        return text
    return _WAGES.sub(WAGES_WORD, text)
