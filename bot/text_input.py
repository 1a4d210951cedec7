"""Clean what a worker typed before anything else sees it: drop control characters, keep
emoji and Traditional characters exactly as typed, and classify unusable input."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

_KEEP_CONTROLS = {"\n", "\t"}


class InputProblem(enum.Enum):
    """Why a message cannot be processed as it is."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class CleanText:
    """The cleaned text, or the problem that prevents using it."""

    text: str
    problem: InputProblem | None = None


def _is_dropped(char: str) -> bool:
    if char in _KEEP_CONTROLS:
        return False
    category = unicodedata.category(char)
    # Cc control, Cs lone surrogate, Co private use, Cn unassigned: never meaningful text.
    # Cf (format) is kept except the bidi overrides that can disguise text.
    if category in ("Cc", "Cs", "Co", "Cn"):
        return True
    return char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def clean_text(raw: str | None, *, max_chars: int) -> CleanText:
    """Normalise (NFC), strip control characters and surrounding space, and check length."""
    if raw is None:
        return CleanText("", InputProblem.EMPTY)
    if len(raw) > max_chars * 4:
        return CleanText("", InputProblem.TOO_LONG)
    try:
        normalised = unicodedata.normalize("NFC", raw)
    except (TypeError, ValueError):
        return CleanText("", InputProblem.UNREADABLE)
    kept = "".join(c for c in normalised if not _is_dropped(c)).strip()
    if not kept:
        dropped_everything = bool(raw.strip())
        return CleanText("", InputProblem.UNREADABLE if dropped_everything else InputProblem.EMPTY)
    if len(kept) > max_chars:
        return CleanText("", InputProblem.TOO_LONG)
    if kept.count("\ufffd") * 2 >= len(kept):
        return CleanText("", InputProblem.UNREADABLE)
    return CleanText(kept)
