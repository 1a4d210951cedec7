"""Chinese, Arabic and mixed numerals → numbers, and quantities with their units.

The one numeral table of the project (knowledge-base article headings and the calculators read
numbers through here too). The numeral characters and unit words below are the grammar of the
parser, not user-facing text, which is why they live in code. Examples: 三千五 → 3500,
3k5 → 3500, 1.2万 → 12000, 一万二 → 12000, 两个半月 → 2.5 months, 一年半 → 18 months,
三个钟 → 3 hours, 百分之一百五十 → 150 (percent), 一百零七 → 107, 二○○八 → 2008.

Scanners run on ``nlu.tokenizer.normalize``-d text (simplified, half-width, lower case), which
has the same length as the original, so spans are offsets into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from nlu.tokenizer import normalize

Number = int | float
QuantityKind = Literal["money", "duration", "hours", "percent", "count", "number"]

CN_DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
    "三": 3, "叁": 3, "仨": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS: Final[dict[str, int]] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000,
}  # fmt: skip
BIG_UNITS: Final[dict[str, int]] = {
    "万": 10_000,
    "萬": 10_000,
    "w": 10_000,
    "亿": 10**8,
    "億": 10**8,
}
_DIGIT_NAMES: Final = "零一二三四五六七八九"
#: Every character of a Chinese integer below 10 000 (article headings such as 第一百零七条).
NUMERAL_CHARS: Final = "".join(CN_DIGITS) + "十拾百佰千仟"
_INTEGER_CHARS: Final = frozenset(NUMERAL_CHARS + "万萬亿億")

#: The digit characters, for a regular expression's character class (the dict itself would put
#: its repr there: quotes, colons, commas and Arabic digits).
CN_DIGIT_CHARS: Final = "".join(CN_DIGITS)
_CN_DIGIT_CLASS: Final = CN_DIGIT_CHARS
_CN_UNIT_CLASS: Final = "十拾百佰千仟万萬亿億"
_ARABIC: Final = r"\d{1,32}(?:,\d{3}(?!\d)){0,10}(?:\.\d{1,32})?"
# Atomic and bounded: a run of digits is one token, and a numeral has at most 32 pieces.
# Without that, ``(?:\d+)*`` below tried every way of cutting a digit run into pieces when a
# scanner failed after it (20 digits took a second, 40 never ended: a bank card or ID number
# typed into the chat hung the worker's turn), and each search over a long run cost the square
# of its length.
_ARABIC_K: Final = rf"(?>{_ARABIC}(?:[kw](?![a-z]))?)"
# A numeral starts with a digit or 十 (so 千万别… or 万一 do not start a number) and continues
# with digits, units, and k/w right after an Arabic digit. After 千, k or 万, a 一 that starts
# "one month / day / year / week" (4k一个月, 三千一天) is that period, not the hundreds of an
# abbreviated amount (三千一 = 3100).
_PERIOD_ONE: Final = r"(?<=[k千仟万萬w])一(?=个|天|年|周|月|礼拜|星期)"
NUMERAL: Final = (
    rf"(?:[{_CN_DIGIT_CLASS}]点[{_CN_DIGIT_CLASS}]+(?=[万萬亿億千])|{_ARABIC_K}|[{_CN_DIGIT_CLASS}十拾])"
    rf"(?:{_ARABIC_K}|(?!{_PERIOD_ONE})[{_CN_DIGIT_CLASS}{_CN_UNIT_CLASS}]){{0,31}}"
)
_NUMERAL_RE: Final = re.compile(NUMERAL)
#: How much of a message :func:`find_quantities` reads.
SCAN_CHARS: Final = 2000
# Characters: 一千二百三十四万五千六百七十八 is 15, 1,000,000,000.50 is 16.
_LONGEST_NUMERAL: Final = 32
_TOKEN_RE: Final = re.compile(
    rf"(?P<arabic>{_ARABIC})|(?P<cn>[{_CN_DIGIT_CLASS}])|(?P<point>点)"
    rf"|(?P<small>[十拾百佰千仟k])|(?P<big>[万萬亿億w])"
)

_APPROX: Final = r"(?P<approx>多|余|来|几)?"
# 22块一个钟, 250元一天: the digit after 块 is a count of the next unit, not 角.
_NOT_A_UNIT: Final = r"(?![个天日小钟月周星礼件年])"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in text, with its kind and its value in the kind's canonical unit.

    Units: money in yuan, duration in months, hours in hours, percent in percent points,
    count in people; ``number`` is a bare number without a unit. ``unit`` is the unit word as
    written (天, 年, 小时 …) and ``amount`` the number in that unit (三天 → amount 3, unit 天,
    value 0.1 months).
    """

    kind: QuantityKind
    value: Number
    start: int
    end: int
    approximate: bool = False
    unit: str = ""
    amount: Number | None = None


