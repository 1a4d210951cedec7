"""Courtesy openers (您好，我想请教一下……) that say nothing about what the worker asks.

People often start a real question with a greeting and "I'd like to ask". Left in, those
words pull a long question towards ``greet`` (and "我想……" towards the crisis intent, whose
examples start the same way). The classifier reads the question without them; a message that
is only an opener stays as it is and is understood as a greeting.
"""

from __future__ import annotations

import re
from typing import Final

from nlu.tokenizer import normalize

_GREETING: Final = r"(?:你好|您好|老师好|律师好|大家好|在吗|在不在|打扰了?|不好意思|麻烦问?一下)"
_ASK: Final = (
    r"(?:(?:我|本人)?(?:想|要|来|需要)?(?:请教|咨询|问问?|了解|打听)(?:一下|下)?"
    r"(?:您|你|律师|老师)?(?:一下)?(?:一个|个|几个)?(?:问题|事儿?|事情|情况)?"
    r"|请问(?:一下|下)?)"
)
_SEPARATORS: Final = r"[\s,，.。:：!！?？~～、…]*"
_OPENER: Final = re.compile(rf"^{_SEPARATORS}(?:{_GREETING}{_SEPARATORS})*(?:{_ASK}{_SEPARATORS})?")
#: A remainder shorter than this is not a question of its own ("我想问一下 好吗").
MIN_REMAINDER_CHARS: Final = 4
#: Openers are short: only this many leading characters are normalised and matched, so a
#: long question costs no more than a short one (normalize keeps offsets, so a prefix will do).
OPENER_SCAN_CHARS: Final = 40


def without_opener(text: str) -> str:
    """``text`` without a leading greeting / "I'd like to ask"; unchanged if little is left."""
    match = _OPENER.match(normalize(text[:OPENER_SCAN_CHARS]))
    if match is None or match.end() == 0:
        return text
    rest = text[match.end() :]
    return rest if len(rest.strip()) >= MIN_REMAINDER_CHARS else text
