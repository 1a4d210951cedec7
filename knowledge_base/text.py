"""Text normalisation shared by statutes, answers and retrieval.

Workers write on phones: full-width digits, Traditional characters, typos, repeated clauses
and pasted links. Everything that is matched against anything goes through the full
normalisation first (``knowledge_base.synonyms.normalize``, which adds the typo rules), so
queries and indexed text look alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

import opencc

_URL: Final = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION: Final = re.compile(r"@\S+")
# Bracketed placeholders chat apps insert for stickers and pictures: [图片], [表情], [捂脸].
_PLACEHOLDER: Final = re.compile(r"\[[^\[\]]{1,6}\]")
_SPACES: Final = re.compile(r"\s+")
# Emoji and pictographs: nothing in them helps retrieval.
_EMOJI: Final = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\ufe0f\u200d]"
)
# The same piece of text (3+ chars) repeated back to back, as crawled or pasted twice.
_REPEAT: Final = re.compile(r"(.{3,}?)\1+")
_CJK: Final = re.compile(r"[\u4e00-\u9fff]")
_REPEAT_PUNCT: Final = re.compile(r"([,.!?;:、。，！？；：~～…])\1+")
_CLAUSE_SPLIT: Final = re.compile(r"([,.!?;:、。，！？；：\s]+)")
_LAW_NAME_NOISE: Final = re.compile(r"[《》<>〈〉\s\"'“”‘’]")
_LAW_PREFIX: Final = "中华人民共和国"


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); Simplified text passes unchanged."""
    return str(_t2s().convert(text))


def fold_width(text: str) -> str:
    """NFKC: full-width digits/letters/brackets become ASCII (１５０％ → 150%, （一） → (一))."""
    return unicodedata.normalize("NFKC", text)


# Law names come from a few hundred citations and aliases: cached (~13 lookups per answer).
@lru_cache(maxsize=2048)
def fold_law_name(name: str) -> str:
    """Key for comparing law names: width- and script-folded, no 《》, spaces or 中华人民共和国."""
    key = _LAW_NAME_NOISE.sub("", to_simplified(fold_width(name)))
    return key.removeprefix(_LAW_PREFIX)


def _keep_one(match: re.Match[str]) -> str:
    unit = match.group(1)
    # Only collapse repeats that contain Chinese: 300300 or "1.5 1.5" may be meant.
    return unit if _CJK.search(unit) else match.group(0)


def _repeats_back_to_back(text: str) -> bool:
    """True when some piece of 3+ characters is directly followed by itself.

    Linear in practice (it only compares at repeated three-character starts), where the
    regular expression that removes such repeats is quadratic in the text's length.
    """
    starts: dict[str, list[int]] = {}
    for end in range(3, len(text) + 1):
        position = end - 3
        trigram = text[position:end]
        earlier = starts.get(trigram)
        if earlier is None:
            starts[trigram] = [position]
            continue
        for before in earlier:
            unit = position - before
            if unit >= 3 and text[before:position] == text[position : position + unit]:
                return True
        earlier.append(position)
    return False


def collapse_repeats(text: str) -> str:
    """Drop clauses repeated later in the text and back-to-back repeated fragments."""
    text = _REPEAT_PUNCT.sub(r"\1", text)
    if _repeats_back_to_back(text):
        text = _REPEAT.sub(_keep_one, text)
    parts = _CLAUSE_SPLIT.split(text)
    long_clauses = [clause for clause in parts[::2] if len(clause) >= 4]
    if len(set(long_clauses)) == len(long_clauses):
        return text  # no clause to drop: the parts join back into the text
    seen: set[str] = set()
    kept: list[str] = []
    # parts alternates clause, separator, clause, separator …
    for index in range(0, len(parts), 2):
        clause = parts[index]
        separator = parts[index + 1] if index + 1 < len(parts) else ""
        if len(clause) >= 4 and clause in seen:
            continue
        if clause:
            seen.add(clause)
        kept.append(clause + separator)
    return "".join(kept)


def strip_noise(text: str) -> str:
    """Remove links, @mentions, emoji and chat placeholders; squeeze whitespace."""
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize_document(text: str) -> str:
    """Light normalisation for edited text (statutes, answers): NFKC, t2s, lower case, spaces.

    No typo rules or repeat collapsing: statute wording is correct and long, and collapsing
    would be slow and could change it.
    """
    return _SPACES.sub(" ", to_simplified(fold_width(text)).lower()).strip()