def _tidy(value: float) -> Number:
    rounded = round(value, 4)
    return int(rounded) if float(rounded).is_integer() else rounded


@dataclass(slots=True)
class _Token:
    kind: Literal["num", "small", "big"]
    value: float
    single_digit: bool = False
    chinese_digit: bool = False
    zero: bool = False


def _lex(text: str) -> list[_Token] | None:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            return None
        kind = match.lastgroup
        piece = match.group()
        if kind == "arabic":
            digits = piece.replace(",", "")
            value = float(digits)
            single = len(digits) == 1
            tokens.append(_Token("num", value, single_digit=single, zero=value == 0 and single))
        elif kind == "cn":
            value = CN_DIGITS[piece]
            tokens.append(
                _Token("num", value, single_digit=True, chinese_digit=True, zero=value == 0)
            )
        elif kind == "point":
            # 一点五万: the Chinese decimal point joins the digits around it.
            end = pos + 1
            while end < len(text) and text[end] in CN_DIGITS:
                end += 1
            if not tokens or tokens[-1].kind != "num" or end == pos + 1:
                return None
            fraction = "".join(str(CN_DIGITS[c]) for c in text[pos + 1 : end])
            tokens[-1] = _Token("num", float(f"{int(tokens[-1].value)}.{fraction}"))
            pos = end
            continue
        elif kind == "small":
            tokens.append(_Token("small", SMALL_UNITS[piece]))
        else:
            tokens.append(_Token("big", BIG_UNITS[piece]))
        pos = match.end()
    return tokens


