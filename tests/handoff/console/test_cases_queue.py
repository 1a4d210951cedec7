"""The queue: order, filters, counts and SLA flags against a fixed clock."""

from __future__ import annotations

from datetime import timedelta

from handoff.console.cases_queue import (
    SLA_ANY,
    SLA_URGENT,
    UNASSIGNED,
    QueueFilter,
    list_queue,
    sla_flag,
)
from handoff.console.cases_workflow import CaseWorkflow
from handoff.settings import SlaSettings
from tests.handoff.console.conftest import NOW, Desk

SLA = SlaSettings(urgent_unclaimed_hours=2, unclaimed_hours=48)


def queue(desk: Desk, wanted: QueueFilter | None = None, staff_name: str = "mei") -> list[str]:
    with desk.session() as session:
        page = list_queue(session, getattr(desk, staff_name), wanted or QueueFilter(), NOW, SLA)
    return [item.case_id for item in page.items]


def test_urgent_first_then_oldest(desk: Desk) -> None:
    old = desk.file(age=timedelta(hours=30))
    new = desk.file(age=timedelta(hours=1))
    urgent_new = desk.file(urgent=True, age=timedelta(minutes=5))
    urgent_old = desk.file(urgent=True, age=timedelta(hours=1))
    assert queue(desk) == [urgent_old, urgent_new, old, new]


def test_a_member_sees_only_their_organisation(desk: Desk) -> None:
    mine = desk.file()
    theirs = desk.file(desk.wu)
    assert queue(desk) == [mine]
    assert queue(desk, staff_name="wu") == [theirs]


def test_filters(desk: Desk) -> None:
    wages_gd = desk.file(employer="宏达电子厂", brands="耐克", categories=("wages",))
    injury_hb = desk.file(
        employer="宏達電子有限公司", categories=("injury", "wages"), province="湖北省"
    )
    other = desk.file(employer="别的厂", brands="阿迪达斯", categories=("overtime",))
    workflow = CaseWorkflow(lambda: NOW)
    with desk.session() as session:
        workflow.claim(session, desk.mei, other)
    assert queue(desk, QueueFilter(category="wages")) == [wages_gd, injury_hb]
    assert queue(desk, QueueFilter(category="wag")) == []  # whole keys only
    assert queue(desk, QueueFilter(category="%")) == []
    assert queue(desk, QueueFilter(province="湖北省")) == [injury_hb]
    assert queue(desk, QueueFilter(employer="宏达电子 有限公司")) == [wages_gd, injury_hb]
    assert queue(desk, QueueFilter(employer="有限公司")) == []
    assert queue(desk, QueueFilter(brand="NIKE")) == []
    assert queue(desk, QueueFilter(brand="耐克")) == [wages_gd]
    assert queue(desk, QueueFilter(assignee=desk.mei.member_id)) == [other]
    assert queue(desk, QueueFilter(assignee=UNASSIGNED)) == [wages_gd, injury_hb]
    assert queue(desk, QueueFilter(related_to=wages_gd)) == [wages_gd, injury_hb]
    assert queue(desk, QueueFilter(status="claimed")) == [other]


def test_spam_and_closed_leave_the_queue_but_stay_listable(desk: Desk) -> None:
    spam = desk.file(age=timedelta(hours=2))
    kept = desk.file()
    workflow = CaseWorkflow(lambda: NOW)
    with desk.session() as session:
        workflow.set_status(session, desk.mei, spam, "spam", "广告")
    assert queue(desk) == [kept]
    assert queue(desk, QueueFilter(status="spam")) == [spam]
    assert queue(desk, QueueFilter(status="all")) == [spam, kept]


def test_sla_flags_with_a_fixed_clock(desk: Desk) -> None:
    urgent_late = desk.file(urgent=True, age=timedelta(hours=2, minutes=1))
    urgent_fresh = desk.file(urgent=True, age=timedelta(hours=1, minutes=59))
    plain_late = desk.file(age=timedelta(hours=48, minutes=1))
    plain_fresh = desk.file(age=timedelta(hours=47))
    claimed_late = desk.file(urgent=True, age=timedelta(hours=60))
    with desk.session() as session:
        CaseWorkflow(lambda: NOW).claim(session, desk.bo, claimed_late)
        page = list_queue(session, desk.mei, QueueFilter(), NOW, SLA)
        flagged = list_queue(session, desk.mei, QueueFilter(sla=True), NOW, SLA)
    flags = {item.case_id: item.sla for item in page.items}
    assert flags == {
        urgent_late: SLA_URGENT,
        urgent_fresh: None,
        plain_late: SLA_ANY,
        plain_fresh: None,
        claimed_late: None,
    }
    assert page.counts.sla_flagged == 2 and page.counts.sla_urgent == 1
    assert {item.case_id for item in flagged.items} == {urgent_late, plain_late}


def test_sla_hours_come_from_settings() -> None:
    created = NOW - timedelta(hours=3)
    strict = SlaSettings(urgent_unclaimed_hours=4, unclaimed_hours=2.5)
    assert sla_flag("new", None, True, created, NOW, SLA) == SLA_URGENT
    assert sla_flag("new", None, True, created, NOW, strict) == SLA_ANY
    assert sla_flag("new", None, False, created, NOW, SLA) is None
    assert sla_flag("resolved", None, True, created, NOW, SLA) is None


def test_counts_cover_the_organisation_not_the_filter(desk: Desk) -> None:
    first = desk.file(employer="宏达电子厂", urgent=True)
    desk.file(employer="宏达电子公司")
    desk.file(employer="别的厂")
    spam = desk.file()
    desk.file(desk.wu, employer="宏达电子厂")
    with desk.session() as session:
        CaseWorkflow(lambda: NOW).set_status(session, desk.lin, spam, "spam", "不是投诉")
        CaseWorkflow(lambda: NOW).claim(session, desk.mei, first)
        page = list_queue(session, desk.mei, QueueFilter(province="湖北省"), NOW, SLA)
    counts = page.counts
    assert page.count == 0
    assert counts.by_status["new"] == 2 and counts.by_status["claimed"] == 1
    assert counts.by_status["spam"] == 1
    assert counts.open == 3 and counts.urgent_open == 1
    assert counts.shared_employers == 1


def test_related_counts_on_queue_rows(desk: Desk) -> None:
    ids = [desk.file(employer=name) for name in ("宏达电子厂", "宏達電子", "宏达 电子 有限公司")]
    lone = desk.file(employer="别的厂")
    with desk.session() as session:
        page = list_queue(session, desk.mei, QueueFilter(), NOW, SLA)
    related = {item.case_id: item.related for item in page.items}
    assert related == {ids[0]: 2, ids[1]: 2, ids[2]: 2, lone: 0}
    assert page.indexed == 4


def test_pages_of_fifty(desk: Desk) -> None:
    from handoff.console.cases_queue import PAGE_SIZE

    for index in range(PAGE_SIZE + 3):
        desk.file(age=timedelta(minutes=index + 1))
    with desk.session() as session:
        first = list_queue(session, desk.mei, QueueFilter(), NOW, SLA)
        second = list_queue(session, desk.mei, QueueFilter(page=2), NOW, SLA)
        beyond = list_queue(session, desk.mei, QueueFilter(page=9), NOW, SLA)
    assert (first.count, first.pages, len(first.items), len(second.items)) == (53, 2, 50, 3)
    assert beyond.page == 2
    assert not {i.case_id for i in first.items} & {i.case_id for i in second.items}
