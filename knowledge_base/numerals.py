"""Chinese numerals as used in article headings (第一百零七条, 第一千零一十条) to int and back."""

from __future__ import annotations

from typing import Final

_DIGITS: Final[dict[str, int]] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS: Final[dict[str, int]] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

#: Every character a Chinese numeral below 10 000 may contain (for building regexes).
NUMERAL_CHARS: Final[str] = "".join(_DIGITS) + "".join(_UNITS)

_SMALL: Final[tuple[str, ...]] = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九")


def chinese_to_int(text: str) -> int | None:
    """Convert a Chinese numeral (一百零七, 十五, 一千零一十) or ASCII/full-width digits to int.

    Returns None when the text is not a number this function understands.
    """
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        # str.isdigit also accepts full-width digits; int() understands them too.
        return int(text)
    if all(ch in _DIGITS for ch in text):
        # Digit-by-digit form such as 二〇〇八.
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            # A bare unit (十五) means one of it.
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def int_to_chinese(number: int) -> str:
    """Write 1–9999 the way article headings do (47 → 四十七, 107 → 一百零七, 10 → 十)."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    parts: list[str] = []
    units = ((1000, "千"), (100, "百"), (10, "十"))
    rest = number
    need_zero = False
    for value, name in units:
        digit, rest = divmod(rest, value)
        if digit:
            if need_zero:
                parts.append("零")
                need_zero = False
            parts.append(_SMALL[digit] + name)
        elif parts and rest:
            need_zero = True
    if rest:
        if need_zero:
            parts.append("零")
        parts.append(_SMALL[rest])
    text = "".join(parts)
    # Headings write 十五 rather than 一十五 when the number starts with ten.
    return text[1:] if text.startswith("一十") else text