def _evaluate(tokens: list[_Token]) -> float | None:
    if not tokens or not (tokens[0].kind == "num" or tokens[0].value == 10):
        return None  # a numeral starts with a digit, or with 十 (十二, 十万)
    if all(t.kind == "num" for t in tokens) and len(tokens) > 1:
        # 二〇二三: digits read one by one.
        if all(t.chinese_digit for t in tokens):
            return float("".join(str(int(t.value)) for t in tokens))
        return None
    total = 0.0  # whole 亿 groups
    section = 0.0  # whole 万 groups below the current 亿
    small = 0.0  # below 万
    pending: _Token | None = None
    last_unit: int | None = None
    zero_gap = False

    def elided(token: _Token, unit: int | None) -> float:
        # 三千五 = 3500, 一万二 = 12000: a lone digit after a unit counts in the next lower unit.
        if unit is not None and unit >= 10 and token.single_digit and not zero_gap:
            return token.value * (unit // 10)
        return token.value

    for token in tokens:
        if token.kind == "num":
            if token.zero and token.chinese_digit and (pending is None) and last_unit is not None:
                zero_gap = True
                continue
            if pending is not None:
                return None
            pending = token
        elif token.kind == "small":
            unit = int(token.value)
            if (
                last_unit is not None
                and last_unit < 10_000
                and unit >= last_unit
                and pending is None
            ):
                return None
            small += (pending.value if pending is not None else 1) * unit
            pending, last_unit, zero_gap = None, unit, False
        else:
            unit = int(token.value)
            group = small + (elided(pending, last_unit) if pending is not None else 0)
            if group == 0:
                if total == 0 and section == 0:
                    return None
                group = 1
            if unit == 10_000:
                section += group * unit
            else:
                total += (section + group) * unit
                section = 0
            small, pending, last_unit, zero_gap = 0, None, unit, False
    if pending is not None:
        small += elided(pending, last_unit)
    return total + section + small


def parse_number(text: str) -> Number | None:
    """Value of a numeral written in Chinese, Arabic or mixed form; None if it is not one.

    >>> parse_number("三千五"), parse_number("3k5"), parse_number("1.2万"), parse_number("十二")
    (3500, 3500, 12000, 12)
    """
    compact = normalize(text.strip()).replace(" ", "")
    if not compact or len(compact) > _LONGEST_NUMERAL:
        return None
    tokens = _lex(compact)
    if tokens is None:
        return None
    value = _evaluate(tokens)
    return None if value is None else _tidy(value)


def chinese_to_int(text: str) -> int | None:
    """A whole number in Chinese (一百零七, 二○○八, 十五) or digits (107, full-width too).

    None for anything else, including decimals and shorthand such as 3k.
    """
    compact = normalize(text.strip())
    if not compact or not all(c.isdigit() or c in _INTEGER_CHARS for c in compact):
        return None
    value = parse_number(compact)
    return value if isinstance(value, int) else None


@lru_cache(maxsize=2048)  # article and paragraph numbers, several per answer
def int_to_chinese(number: int) -> str:
    """Standard Chinese reading of a non-negative integer below 10¹² (10050 → 一万零五十)."""
    if number < 0 or number >= 10**12:
        raise ValueError("number out of range")
    if number == 0:
        return _DIGIT_NAMES[0]
    groups = [(number // 10**8, "亿"), (number // 10_000 % 10_000, "万"), (number % 10_000, "")]
    out = ""
    gap = False
    for value, unit in groups:
        if value == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or value < 1000):
            out += _DIGIT_NAMES[0]
        out += _four_digits(value, leading=not out) + unit
        gap = False
    return out


def _four_digits(value: int, *, leading: bool) -> str:
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += _DIGIT_NAMES[0]
            zero = False
        if unit == 10 and digit == 1 and leading and not out:
            out += name  # 十五, not 一十五, at the start of a number
        else:
            out += _DIGIT_NAMES[digit] + name
    return out


# --- quantities ----------------------------------------------------------------------------

_N: Final = rf"(?P<num>{NUMERAL})"
_MONEY_RE: Final = re.compile(
    rf"(?P<prefix>[¥￥])?{_N}{_APPROX}"
    rf"(?:(?P<unit>块钱|块|元钱|元|圆|rmb|人民币)(?P<jiao>(?:[{_CN_DIGIT_CLASS}]|\d(?!\d)){_NOT_A_UNIT})?"
    rf"(?:毛|角)?|(?P<dime>毛钱|毛|角))?"
)
_DURATION_RE: Final = re.compile(
    # 一整天, 两整天: whole days (整 only before 天: 一整年 is a time of year, not a length).
    rf"{_N}{_APPROX}(?:整(?=天))?(?P<mid>个半|个多|个)?(?P<unit>月|年|天|周|星期|礼拜)(?P<half>半)?"
    r"(?!级|龄|纪|薪|岁)"
)
#: 俩 and 仨 hold their 个 (十年零俩月 is ten years and two months, 仨月 three months).
_WITH_GE: Final = "俩仨"
_YEARS_AND_MONTHS_RE: Final = re.compile(
    rf"{_N}年(?P<ling>零|又)?(?:(?P<num2>{NUMERAL})个|(?P<pair>[{_WITH_GE}]))(?P<extra>半|多)?月"
)
_HALF_DURATION_RE: Final = re.compile(r"半(?P<mid>个)?(?P<unit>月|年|天|周|星期|礼拜)(?!级)")
#: Cantonese days counted with 日 after a verb's 咗 or 足 (返咗22日工, 做咗三日): days, where
#: 22日 alone is the 22nd.
_DAYS_WORKED_RE: Final = re.compile(rf"(?<=[咗足]){_N}{_APPROX}(?P<mid>个)?(?P<unit>日)(?!号)")
_HOURS_RE: Final = re.compile(
    rf"{_N}{_APPROX}(?P<mid>个半|个多|个)?(?P<unit>小时|钟头|钟|h(?![a-z]))(?P<half>半)?"
)
_HALF_HOURS_RE: Final = re.compile(r"半(?P<mid>个)?(?P<unit>小时|钟头|钟(?!点|表))")
_PERCENT_RE: Final = re.compile(rf"百分之(?P<num>{NUMERAL})|(?P<num2>{NUMERAL})\s*%")
_COUNT_RE: Final = re.compile(
    rf"{_N}{_APPROX}(?P<mid>个|名|号|位)?(?P<unit>工人|员工|工友|同事|人)"
)

_WEEK_UNITS: Final = frozenset({"周", "星期", "礼拜"})
_NOT_WEEKS_AFTER: Final = frozenset("末岁一二三四五六日天")
_DAYS_PER_MONTH: Final = 30
#: Place words a shortened numeral ends on (两千八 is 2800): a digit after one is its next place.
_PLACES: Final = ("千", "百", "万", "仟", "佰")
_MONTHS: Final[dict[str, float]] = {
    "月": 1.0, "年": 12.0, "天": 1 / _DAYS_PER_MONTH, "日": 1 / _DAYS_PER_MONTH,
    "周": 7 / _DAYS_PER_MONTH, "星期": 7 / _DAYS_PER_MONTH, "礼拜": 7 / _DAYS_PER_MONTH,
}  # fmt: skip


#: Two neighbouring digits said together are "one or the other" (三四年 is three or four
#: years, 两三个钟 two or three hours), not a number read digit by digit (34). 二三 and 一二 are
#: left out: they are how a year is shortened (二三年 is 2023).
_NEIGHBOUR_PAIRS: Final[dict[str, int]] = {
    "一两": 1, "两三": 2, "三四": 3, "四五": 4, "五六": 5, "六七": 6, "七八": 7, "八九": 8,
}  # fmt: skip


_PAIR_RE: Final = re.compile(
    rf"(?P<tens>十?)(?P<pair>{'|'.join(_NEIGHBOUR_PAIRS)})(?P<units>[十百千万]*)"
)


@lru_cache(maxsize=512)  # asked twice per quantity (its value, then whether approximate)
def _neighbour_pair(num: str | None) -> Number | None:
    """The lesser of a numeral that names two neighbours (三四 → 3, 十三四 → 13, 三四千 →
    3000), or None when ``num`` is no such numeral."""
    match = _PAIR_RE.fullmatch(num or "")
    if match is None or (match.group("tens") and match.group("units")):
        return None
    first = str(_NEIGHBOUR_PAIRS[match.group("pair")])
    return parse_number(match.group("tens") + first + match.group("units"))


def _numeral_value(match: re.Match[str]) -> Number | None:
    num = match.group("num")
    if num is None:
        return None
    pair = _neighbour_pair(num)
    return pair if pair is not None else parse_number(num)


def _approx(match: re.Match[str]) -> bool:
    said = match.groupdict()
    return (
        bool(said.get("approx"))
        or "多" in (said.get("mid") or "")
        or _neighbour_pair(said.get("num")) is not None
    )


def _has_half(match: re.Match[str]) -> bool:
    return match.groupdict().get("half") == "半" or match.groupdict().get("mid") == "个半"


#: After 一块, these make it "together" (一块儿算, 一块去), not one yuan.
_TOGETHER_AFTER: Final = tuple("儿去走干来算上吃住做")


def _money(match: re.Match[str]) -> Quantity | None:
    value = _numeral_value(match)
    if value is None or not (match.group("unit") or match.group("prefix") or match.group("dime")):
        return None
    if (
        value == 1
        and match.group("unit") == "块"
        and match.string.startswith(_TOGETHER_AFTER, match.end())
    ):
        return None  # 加班费月底一块儿算: together, not a yuan
    if match.group("dime"):
        value = value / 10  # 5毛 = 0.5 yuan
    jiao = match.group("jiao")
    if jiao:
        value = value + (CN_DIGITS[jiao] if jiao in CN_DIGITS else int(jiao)) / 10
    return Quantity("money", _tidy(value), match.start(), match.end(), _approx(match))


def _duration(match: re.Match[str]) -> Quantity | None:
    unit = match.group("unit")
    mid = match.group("mid")
    if unit == "月" and not mid and match.group("num") not in tuple(_WITH_GE):
        return None  # 三月 is March; a duration says 三个月 (or 俩月: 俩 holds its 个)
    if unit in _WEEK_UNITS and match.string[match.end() : match.end() + 1] in _NOT_WEEKS_AFTER:
        return None  # 周末 is the weekend, 星期天 a day, 3周岁 an age
    num = match.group("num") or ""
    if len(num) == 2 and num.endswith("一") and match.string[: match.start()].endswith(_PLACES):
        return None  # 两千八一个月: 两千八 a month (its 八 is the hundreds), not 81 months
    value = _numeral_value(match)
    if value is None:
        return None
    if unit == "年" and not mid and isinstance(value, int) and value >= 100:
        return None  # 2023年 is a year
    amount = value + (0.5 if _has_half(match) else 0)
    months = round(amount * _MONTHS[unit], 2)
    return Quantity(
        "duration",
        _tidy(months),
        match.start(),
        match.end(),
        _approx(match),
        unit=unit,
        amount=_tidy(amount),
    )


def _years_and_months(match: re.Match[str]) -> Quantity | None:
    years = _numeral_value(match)
    months = parse_number(match.group("num2") or match.group("pair"))
    if years is None or months is None:
        return None
    if months == 1 and not match.group("ling") and _amount_follows(match.string, match.end()):
        return None  # 干了八年一个月4176: eight years, then 4176 a month
    extra = match.group("extra")
    total = _tidy(years * 12 + months + (0.5 if extra == "半" else 0))
    return Quantity(
        "duration", total, match.start(), match.end(), extra == "多", unit="月", amount=total
    )


def _amount_follows(text: str, end: int) -> bool:
    """Whether a number that is no length of time follows right at ``end`` (一个月4176)."""
    return (
        _NUMERAL_RE.match(text, end) is not None
        and _DURATION_RE.match(text, end) is None
        and _HOURS_RE.match(text, end) is None
    )


def _days_worked(match: re.Match[str]) -> Quantity | None:
    value = _numeral_value(match)
    if value is None:
        return None
    months = _tidy(round(value * _MONTHS["日"], 2))
    return Quantity(
        "duration", months, match.start(), match.end(), _approx(match), unit="日", amount=value
    )


def _half_duration(match: re.Match[str]) -> Quantity | None:
    unit = match.group("unit")
    months = round(0.5 * _MONTHS[unit], 2)
    return Quantity("duration", _tidy(months), match.start(), match.end(), unit=unit, amount=0.5)


def _hours(match: re.Match[str]) -> Quantity | None:
    unit = match.group("unit")
    if unit == "钟" and not match.group("mid"):
        return None  # 三点钟 / 三钟: only 三个钟 means three hours
    value = _numeral_value(match)
    if value is None:
        return None
    amount = _tidy(value + (0.5 if _has_half(match) else 0))
    return Quantity(
        "hours", amount, match.start(), match.end(), _approx(match), unit="小时", amount=amount
    )


def _half_hours(match: re.Match[str]) -> Quantity | None:
    return Quantity("hours", 0.5, match.start(), match.end(), unit="小时", amount=0.5)


def _percent(match: re.Match[str]) -> Quantity | None:
    num = next((g for g in match.groups() if g), None)
    value = None if num is None else parse_number(num)
    if value is None:
        return None
    return Quantity("percent", value, match.start(), match.end())


def _count(match: re.Match[str]) -> Quantity | None:
    value = _numeral_value(match)
    if value is None or not isinstance(value, int) or value < 2:
        return None  # 一个人 means "alone", not a headcount
    return Quantity("count", value, match.start(), match.end(), _approx(match))


Scanner = Callable[[re.Match[str]], Quantity | None]
_SCANNERS: Final[tuple[tuple[re.Pattern[str], Scanner], ...]] = (
    (_PERCENT_RE, _percent),
    (_MONEY_RE, _money),
    (_HOURS_RE, _hours),
    (_HALF_HOURS_RE, _half_hours),
    (_DURATION_RE, _duration),
    (_YEARS_AND_MONTHS_RE, _years_and_months),
    (_HALF_DURATION_RE, _half_duration),
    (_DAYS_WORKED_RE, _days_worked),
    (_COUNT_RE, _count),
)


#: Per scanner: True when it needs a 半 rather than a numeral (the others all hold NUMERAL).
_NEEDS_HALF: Final = tuple(r is _HALF_HOURS_RE or r is _HALF_DURATION_RE for r, _ in _SCANNERS)


def _scanners_for(norm: str) -> list[tuple[re.Pattern[str], Scanner]]:
    """The scanners that can match in ``norm``: without a numeral in it (a third of the
    messages) none but the 半 ones, and those only with a 半; the rest would search in vain."""
    numeral = _NUMERAL_RE.search(norm) is not None
    half = "半" in norm
    return [
        scanner
        for scanner, needs_half in zip(_SCANNERS, _NEEDS_HALF, strict=True)
        if (half if needs_half else numeral)
    ]


def _preceded_by_ordinal(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] == "第"


def _in_code(text: str, start: int, end: int) -> bool:
    # GY-7K3P, X7H2K9WR: letters and digits glued together are a code, not 7k or 7 hours; a
    # quantity ending in a Chinese unit is not glued to a digit after it (6个月4000).
    before = text[start - 1 : start]
    after = text[end : end + 1]
    glued_after = after.isascii() and after.isalnum() and text[end - 1 : end].isascii()
    return (before.isascii() and before.isalpha() and not _after_a_word(text, start)) or glued_after


#: Latin words a worker glues to an amount that are words, not part of a code (OT3个钟).
_WORDS_BEFORE_AMOUNTS: Final = frozenset({"ot"})


def _after_a_word(text: str, start: int) -> bool:
    """True when the letters right before ``start`` are a whole word of
    :data:`_WORDS_BEFORE_AMOUNTS` (not a code's letters: GY-7K3P)."""
    letters = start
    while letters > 0 and text[letters - 1].isascii() and text[letters - 1].isalpha():
        letters -= 1
    glued_to_more = letters > 0 and text[letters - 1].isascii() and text[letters - 1].isalnum()
    return not glued_to_more and text[letters:start].lower() in _WORDS_BEFORE_AMOUNTS


def _keep(text: str, start: int, end: int) -> bool:
    return not _preceded_by_ordinal(text, start) and not _in_code(text, start, end)


def find_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text`` (any script), longest match first where they overlap.

    Numbers without a unit come back as kind ``number``; ordinals (第三) and pieces of
    letter-digit codes (GY-7K3P) are skipped. Only the first :data:`SCAN_CHARS` characters are
    read: the facts a calculator needs come early, and a message of many thousand characters
    must not hold up the turn.
    """
    norm = normalize(text[:SCAN_CHARS])
    found: list[Quantity] = []
    for regex, build in _scanners_for(norm):
        for match in _finditer_overlapping(regex, norm):
            quantity = build(match)
            if quantity is not None and _keep(norm, quantity.start, quantity.end):
                found.append(quantity)
    for match in _NUMERAL_RE.finditer(norm):
        end, value = _longest_number(match.group())
        end += match.start()
        if value is not None and _keep(norm, match.start(), end):
            found.append(Quantity("number", value, match.start(), end))
    return _non_overlapping(found)


def _longest_number(numeral: str) -> tuple[int, Number | None]:
    """The longest prefix of a numeral match that is a number (250一天 → 250, not 250一).
    A run longer than any amount a worker means (a card number, a row of 一) is no number:
    trying each of its prefixes would cost the square of its length."""
    if len(numeral) > _LONGEST_NUMERAL:
        return len(numeral), None
    for end in range(len(numeral), 0, -1):
        value = parse_number(numeral[:end])
        if value is not None:
            return end, value
    return len(numeral), None


def _finditer_overlapping(regex: re.Pattern[str], text: str) -> list[re.Match[str]]:
    # A failed unit check (三月) must not hide a later start inside the same span.
    matches = []
    pos = 0
    while (match := regex.search(text, pos)) is not None:
        matches.append(match)
        pos = match.start() + 1
    return matches


def _non_overlapping(found: list[Quantity]) -> list[Quantity]:
    kept: list[Quantity] = []
    for quantity in sorted(found, key=lambda q: (-(q.end - q.start), q.start)):
        if all(quantity.end <= k.start or quantity.start >= k.end for k in kept):
            kept.append(quantity)
    return sorted(kept, key=lambda q: q.start)


def _parse_whole(text: str, kind: QuantityKind) -> Number | None:
    stripped = text.strip()
    offset = len(text) - len(text.lstrip())
    for quantity in find_quantities(text):
        if (
            quantity.kind == kind
            and quantity.start == offset
            and quantity.end == offset + len(stripped)
        ):
            return quantity.value
    return None


def parse_money(text: str) -> Number | None:
    """Yuan in a money expression (4500块 → 4500, 3k → 3000, 十二块五 → 12.5)."""
    value = _parse_whole(text, "money")
    if value is not None:
        return value
    bare = parse_number(text)
    # A bare 3k / 2w / 1.2万 is how workers write a wage.
    return bare if bare is not None and re.search(r"[kw万千]", normalize(text)) else value


def parse_duration_months(text: str) -> float | None:
    """Months in a duration (两个半月 → 2.5, 一年半 → 18, 半年 → 6, 15天 → 0.5)."""
    value = _parse_whole(text, "duration")
    return None if value is None else float(value)


def parse_hours(text: str) -> float | None:
    """Hours in a time span (三个钟 → 3, 3个小时 → 3, 一个半小时 → 1.5)."""
    value = _parse_whole(text, "hours")
    return None if value is None else float(value)


def parse_percent(text: str) -> Number | None:
    """Percent points (百分之一百五十 → 150, 150% → 150)."""
    return _parse_whole(text, "percent")


def parse_count(text: str) -> int | None:
    """Number of people (三百多个人 → 300, 200人 → 200)."""
    value = _parse_whole(text, "count")
    return None if value is None else int(value)
