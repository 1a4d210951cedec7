"""The minimum-wage table (knowledge_base/data/min_wage_cn.csv) and which row a place uses.

The CSV is copied unchanged from the shared data; min_wage_cities.yml says, city by city and
area by area, which CSV rows apply and which document is shown as their source. A place not in
that file has no figure: we never guess a province tier for it.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from knowledge_base.calculators.parsing import to_simplified

CITIES_PATH: Final = Path(__file__).with_name("min_wage_cities.yml")
Confidence = Literal["high", "medium", "low"]
_CONFIDENCE: Final[frozenset[str]] = frozenset({"high", "medium", "low"})


class MinWageDataError(ValueError):
    """The CSV or the city file is malformed or they disagree; the message says where."""


@dataclass(frozen=True)
class MinWageRow:
    """One CSV row. ``effective`` is None when the CSV leaves the date empty (unknown)."""

    province: str
    city_or_tier: str
    monthly: Decimal
    hourly: Decimal | None
    effective: dt.date | None
    effective_text: str  # as written in the CSV: "2025-03-01", "2025-12" or ""
    source: str
    confidence: Confidence

    @property
    def month_only(self) -> bool:
        """True when the CSV gives only the month (``2025-12``)."""
        return len(self.effective_text) == 7


@dataclass(frozen=True)
class Document:
    """How a row's issuing document is shown, and the number that must appear in the CSV."""

    key: str
    shown: str
    number: str


@dataclass(frozen=True)
class RowRef:
    """A CSV row an area may use, with the document shown as its source."""

    row: MinWageRow
    document: Document


@dataclass(frozen=True)
class Area:
    """A part of a city with one standard (or one we could not confirm)."""

    key: str
    label: str
    aliases: tuple[str, ...]
    match: tuple[str, ...]
    confirmed: bool
    rows: tuple[RowRef, ...]


@dataclass(frozen=True)
class City:
    """A city the calculator knows, with its areas."""

    key: str
    name: str
    province: str
    aliases: tuple[str, ...]
    areas: tuple[Area, ...]
    exclusions_note: str | None

    def area(self, key: str) -> Area | None:
        """The area with this key, or None."""
        return next((area for area in self.areas if area.key == key), None)


@dataclass(frozen=True)
class MinWageData:
    """The table, the cities and the dates that frame them."""

    rows: tuple[MinWageRow, ...]
    cities: tuple[City, ...]
    documents: dict[str, Document]
    data_compiled: dt.date
    table_as_of: dt.date
    stale_after_years: int

    def city(self, key: str) -> City | None:
        """The city with this key, or None."""
        return next((city for city in self.cities if city.key == key), None)

    @property
    def lowest_monthly(self) -> Decimal:
        """The lowest monthly figure anywhere in the table."""
        return min(row.monthly for row in self.rows)


@dataclass(frozen=True)
class PlaceMatch:
    """What a place name resolved to: a city (or None) and, when the name says it, an area."""

    city: City | None
    area: Area | None


def _parse_date(text: str, where: str) -> dt.date | None:
    if not text:
        return None
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(f"{text}-01")
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise MinWageDataError(f"{where}: bad effective_date {text!r}") from error


def load_rows(path: Path) -> tuple[MinWageRow, ...]:
    """Read the CSV; raise MinWageDataError naming the line on any malformed value."""
    rows: list[MinWageRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name}:{line}"
            confidence = record["confidence"].strip()
            if confidence not in _CONFIDENCE:
                raise MinWageDataError(f"{where}: confidence {confidence!r}")
            hourly = record["hourly_cny"].strip()
            rows.append(
                MinWageRow(
                    province=record["province"].strip(),
                    city_or_tier=record["city_or_tier"].strip(),
                    monthly=Decimal(record["monthly_cny"].strip()),
                    hourly=Decimal(hourly) if hourly else None,
                    effective=_parse_date(record["effective_date"].strip(), where),
                    effective_text=record["effective_date"].strip(),
                    source=record["source"].strip(),
                    confidence=confidence,  # type: ignore[arg-type]
                )
            )
    return tuple(rows)


def _find_row(
    rows: tuple[MinWageRow, ...], province: str, tier: str, effective: dt.date | None, where: str
) -> MinWageRow:
    found = [
        row
        for row in rows
        if row.province == province and row.city_or_tier == tier and row.effective == effective
    ]
    if len(found) != 1:
        raise MinWageDataError(f"{where}: {len(found)} CSV rows for {province}/{tier}/{effective}")
    return found[0]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value or ())


