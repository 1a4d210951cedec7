"""Overtime pay already received, read from a worker's first message for the overtime
calculator (加班费只给了1500 … 还应该补给我多少 → 1500): then the calculator's amount is what is
still owed. Read only when the message asks what is still owed. Words live in ``prompts.yml``
(``overtime.message``).
"""

from __future__ import annotations

import re
from typing import Final

from knowledge_base.calculators import texts
from nlu.numbers import NUMERAL_CHARS, parse_number
from nlu.phrase_text import alternation
from nlu.tokenizer import normalize
from nlu.typos import fix_typos

_WORDS: Final = "overtime.message."


def overtime_paid_said(text: str) -> str | None:
    """The overtime pay already received (加班费只给了1500), when the message also asks what is
    still owed (还应该补给我多少); None otherwise."""
    norm = fix_typos(normalize(text))
    if not any(word in norm for word in texts.words(_WORDS + "still_owed")):
        return None
    leads = alternation(texts.words(_WORDS + "paid_leads"))
    verbs = alternation(texts.words(_WORDS + "paid_verbs"))
    not_money = re.escape("".join(texts.words(_WORDS + "paid_not_before")))
    amounts = {
        match.group("amount")
        for match in re.finditer(
            rf"(?:{leads})(?:{verbs})(?P<amount>[0-9.]+|[{NUMERAL_CHARS}两]+)(?![{not_money}])",
            norm,
        )
    }
    # 给了1000块加班费: the amount before the pay's name.
    amounts |= {
        match.group("amount")
        for match in re.finditer(
            rf"(?:{verbs})(?P<amount>[0-9.]+|[{NUMERAL_CHARS}两]+)(?:块钱|块|元)?的?(?:{leads})",
            norm,
        )
    }
    values = {parse_number(amount) for amount in amounts} - {None}
    return str(values.pop()) if len(values) == 1 else None
