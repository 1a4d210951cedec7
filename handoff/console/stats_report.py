"""The statistics page and its CSV: views of the published tables, names for big groups.

Employer and brand digests are named only from the organisation's own cases: for each
published digest one present case naming it is opened and its normalised name (the form all
its cases share, so no single worker's wording) becomes the label. A digest no case of this
login can open keeps a pseudonym by rank (雇主 A, B, …). Digests never leave the server.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff.cases.models import Case
from handoff.console.related import (
    BRAND,
    EMPLOYER,
    OrgShape,
    ensure_indexed,
    name_digest,
    names_in,
    org_index_key,
    org_shape,
)
from handoff.console.staff import Staff
from handoff.console.stats_tables import (
    MIN_COUNT,
    OTHER,
    Cell,
    StatsFilter,
    name_counts,
    publish,
    raw_cells,
    total,
    totals_by,
    view,
)
from handoff.console_models import CaseIndex
from handoff.keys.boxes import BoxOpenError, unseal

TOP_NAMES = 20


@dataclass(frozen=True, slots=True)
class NameRow:
    """An employer or brand with at least ``MIN_COUNT`` cases; ``name`` None means it could
    not be labelled and is shown by its ``rank`` only."""

    rank: int
    name: str | None
    count: int


@dataclass(frozen=True, slots=True)
class StatsReport:
    """Everything the stats page and CSV show; every count is at least ``MIN_COUNT``."""

    wanted: StatsFilter
    total: int
    by_category: list[tuple[str, int]]
    by_province: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    employers: list[NameRow]
    brands: list[NameRow]
    # What the filter form offers: values that appear in the published table.
    categories: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    decrypted: int = 0
    min_count: int = MIN_COUNT


def _labels(
    session: Session, staff: Staff, kind: str, digests: list[str]
) -> tuple[dict[str, str], int]:
    """Names for digests from one present case each; (labels, cases opened)."""
    if not digests:
        return {}, 0
    picks = session.execute(
        select(CaseIndex.digest, func.min(CaseIndex.case_id))
        .where(
            CaseIndex.org_id == staff.org_id,
            CaseIndex.kind == kind,
            CaseIndex.digest.in_(digests),
        )
        .group_by(CaseIndex.digest)
    ).all()
    case_ids = [case_id for _digest, case_id in picks]
    sealed = dict(
        session.execute(
            select(Case.id, Case.content_for_org).where(
                Case.id.in_(case_ids), Case.org_id == staff.org_id
            )
        ).all()
    )
    index_key = org_index_key(session, staff)
    wanted = set(digests)
    labels: dict[str, str] = {}
    opened = 0
    for case_id in case_ids:
        try:
            content = json.loads(unseal(staff.org_key, sealed[case_id]).decode("utf-8"))
        except (BoxOpenError, KeyError, ValueError):
            continue
        opened += 1
        for name in names_in(content).get(kind, []):
            digest = name_digest(index_key, kind, name)
            if digest in wanted:
                labels.setdefault(digest, name)
    return labels, opened


def _name_rows(
    session: Session, staff: Staff, kind: str, counted: list[tuple[str, int]], limit: int | None
) -> tuple[list[NameRow], int]:
    if limit is not None:
        counted = counted[:limit]
    labels, opened = _labels(session, staff, kind, [digest for digest, _count in counted])
    rows = [
        NameRow(rank=rank, name=labels.get(digest), count=count)
        for rank, (digest, count) in enumerate(counted)
    ]
    return rows, opened


@dataclass(frozen=True, slots=True)
class _Tables:
    """The content-free published tables of one organisation."""

    shape: OrgShape
    published: list[Cell]
    employers: list[tuple[str, int]]
    brands: list[tuple[str, int]]
    made: float


class TableCache:
    """The published tables per organisation, kept for up to ``ttl_seconds`` and made again
    as soon as a case is filed, deleted or marked spam. They hold counts and keyed digests,
    nothing decrypted; campaign numbers a minute old are fine, and the page stays fast."""

    def __init__(
        self, ttl_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._tables: dict[str, _Tables] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, org_id: str) -> _Tables:
        """The organisation's tables, from the cache when still current."""
        shape = org_shape(session, org_id)
        with self._lock:
            kept = self._tables.get(org_id)
        if kept is not None and kept.shape == shape and self._clock() - kept.made < self._ttl:
            return kept
        tables = _Tables(
            shape=shape,
            published=publish(raw_cells(session, org_id)),
            employers=name_counts(session, org_id, EMPLOYER),
            brands=name_counts(session, org_id, BRAND),
            made=self._clock(),
        )
        with self._lock:
            self._tables[org_id] = tables
        return tables


_cache = TableCache()


def _options(cells: list[Cell], dimension: str) -> list[str]:
    value_of = attrgetter(dimension)
    return sorted({value_of(cell) for cell in cells} - {OTHER})


def build_report(
    session: Session,
    staff: Staff,
    wanted: StatsFilter,
    *,
    names_limit: int | None = TOP_NAMES,
    cache: TableCache | None = None,
) -> StatsReport:
    """The report for a filter (the filter applies to category, province and month)."""
    indexed = ensure_indexed(session, staff)
    tables = (cache or _cache).get(session, staff.org_id)
    published = tables.published
    selected = view(published, wanted)
    employers, opened_employers = _name_rows(
        session, staff, EMPLOYER, tables.employers, names_limit
    )
    brands, opened_brands = _name_rows(session, staff, BRAND, tables.brands, names_limit)
    return StatsReport(
        wanted=wanted,
        total=total(selected),
        by_category=totals_by(selected, "category"),
        by_province=totals_by(selected, "province"),
        by_month=totals_by(selected, "month"),
        employers=employers,
        brands=brands,
        categories=_options(published, "category"),
        provinces=_options(published, "province"),
        months=_options(published, "month"),
        decrypted=indexed + opened_employers + opened_brands,
    )


def pseudonym_letter(rank: int) -> str:
    """A, B, … Z, AA, AB … for unlabelled names by rank."""
    letters = ""
    rank += 1
    while rank:
        rank, rest = divmod(rank - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
