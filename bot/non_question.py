"""Replies that fit a message the NLU could not place because it is not a question at all.

The core asks here before its generic "I did not understand" (low confidence or out of scope):
crying emoji get a warm question about what happened, a Latin-script message (English, pinyin,
…) a short English reply on how to start, and a bare number or date a question about what it
refers to, with buttons. Anything else is left to the core (``None``). Texts and the lists of
distress emoji live in ``bot/prompts/non_question.yml``.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import cache

from bot.messages import Reply
from bot.prompts import PromptBook, load_prompts
from nlu.numbers import parse_number
from nlu.tokenizer import normalize

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_SPACE = re.compile(r"\s+")
# Sentence punctuation around a short message (and anywhere in a row of emoji) means nothing here.
_PUNCTUATION = "。，、,.!！?？~～…:：;；'\"“”‘’()（）"
_EDGE_PUNCTUATION = re.compile(f"^[{re.escape(_PUNCTUATION)}]+|[{re.escape(_PUNCTUATION)}]+$")
_ANY_PUNCTUATION = re.compile(f"[{re.escape(_PUNCTUATION)}]+")
# Grammar of "a number with a unit", not text the bot says (so it lives in code).
_AMOUNT = re.compile(
    r"(?:[¥￥]|rmb|人民币)?(?P<number>[\d.,，kw零〇一二两三四五六七八九十百千万]+)"
    r"(?:元|块钱|块|rmb|人民币|小时|个小时|天|个月|月|年|岁|%)?"
)
_DATE = re.compile(
    r"\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?"
    r"|\d{2}年\d{1,2}月(?:\d{1,2}[日号])?"
    r"|\d{1,2}月(?:\d{1,2}[日号])?"
    r"|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
)
_MAX_AMOUNT_DIGITS = 9  # longer digit runs are ids or phone numbers, not wages or hours
_MIN_LATIN_LETTERS = 2
_EMOJI_CATEGORIES = frozenset({"So", "Sk"})
_EMOJI_JOINERS = frozenset({"\u200d", "\ufe0f", "\ufe0e"})


class _Kind(Enum):
    DISTRESS = "distress"
    LATIN_SCRIPT = "latin_script"
    BARE_NUMBER = "bare_number"
    BARE_DATE = "bare_date"


def non_question_replies(text: str) -> list[Reply] | None:
    """Replies for emoji-only distress, Latin-script text or a bare number/date; else None."""
    compact = _compact(normalize(text))
    if not compact:
        return None
    prompts = _prompts()
    kind = _classify(compact, prompts)
    if kind is None:
        return None
    value = _compact(text)
    return [
        Reply(
            prompts.text(kind.value, value=value),
            prompts.buttons(f"{kind.value}_buttons"),
        )
    ]


def _compact(text: str) -> str:
    return _EDGE_PUNCTUATION.sub("", _SPACE.sub("", text))


@cache
def _prompts() -> PromptBook:
    return load_prompts("non_question")


def _classify(compact: str, prompts: PromptBook) -> _Kind | None:
    if _is_distress(compact, prompts):
        return _Kind.DISTRESS
    if _DATE.fullmatch(compact):
        return _Kind.BARE_DATE
    if _is_bare_amount(compact):
        return _Kind.BARE_NUMBER
    if _is_latin_script(compact):
        return _Kind.LATIN_SCRIPT
    return None


def _is_emoji(char: str) -> bool:
    return char in _EMOJI_JOINERS or unicodedata.category(char) in _EMOJI_CATEGORIES


def _is_distress(compact: str, prompts: PromptBook) -> bool:
    marks = {_strip_joiners(e) for e in prompts.words("distress_emoji")}
    words = prompts.words("distress_words")
    emoji = [c for c in compact if _is_emoji(c)]
    rest = _ANY_PUNCTUATION.sub("", "".join(c for c in compact if not _is_emoji(c)))
    if rest:
        crying = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return bool(re.fullmatch(f"(?:{crying})+", rest))
    return any(c in marks for c in emoji)


def _strip_joiners(text: str) -> str:
    return "".join(c for c in text if c not in _EMOJI_JOINERS)


def _is_bare_amount(compact: str) -> bool:
    match = _AMOUNT.fullmatch(compact)
    if match is None:
        return False
    number = match.group("number")
    digits = sum(c.isdigit() for c in number)
    return digits <= _MAX_AMOUNT_DIGITS and parse_number(number) is not None


def _is_latin_script(compact: str) -> bool:
    if _HAN.search(compact):
        return False
    letters = [c for c in compact if c.isalpha()]
    latin = [c for c in letters if "LATIN" in unicodedata.name(c, "")]
    return len(latin) >= _MIN_LATIN_LETTERS and len(latin) == len(letters)
