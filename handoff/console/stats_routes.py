"""The statistics page, its CSV (aggregates only) and ``GET /api/console/stats``.

Every number comes from :func:`handoff.console.stats_report.build_report`, which only ever
sums published cells of at least five cases (see :mod:`handoff.console.stats_tables`).
Any member may look; exporting is a coordinator's job and is audited.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from handoff.cases.categories import categories
from handoff.console.deps import CoordinatorStaff, CurrentStaff, audit, render
from handoff.console.services import ConsoleServices
from handoff.console.staff import Staff
from handoff.console.stats_charts import Chart, bar_chart, column_chart
from handoff.console.stats_report import NameRow, StatsReport, build_report, pseudonym_letter
from handoff.console.stats_tables import OTHER, StatsFilter
from handoff.console.texts import text
from handoff.dbguard import database_errors

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DIMENSIONS = ("category", "province", "month", "employer", "brand")
Short = Annotated[str | None, Query(max_length=40)]


@dataclass(frozen=True, slots=True)
class Section:
    """One table and chart of the page."""

    dimension: str
    title: str
    rows: list[tuple[str, int]]
    chart: Chart
    note: str = ""


class StatRowPublic(BaseModel):
    """One shown number: a label (category, province, month, employer or brand) and a count
    of at least ``min_count``."""

    label: str
    count: int


class StatsPublic(BaseModel):
    """``GET /api/console/stats``: the same numbers the page shows."""

    min_count: int
    total: int
    by_category: list[StatRowPublic]
    by_province: list[StatRowPublic]
    by_month: list[StatRowPublic]
    by_employer: list[StatRowPublic]
    by_brand: list[StatRowPublic]


def stats_filter(
    category: str | None, province: str | None, month_from: str | None, month_to: str | None
) -> StatsFilter:
    """A filter from query parameters; unknown categories and malformed months are ignored."""
    return StatsFilter(
        category=category if category in categories() else None,
        province=province or None,
        month_from=month_from if month_from and _MONTH.match(month_from) else None,
        month_to=month_to if month_to and _MONTH.match(month_to) else None,
    )


def _names(rows: list[NameRow], pseudonym_key: str) -> list[tuple[str, int]]:
    return [
        (row.name or text(pseudonym_key, letter=pseudonym_letter(row.rank)), row.count)
        for row in rows
    ]


def labelled_rows(report: StatsReport) -> dict[str, list[tuple[str, int]]]:
    """Each dimension's rows with the labels people read."""
    known = categories()
    category_rows = [
        (
            text("stats.other_categories")
            if key == OTHER
            else known[key].label
            if key in known
            else key,
            n,
        )
        for key, n in report.by_category
    ]
    province_rows = [
        (text("stats.other_provinces") if key == OTHER else key, n) for key, n in report.by_province
    ]
    return {
        "category": category_rows,
        "province": province_rows,
        "month": list(report.by_month),
        "employer": _names(report.employers, "stats.employer_pseudonym"),
        "brand": _names(report.brands, "stats.brand_pseudonym"),
    }


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (names come from workers' words)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_text(report: StatsReport) -> str:
    """The report as CSV: dimension, name, count — aggregates only, no case rows, no free
    text beyond names shared by at least ``min_count`` cases. Starts with a BOM so
    spreadsheet programs read the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([text("stats.csv.dimension"), text("stats.csv.name"), text("stats.csv.count")])
    writer.writerow([text("stats.csv.dimension_total"), "", report.total])
    for dimension, rows in labelled_rows(report).items():
        for label, count in rows:
            writer.writerow([text(f"stats.csv.dimension_{dimension}"), _cell(label), count])
    return "\ufeff" + out.getvalue()


def _sections(report: StatsReport) -> list[Section]:
    others = frozenset({text("stats.other_categories"), text("stats.other_provinces")})
    rows = labelled_rows(report)
    names_note = text("stats.names_rule", k=report.min_count)
    sections = []
    for dimension in DIMENSIONS:
        chart = (
            column_chart(rows[dimension])
            if dimension == "month"
            else bar_chart(rows[dimension], others=others)
        )
        sections.append(
            Section(
                dimension=dimension,
                title=text(f"stats.by_{dimension}"),
                rows=rows[dimension],
                chart=chart,
                note=names_note if dimension in ("employer", "brand") else "",
            )
        )
    return sections


def build_stats_router(services: ConsoleServices) -> APIRouter:
    """The statistics routes of the console and its API."""
    router = APIRouter()

    def report_for(staff: Staff, wanted: StatsFilter, *, names_limit: int | None) -> StatsReport:
        with database_errors(), services.db() as session:
            return build_report(session, staff, wanted, names_limit=names_limit)

    @router.get("/console/stats", response_class=HTMLResponse, include_in_schema=False)
    def stats_page(
        request: Request,
        staff: CurrentStaff,
        category: Short = None,
        province: Short = None,
        month_from: Short = None,
        month_to: Short = None,
    ) -> HTMLResponse:
        wanted = stats_filter(category, province, month_from, month_to)
        report = report_for(staff, wanted, names_limit=20)
        audit(services, staff, "stats_view", decrypted=report.decrypted)
        params = {
            key: value
            for key, value in (
                ("category", wanted.category),
                ("province", wanted.province),
                ("month_from", wanted.month_from),
                ("month_to", wanted.month_to),
            )
            if value
        }
        return render(
            request,
            "stats.html",
            report=report,
            sections=_sections(report),
            category_labels={key: c.label for key, c in categories().items()},
            params=params,
        )

    @router.get("/console/stats.csv", include_in_schema=False)
    def stats_csv(
        staff: CoordinatorStaff,
        category: Short = None,
        province: Short = None,
        month_from: Short = None,
        month_to: Short = None,
    ) -> Response:
        wanted = stats_filter(category, province, month_from, month_to)
        report = report_for(staff, wanted, names_limit=None)
        audit(services, staff, "export", kind="stats_csv", decrypted=report.decrypted)
        return Response(
            csv_text(report),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="gongyou-stats.csv"',
                "Cache-Control": "no-store",
            },
        )

    @router.get("/api/console/stats", response_model=StatsPublic, tags=["stats"])
    def stats_api(
        staff: CurrentStaff,
        category: Short = None,
        province: Short = None,
        month_from: Short = None,
        month_to: Short = None,
    ) -> StatsPublic:
        """Counts by category, province, month, employer and brand; every number is at least
        ``min_count`` and no number can be combined with another to reveal a smaller group."""
        wanted = stats_filter(category, province, month_from, month_to)
        report = report_for(staff, wanted, names_limit=None)
        audit(services, staff, "stats_view", decrypted=report.decrypted, api=True)
        rows = labelled_rows(report)

        def public(dimension: str) -> list[StatRowPublic]:
            return [StatRowPublic(label=label, count=n) for label, n in rows[dimension]]

        return StatsPublic(
            min_count=report.min_count,
            total=report.total,
            by_category=public("category"),
            by_province=public("province"),
            by_month=public("month"),
            by_employer=public("employer"),
            by_brand=public("brand"),
        )

    return router
