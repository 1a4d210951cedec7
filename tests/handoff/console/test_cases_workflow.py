"""Claim, assign, unassign, status with reasons, notes and tags: who may, what is recorded,
what is sealed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from handoff.cases.models import Case
from handoff.console.cases_workflow import (
    CaseWorkflow,
    ConflictError,
    NotAllowedError,
    ReasonRequiredError,
    WorkflowError,
    read_events,
    read_notes,
    read_tags,
)
from handoff.console_models import CaseEvent, CaseNote
from handoff.errors import NotFoundError
from tests.handoff.console.conftest import Desk


@pytest.fixture
def workflow(clock: Callable[[], datetime]) -> CaseWorkflow:
    return CaseWorkflow(clock)


def status_of(desk: Desk, case_id: str) -> tuple[str, str | None]:
    with desk.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.status, case.assignee_id


def test_claim_takes_an_unassigned_case_once(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        workflow.claim(session, desk.mei, case_id)
        workflow.claim(session, desk.mei, case_id)  # again: nothing changes
        with pytest.raises(ConflictError):
            workflow.claim(session, desk.bo, case_id)
    assert status_of(desk, case_id) == ("claimed", desk.mei.member_id)
    with desk.session() as session:
        assert [e.kind for e in read_events(session, desk.mei, case_id)] == ["claim"]


def test_another_organisations_case_is_not_found(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        for action in (
            lambda: workflow.claim(session, desk.wu, case_id),
            lambda: workflow.set_status(session, desk.wu, case_id, "spam", "x"),
            lambda: workflow.add_note(session, desk.wu, case_id, "x"),
            lambda: workflow.set_tags(session, desk.wu, case_id, ["x"]),
            lambda: workflow.unassign(session, desk.wu, case_id),
            lambda: read_notes(session, desk.wu, case_id),
            lambda: read_events(session, desk.wu, case_id),
        ):
            with pytest.raises(NotFoundError):
                action()
    assert status_of(desk, case_id) == ("new", None)


def test_only_a_coordinator_assigns(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        with pytest.raises(NotAllowedError):
            workflow.assign(session, desk.mei, case_id, desk.bo.member_id)
        with pytest.raises(WorkflowError):
            workflow.assign(session, desk.lin, case_id, desk.wu.member_id)  # other org
        workflow.assign(session, desk.lin, case_id, desk.bo.member_id, "熟悉这家厂")
        events = read_events(session, desk.lin, case_id)
    assert status_of(desk, case_id) == ("claimed", desk.bo.member_id)
    assert [(e.kind, e.reason, e.target_member_id) for e in events] == [
        ("assign", "熟悉这家厂", desk.bo.member_id)
    ]


def test_unassign_by_the_assignee_or_a_coordinator(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        workflow.claim(session, desk.mei, case_id)
        with pytest.raises(NotAllowedError):
            workflow.unassign(session, desk.bo, case_id)
        workflow.unassign(session, desk.mei, case_id, "休假")
        assert status_of(desk, case_id) == ("new", None)
        workflow.claim(session, desk.bo, case_id)
        workflow.set_status(session, desk.bo, case_id, "in_progress", "开始处理")
        workflow.unassign(session, desk.lin, case_id, "换人")
    assert status_of(desk, case_id) == ("in_progress", None)


def test_status_changes_need_a_reason_and_follow_the_life_of_a_case(
    desk: Desk, workflow: CaseWorkflow
) -> None:
    case_id = desk.file()
    steps = [
        ("in_progress", "开始处理"),
        ("waiting_for_worker", "等工友回复"),
        ("in_progress", "工友回复了"),
        ("resolved", "工资已补发"),
        ("closed", "结案"),
    ]
    with desk.session() as session:
        workflow.claim(session, desk.mei, case_id)
        with pytest.raises(ReasonRequiredError):
            workflow.set_status(session, desk.mei, case_id, "in_progress", "  ")
        with pytest.raises(ConflictError):
            workflow.set_status(session, desk.mei, case_id, "new", "回到队列")
        for status, reason in steps:
            workflow.set_status(session, desk.mei, case_id, status, reason)
        events = read_events(session, desk.mei, case_id)
        case = session.get(Case, case_id)
        assert case is not None and case.closed_at is not None
    assert [(e.from_status, e.to_status, e.reason) for e in events[1:]] == [
        (before, after, reason)
        for (before, _r), (after, reason) in zip([("claimed", ""), *steps[:-1]], steps, strict=True)
    ]


def test_a_caseworker_changes_only_their_own_case(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        workflow.claim(session, desk.mei, case_id)
        with pytest.raises(NotAllowedError):
            workflow.set_status(session, desk.bo, case_id, "resolved", "我来结")
        workflow.set_status(session, desk.lin, case_id, "in_progress", "协调员推进")
    assert status_of(desk, case_id) == ("in_progress", desk.mei.member_id)


def test_anyone_may_mark_a_new_case_spam_and_a_coordinator_may_undo_it(
    desk: Desk, workflow: CaseWorkflow
) -> None:
    case_id = desk.file()
    with desk.session() as session:
        workflow.set_status(session, desk.bo, case_id, "spam", "广告")
        case = session.get(Case, case_id)
        assert case is not None and case.closed_at is not None
        with pytest.raises(NotAllowedError):
            workflow.set_status(session, desk.bo, case_id, "new", "误判")
        workflow.set_status(session, desk.lin, case_id, "new", "误判")
        case = session.get(Case, case_id)
        assert case is not None and case.closed_at is None
    assert status_of(desk, case_id) == ("new", None)


def test_spam_is_purged_by_retention_like_a_closed_case(desk: Desk, workflow: CaseWorkflow) -> None:
    from datetime import timedelta

    from handoff.cases.retention import Retention
    from tests.handoff.console.conftest import NOW

    case_id = desk.file()
    with desk.session() as session:
        workflow.set_status(session, desk.mei, case_id, "spam", "广告")
    retention = Retention(desk.sessions)
    report = retention.purge(closed_case_days=90, conversation_days=365, now=NOW)
    assert report.cases_deleted == 0  # not at once
    later = NOW + timedelta(days=91)
    assert retention.purge(closed_case_days=90, conversation_days=365, now=later).cases_deleted == 1


def test_reasons_notes_and_tags_are_sealed(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        workflow.claim(session, desk.mei, case_id)
        workflow.set_status(session, desk.mei, case_id, "in_progress", "理由：张三作证")
        workflow.add_note(session, desk.mei, case_id, "笔记：李四的电话")
        assert workflow.set_tags(session, desk.mei, case_id, [" 集体 ", "集体", "欠薪"]) == [
            "集体",
            "欠薪",
        ]
        raw = [
            *(e.reason_sealed or b"" for e in session.scalars(select(CaseEvent))),
            *(n.body_sealed for n in session.scalars(select(CaseNote))),
            session.get(Case, case_id).tags_sealed or b"",  # type: ignore[union-attr]
        ]
        case = session.get(Case, case_id)
        assert case is not None
        assert read_tags(desk.bo, case) == ["集体", "欠薪"]
        assert read_tags(desk.wu, case) == []  # another organisation's key opens nothing
        notes = read_notes(session, desk.bo, case_id)
    for blob in raw:
        for word in ("张三", "李四", "集体"):
            assert word.encode() not in blob
    assert [(n.text, n.member_id) for n in notes] == [("笔记：李四的电话", desk.mei.member_id)]


def test_tags_and_notes_have_limits(desk: Desk, workflow: CaseWorkflow) -> None:
    case_id = desk.file()
    with desk.session() as session:
        with pytest.raises(WorkflowError):
            workflow.set_tags(session, desk.mei, case_id, ["x" * 31])
        with pytest.raises(WorkflowError):
            workflow.set_tags(session, desk.mei, case_id, [str(i) for i in range(21)])
        with pytest.raises(WorkflowError):
            workflow.add_note(session, desk.mei, case_id, "   ")
        assert workflow.set_tags(session, desk.mei, case_id, []) == []
