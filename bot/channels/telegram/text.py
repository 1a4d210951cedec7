"""Text for Telegram: HTML-escaped (anything a worker or caseworker typed may hold ``<`` or
``&``), and long answers split at sentence boundaries under Telegram's message limit."""

from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096
# A receipt (1234 5678 9012 3456) is shown as code: Telegram copies it with one tap.
_RECEIPT = re.compile(r"(?<!\d)\d{4} \d{4} \d{4} \d{4}(?!\d)")
# Where to cut, best first: a paragraph, a line, a sentence, a clause, a space.
_CUTS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"[。！？!?；;…]+[”’」』）)]*|\.(?=\s)"),
    re.compile(r"[，、,：:]"),
    re.compile(r"\s"),
)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def to_html(text: str) -> str:
    """Plain text as Telegram HTML: ``<``, ``>`` and ``&`` escaped, receipts as code."""
    escaped = html.escape(text, quote=False)
    return _RECEIPT.sub(lambda m: f"<code>{m.group(0)}</code>", escaped)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of ``text`` of at most ``limit`` UTF-16 units, cut at the best boundary that
    keeps each part at least half full; nothing is lost but the whitespace at a cut."""
    if utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = _cut_point(rest, limit)
        head = rest[:cut].rstrip()
        if head:
            parts.append(head)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut_point(text: str, limit: int) -> int:
    window_end = _fitting_prefix(text, limit)
    window = text[:window_end]
    for pattern in _CUTS:
        ends = [m.end() for m in pattern.finditer(window)]
        good = [end for end in ends if end >= window_end // 2]
        if good:
            return good[-1]
    return max(window_end, 1)
