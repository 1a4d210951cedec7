"""Chinese numerals of article headings (第一百零七条) — read through the one table in
``nlu.numbers`` (STYLE.md "One of each"); kept so that existing imports keep working."""

from __future__ import annotations

from nlu.numbers import NUMERAL_CHARS, chinese_to_int, int_to_chinese

__all__ = ["NUMERAL_CHARS", "chinese_to_int", "int_to_chinese"]