def _build(raw: dict[str, Any], rows: tuple[MinWageRow, ...]) -> MinWageData:
    documents = {
        key: Document(key, str(entry["shown"]), str(entry["number"]))
        for key, entry in raw["documents"].items()
    }
    cities: list[City] = []
    for entry in raw["cities"]:
        city_key = str(entry["key"])
        areas: list[Area] = []
        for area in entry["areas"]:
            where = f"{CITIES_PATH.name} {city_key}/{area['key']}"
            refs = []
            for ref in area.get("rows") or ():
                effective = ref["date"]
                if effective is not None and not isinstance(effective, dt.date):
                    raise MinWageDataError(f"{where}: date must be YYYY-MM-DD or null")
                row = _find_row(rows, str(entry["province"]), str(ref["tier"]), effective, where)
                if ref["doc"] not in documents:
                    raise MinWageDataError(f"{where}: unknown document {ref['doc']!r}")
                refs.append(RowRef(row, documents[ref["doc"]]))
            areas.append(
                Area(
                    key=str(area["key"]),
                    label=str(area.get("label", entry["name"])),
                    aliases=_strings(area.get("aliases")),
                    match=_strings(area.get("match")),
                    confirmed=bool(area.get("confirmed", True)),
                    rows=tuple(refs),
                )
            )
        cities.append(
            City(
                key=city_key,
                name=str(entry["name"]),
                province=str(entry["province"]),
                aliases=_strings(entry.get("aliases")),
                areas=tuple(areas),
                exclusions_note=entry.get("exclusions_note"),
            )
        )
    return MinWageData(
        rows=rows,
        cities=tuple(cities),
        documents=documents,
        data_compiled=raw["data_compiled"],
        table_as_of=raw["table_as_of"],
        stale_after_years=int(raw["stale_after_years"]),
    )


@lru_cache(maxsize=2)
def load_data(cities_path: Path = CITIES_PATH) -> MinWageData:
    """The table and the city mapping (cached)."""
    with cities_path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    rows = load_rows((cities_path.parent / raw["csv_file"]).resolve())
    return _build(raw, rows)


def resolve_place(text: str, data: MinWageData | None = None) -> PlaceMatch:
    """The city (and area, if the text names one) a worker's place answer stands for.

    The longest name found in the text wins, so "东莞长安镇" is 东莞 and "昆山" is 苏州's
    county-level cities. Traditional characters are accepted.
    """
    data = data or load_data()
    simplified = to_simplified(text)
    best: tuple[int, City, Area | None] | None = None
    for city in data.cities:
        candidates: list[tuple[str, Area | None]] = [(city.name, None)]
        candidates += [(alias, None) for alias in city.aliases]
        candidates += [(alias, area) for area in city.areas for alias in area.aliases]
        for name, area in candidates:
            if name in simplified and (best is None or len(name) > best[0]):
                best = (len(name), city, area)
    if best is None:
        return PlaceMatch(None, None)
    _, city, area = best
    if area is None:
        area = city.areas[0] if len(city.areas) == 1 else match_area(city, simplified)
    return PlaceMatch(city, area)


def match_area(city: City, text: str) -> Area | None:
    """The one area of ``city`` whose label, aliases or match words occur in ``text``."""
    hits = [
        area for area in city.areas if any(word in text for word in (*area.aliases, *area.match))
    ]
    return hits[0] if len(hits) == 1 else None


def row_in_force(area: Area, on: dt.date, table_as_of: dt.date) -> RowRef | None:
    """The area's row with the latest effective date on or before ``on``.

    A row without an effective date is only known to be in force on ``table_as_of`` (README:
    "Do not apply it to earlier periods").
    """
    usable = [ref for ref in area.rows if (ref.row.effective or table_as_of) <= on]
    if not usable:
        return None
    return max(usable, key=lambda ref: ref.row.effective or table_as_of)


def later_rows(area: Area, after: dt.date) -> tuple[RowRef, ...]:
    """The area's rows that take effect after ``after`` (oldest first)."""
    later = [
        ref for ref in area.rows if ref.row.effective is not None and ref.row.effective > after
    ]
    return tuple(sorted(later, key=lambda ref: ref.row.effective or after))
