"""Find a request for an article's wording in a chat message.

"劳动合同法第47条", "《工伤保险条例》第14条是什么", "劳动法第四十四条" name the law;
"第四十七条原文" does not, so the law comes from the conversation (``context_law``).
A message that cites an article while asking something else ("按劳动合同法第47条我能拿多少")
is not a request for the text: it returns None and goes to the normal answer search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from knowledge_base.numerals import NUMERAL_CHARS, chinese_to_int
from knowledge_base.statutes import DEFAULT_NAMES_PATH, StatuteLibrary
from knowledge_base.text import fold_law_name, fold_width, to_simplified

# Longest article number in our texts is four digits (民法典 第一千一百九十三条).
_MAX_ARTICLE = 9999
_NUMBER = rf"(?:[{NUMERAL_CHARS}]{{1,8}}|\d{{1,4}})"
_BARE_ARTICLE = re.compile(rf"第({_NUMBER})条")
_FILLER = re.compile(r"[\s,.!?;:、。，！？；：~…'\"“”()（）\[\]【】的呢吗吧啊呀了哦嘛么]+")
# Leftover text this short is just politeness or a particle, not another question.
_SHORT_REST = 4


class ArticleRef(NamedTuple):
    """A (law, article number) pair; ``law`` is the canonical short name."""

    law: str
    number: int


@dataclass(frozen=True, slots=True)
class _Found:
    law: str | None
    number: int
    start: int
    end: int


def _fold_message(text: str) -> str:
    folded = to_simplified(fold_width(text))
    folded = re.sub(r"[《》〈〉<>\s]", "", folded)
    return folded.replace("中华人民共和国", "")


@lru_cache(maxsize=4)
def _request_cues(names_path: Path) -> tuple[str, ...]:
    with names_path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return tuple(to_simplified(fold_width(str(cue))) for cue in data.get("request_cues") or ())


@lru_cache(maxsize=4)
def _law_pattern(library_id: int, aliases: tuple[str, ...]) -> re.Pattern[str]:
    del library_id  # part of the cache key only
    # Longest alias first so 劳动合同法实施条例 wins over 劳动合同法.
    names = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    return re.compile(
        rf"(?P<law>{names})(?:的)?(?:第(?P<n1>{_NUMBER})条|(?P<n2>\d{{1,4}})(?P<tiao>条)?(?!\d))"
    )


def _to_number(raw: str) -> int | None:
    number = chinese_to_int(raw)
    if number is None or not 0 < number <= _MAX_ARTICLE:
        return None
    return number


def find_article_refs(text: str, library: StatuteLibrary | None = None) -> list[ArticleRef]:
    """Every (law, article) a message names explicitly, in order, without repeats."""
    return [
        ArticleRef(found.law, found.number)
        for found in _scan(_fold_message(text), library or StatuteLibrary.load())
        if found.law is not None
    ]


def _scan(folded: str, library: StatuteLibrary) -> list[_Found]:
    aliases = library.aliases()
    pattern = _law_pattern(id(library), tuple(sorted(aliases)))
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        number = _to_number(match.group("n1") or match.group("n2"))
        law = aliases.get(fold_law_name(match.group("law")))
        if number is None or law is None:
            continue
        bare_digits = match.group("n2") is not None and match.group("tiao") is None
        if bare_digits and library.article(law, number) is None:
            # "劳动法2018年" is a year, not an article: bare digits must name a real article.
            continue
        found.append(_Found(law, number, match.start(), match.end()))
        taken.append((match.start(), match.end()))
    for match in _BARE_ARTICLE.finditer(folded):
        if any(start <= match.start() < end for start, end in taken):
            continue
        number = _to_number(match.group(1))
        if number is not None:
            found.append(_Found(None, number, match.start(), match.end()))
    found.sort(key=lambda f: f.start)
    unique: list[_Found] = []
    for item in found:
        if all((item.law, item.number) != (u.law, u.number) for u in unique):
            unique.append(item)
    return unique


def detect_article_request(
    text: str,
    context_law: str | None = None,
    library: StatuteLibrary | None = None,
    names_path: Path = DEFAULT_NAMES_PATH,
) -> ArticleRef | None:
    """(law, number) when the message asks to see an article's text, else None.

    A bare "第四十七条原文" uses ``context_law`` (any alias); without it the result is None.
    The article need not exist: the caller says so kindly (劳动合同法 has 98 articles).
    """
    library = library or StatuteLibrary.load()
    folded = _fold_message(text)
    found = _scan(folded, library)
    if not found:
        return None
    first = found[0]
    law = first.law
    if law is None:
        law = library.resolve_law(context_law) if context_law else None
        if law is None:
            return None
    rest = folded
    for item in sorted(found, key=lambda f: f.start, reverse=True):
        rest = rest[: item.start] + rest[item.end :]
    cues = _request_cues(names_path)
    has_cue = any(cue in rest for cue in cues)
    for cue in cues:
        rest = rest.replace(cue, "")
    rest = _FILLER.sub("", rest)
    if has_cue or len(rest) <= _SHORT_REST:
        return ArticleRef(law, first.number)
    return None
