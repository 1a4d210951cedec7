"""The statistics page, CSV and API over HTTP: only groups of five or more, aggregates only,
export for coordinators, everything audited."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from handoff.console.stats_tables import MIN_COUNT
from handoff.console_models import AuditEntry
from tests.handoff.console.conftest import Console, Desk


def file_cases(desk: Desk) -> list[str]:
    ids = [
        desk.file(employer="宏达电子有限公司", brands="耐克", categories=("wages",))
        for _ in range(6)
    ]
    ids += [desk.file(employer="=HYPERLINK(1)", categories=("overtime",)) for _ in range(5)]
    ids += [desk.file(employer="小作坊", categories=("injury",), province="湖北省")]
    return ids


def test_the_page_draws_charts_of_big_groups_only(console: Console, desk: Desk) -> None:
    file_cases(desk)
    console.login("mei")
    page = console.client.get("/console/stats")
    assert page.status_code == 200
    assert page.text.count("<svg") == 5
    assert "宏达电子" in page.text and "小作坊" not in page.text
    assert "湖北省" not in page.text  # one case there: no option, no row, no bar
    filtered = console.client.get("/console/stats", params={"category": "wages"})
    assert filtered.status_code == 200


def test_csv_is_aggregates_only_for_coordinators(console: Console, desk: Desk) -> None:
    ids = file_cases(desk)
    console.login("mei")
    assert console.client.get("/console/stats.csv").status_code == 403
    console.login("lin")
    reply = console.client.get("/console/stats.csv")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    body = reply.text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    counts = [int(row[2]) for row in rows[1:]]
    assert counts and all(n >= MIN_COUNT for n in counts)
    assert not any(case_id[:8] in body for case_id in ids)
    assert "小作坊" not in body
    names = [row[1] for row in rows[1:]]
    assert "宏达电子" in names
    assert not any(name.startswith("=") for name in names)  # no spreadsheet formulas
    with desk.session() as session:
        exports = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "export")))
    assert [e.username for e in exports] == ["lin"]


def test_api_numbers_match_the_page_rule(console: Console, desk: Desk) -> None:
    file_cases(desk)
    headers = console.login("mei")
    body = console.client.get("/api/console/stats", headers=headers).json()
    assert body["min_count"] == MIN_COUNT
    assert body["total"] == 11
    assert [(r["label"], r["count"]) for r in body["by_employer"]] == [
        ("宏达电子", 6),
        ("=hyperlink1", 5),
    ]
    for key in ("by_category", "by_province", "by_month", "by_employer", "by_brand"):
        assert all(row["count"] >= MIN_COUNT for row in body[key])
    assert sum(r["count"] for r in body["by_category"]) == body["total"]


def test_another_organisation_sees_none_of_it(console: Console, desk: Desk) -> None:
    file_cases(desk)
    headers = console.login("wu")
    body = console.client.get("/api/console/stats", headers=headers).json()
    assert body["total"] == 0 and body["by_employer"] == []


def test_bad_filters_are_ignored_not_errors(console: Console, desk: Desk) -> None:
    file_cases(desk)
    headers = console.login("mei")
    reply = console.client.get(
        "/api/console/stats",
        params={"category": "nope", "month_from": "2026-13", "month_to": "x"},
        headers=headers,
    )
    assert reply.status_code == 200 and reply.json()["total"] == 11
