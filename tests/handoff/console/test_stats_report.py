"""The statistics report on a real database: monthly counts of the organisation only,
employers and brands of at least five cases named from the organisation's own cases."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from handoff.cases.models import Case, CaseCount
from handoff.console.cases_workflow import CaseWorkflow
from handoff.console.stats_report import build_report, pseudonym_letter
from handoff.console.stats_tables import MIN_COUNT, StatsFilter
from tests.handoff.console.conftest import NOW, Desk


def test_report_counts_only_big_groups_of_this_organisation(desk: Desk) -> None:
    for _ in range(6):
        desk.file(employer="宏达电子有限公司", brands="耐克", categories=("wages",))
    for _ in range(4):
        desk.file(employer="小作坊", brands="耐克", categories=("injury",))
    for _ in range(7):
        desk.file(desk.wu, employer="宏达电子厂", categories=("wages",))
    with desk.session() as session:
        report = build_report(session, desk.mei, StatsFilter())
    assert report.total == 6
    assert report.by_category == [("wages", 6)]
    assert [(row.name, row.count) for row in report.employers] == [("宏达电子", 6)]
    assert [(row.name, row.count) for row in report.brands] == [("耐克", 10)]
    assert report.decrypted > 0


def test_employers_named_in_different_spellings_count_together(desk: Desk) -> None:
    spellings = ["宏达电子有限公司", "宏達電子", "宏达 电子厂", "宏达电子公司", "宏达电子"]
    for name in spellings:
        desk.file(employer=name)
    with desk.session() as session:
        report = build_report(session, desk.mei, StatsFilter())
    assert [(row.name, row.count) for row in report.employers] == [("宏达电子", 5)]


def test_spam_does_not_count_towards_an_employer(desk: Desk) -> None:
    ids = [desk.file(employer="宏达电子厂") for _ in range(5)]
    with desk.session() as session:
        CaseWorkflow(lambda: NOW).set_status(session, desk.mei, ids[0], "spam", "重复")
        report = build_report(session, desk.mei, StatsFilter())
    assert report.employers == []


def test_an_employer_the_login_cannot_open_keeps_a_pseudonym(desk: Desk) -> None:
    for _ in range(5):
        desk.file(employer="宏达电子厂")
    with desk.session() as session:
        build_report(session, desk.mei, StatsFilter())  # indexes the cases
        # A case sealed to a key this login does not hold (e.g. before a key rotation).
        session.execute(update(Case).values(content_for_org=b"\x00" * 80))
        session.commit()
        report = build_report(session, desk.mei, StatsFilter())
    assert [(row.rank, row.name, row.count) for row in report.employers] == [(0, None, 5)]


def test_filter_applies_to_monthly_counts(desk: Desk) -> None:
    for _ in range(5):
        desk.file(categories=("wages",), province="广东省")
    for _ in range(5):
        desk.file(categories=("injury",), province="湖北省")
    with desk.session() as session:
        everything = build_report(session, desk.mei, StatsFilter())
        hubei = build_report(session, desk.mei, StatsFilter(province="湖北省"))
        elsewhere = build_report(session, replace(desk.wu), StatsFilter())
    assert everything.total == 10 and everything.provinces == ["广东省", "湖北省"]
    assert hubei.total == 5 and hubei.by_category == [("injury", 5)]
    assert elsewhere.total == 0
    assert all(n >= MIN_COUNT for _k, n in everything.by_month)


def test_pseudonym_letters() -> None:
    assert [pseudonym_letter(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_tables_are_kept_a_while_and_made_again_when_cases_change(desk: Desk) -> None:
    from handoff.console.stats_report import TableCache

    moment = [0.0]
    cache = TableCache(ttl_seconds=60, clock=lambda: moment[0])
    for _ in range(5):
        desk.file(employer="宏达电子厂")
    with desk.session() as session:
        first = build_report(session, desk.mei, StatsFilter(), cache=cache)
        # A change the shape does not see (a count edited behind the service's back) waits
        # for the time to run out; a new case is seen at once.
        session.execute(update(CaseCount).values(count=CaseCount.count + 10))
        session.commit()
        assert build_report(session, desk.mei, StatsFilter(), cache=cache).total == first.total
        moment[0] = 61
        assert build_report(session, desk.mei, StatsFilter(), cache=cache).total == 15
        desk.file(employer="宏达电子厂")
        again = build_report(session, desk.mei, StatsFilter(), cache=cache)
    assert [(row.name, row.count) for row in again.employers] == [("宏达电子", 6)]
