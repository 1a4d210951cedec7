"""Campaign statistics under a k rule that subtraction cannot undo.

Hiding small cells in each table is not enough: a total minus the shown cells gives back the
hidden ones, and two filtered views that differ by one case give back that case. So every
number here is computed from a *published table* and nothing else:

1. Start from the content-free monthly counts (:class:`CaseCount`: month × category ×
   province, one count per category a complaint names; they survive purges).
2. A cell of at least ``k`` is published as it is.
3. The small cells of one month and category are merged into one cell "other provinces";
   published if that reaches ``k``.
4. What is still small in a month is merged into "other categories, other provinces";
   published if that reaches ``k``; otherwise dropped.

Every number shown — a bar, a row, a total, any filtered view, the CSV — is a sum of whole
published cells, each holding at least ``k``. A group whose count can be worked out from any
combination of shown numbers is therefore a union of published cells: it has at least ``k``
or none. Nothing about a dropped cell enters any number, so adding or removing one case in a
small cell changes nothing anywhere. The price: totals count only published cells, so they can
be lower than the real number; the page says so.

Employer and brand counts come from a second published table (:func:`name_counts`): keyed
digests named by at least ``k`` of the organisation's present cases, without totals or filters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.cases.models import CaseCount
from handoff.console.related import digest_case_counts

MIN_COUNT = 5
# A merged cell: several provinces (or several categories) of one month.
OTHER = "*"
DIMENSIONS = ("category", "province", "month")


@dataclass(frozen=True, slots=True)
class Cell:
    """Complaints of one month, category and province (``OTHER`` when merged)."""

    month: str
    category: str
    province: str
    count: int

    def key(self, dimension: str) -> str:
        """The cell's value along ``dimension``."""
        return str(getattr(self, dimension))


@dataclass(frozen=True, slots=True)
class StatsFilter:
    """A view of the published table; months are "YYYY-MM", inclusive."""

    category: str | None = None
    province: str | None = None
    month_from: str | None = None
    month_to: str | None = None

    def admits(self, cell: Cell) -> bool:
        """True when the cell belongs to this view (merged cells never match a named value)."""
        if self.category and cell.category != self.category:
            return False
        if self.province and cell.province != self.province:
            return False
        if self.month_from and cell.month < self.month_from:
            return False
        return not (self.month_to and cell.month > self.month_to)


def raw_cells(session: Session, org_id: str) -> list[Cell]:
    """The organisation's monthly counts, as stored."""
    rows = session.execute(
        select(CaseCount.month, CaseCount.category, CaseCount.province, CaseCount.count).where(
            CaseCount.org_id == org_id, CaseCount.count > 0
        )
    )
    return [
        Cell(month, category, province, int(count)) for month, category, province, count in rows
    ]


def publish(cells: Iterable[Cell], k: int = MIN_COUNT) -> list[Cell]:
    """The published table: cells of at least ``k``, small ones merged up or dropped."""
    published: list[Cell] = []
    small: dict[tuple[str, str], int] = defaultdict(int)
    for cell in cells:
        if cell.count >= k:
            published.append(cell)
        elif cell.count > 0:
            small[(cell.month, cell.category)] += cell.count
    leftovers: dict[str, int] = defaultdict(int)
    for (month, category), count in sorted(small.items()):
        if count >= k:
            published.append(Cell(month, category, OTHER, count))
        else:
            leftovers[month] += count
    for month, count in sorted(leftovers.items()):
        if count >= k:
            published.append(Cell(month, OTHER, OTHER, count))
    return sorted(published, key=lambda c: (c.month, c.category, c.province))


def view(published: Iterable[Cell], wanted: StatsFilter) -> list[Cell]:
    """The published cells a filter selects."""
    return [cell for cell in published if wanted.admits(cell)]


def totals_by(cells: Iterable[Cell], dimension: str) -> list[tuple[str, int]]:
    """Sums per value of ``dimension``: months in order, others largest first."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    sums: dict[str, int] = defaultdict(int)
    value_of = attrgetter(dimension)
    for cell in cells:
        sums[value_of(cell)] += cell.count
    if dimension == "month":
        return sorted(sums.items())
    return sorted(sums.items(), key=lambda item: (item[0] == OTHER, -item[1], item[0]))


def total(cells: Iterable[Cell]) -> int:
    """The sum of the selected published cells (the only total ever shown)."""
    return sum(cell.count for cell in cells)


def name_counts(
    session: Session, org_id: str, kind: str, k: int = MIN_COUNT
) -> list[tuple[str, int]]:
    """(digest, cases) for employer or brand digests named by at least ``k`` present cases
    of the organisation (spam excluded), most first."""
    counted = digest_case_counts(session, org_id, kind)
    big = [(digest, count) for digest, count in counted.items() if count >= k]
    return sorted(big, key=lambda item: (-item[1], item[0]))
