"""Case service on SQLite and (when configured) PostgreSQL: sealing, idempotence, counts,
the worker's side by receipt, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, update

from handoff.cases.models import Case, CaseCount
from handoff.cases.retention import Retention
from handoff.cases.service import CaseService, ComplaintSubmission
from handoff.crypto import Vault
from handoff.db import session_factory
from handoff.errors import AccessDeniedError, NotFoundError
from handoff.keys.argon import TEST_PROFILE
from handoff.keys.receipts import new_receipt
from handoff.models import utcnow
from handoff.orgs.service import OrganisationService


def services(engine: Engine) -> tuple[OrganisationService, CaseService]:
    sessions = session_factory(engine)
    return (
        OrganisationService(sessions, TEST_PROFILE),
        CaseService(sessions, Vault("k" * 40), TEST_PROFILE),
    )


def submission(org_id: str, receipt: str, sid: str = "draft-1") -> ComplaintSubmission:
    return ComplaintSubmission(
        submission_id=sid,
        conversation_id="c" * 32,
        org_id=org_id,
        categories=("wages", "overtime"),
        province="广东省",
        urgent=False,
        content={"answers": {"employer": "某某厂"}},
        receipt=receipt,
    )


def test_submit_is_idempotent_and_counted(engine: Engine) -> None:
    orgs, cases = services(engine)
    org = orgs.create("机构甲", "lin", "a long password 1", default=True)
    receipt = new_receipt()
    first = cases.submit(submission(org.org_id, receipt))
    again = cases.submit(submission(org.org_id, receipt))
    assert first.created and not again.created and again.case_id == first.case_id
    with session_factory(engine)() as session:
        counts = {c.category: c.count for c in session.scalars(select(CaseCount))}
    assert counts == {"wages": 1, "overtime": 1}


def test_only_the_organisation_and_the_receipt_open_a_case(engine: Engine) -> None:
    orgs, cases = services(engine)
    org_a = orgs.create("机构甲", "lin", "a long password 1")
    orgs.create("机构乙", "wu", "a long password 2")
    receipt = new_receipt()
    case_id = cases.submit(submission(org_a.org_id, receipt)).case_id
    lin = orgs.unlock("lin", "a long password 1")
    wu = orgs.unlock("wu", "a long password 2")
    assert (
        cases.read_for_org(case_id, lin.org_id, lin.org_key).content["answers"]["employer"]
        == "某某厂"
    )
    with pytest.raises(NotFoundError):
        cases.read_for_org(case_id, wu.org_id, wu.org_key)
    with pytest.raises(AccessDeniedError):
        cases.read_for_org(case_id, lin.org_id, wu.org_key)
    view = cases.worker_view(receipt)
    assert view is not None and view.content["answers"]["employer"] == "某某厂"
    assert cases.worker_view(new_receipt()) is None


def test_messages_reach_both_sides(engine: Engine) -> None:
    orgs, cases = services(engine)
    org = orgs.create("机构甲", "lin", "a long password 1")
    receipt = new_receipt()
    case_id = cases.submit(submission(org.org_id, receipt)).case_id
    cases.add_message(case_id, "staff", "收到")
    cases.add_message(case_id, "worker", "谢谢")
    view = cases.worker_view(receipt)
    assert view is not None and [m.text for m in view.messages] == ["收到", "谢谢"]
    assert view.unread_staff == 1
    again = cases.worker_view(receipt)
    assert again is not None and again.unread_staff == 0


def test_password_change_rewraps_and_removal_revokes(engine: Engine) -> None:
    orgs, _cases = services(engine)
    orgs.create("机构甲", "lin", "a long password 1")
    orgs.change_password("lin", "a long password 1", "a new long password")
    assert orgs.unlock("lin", "a new long password").org_key is not None
    with pytest.raises(AccessDeniedError):
        orgs.unlock("lin", "a long password 1")
    orgs.remove_member("lin")
    with pytest.raises(AccessDeniedError):
        orgs.unlock("lin", "a new long password")


def test_recovery_key_regrants(engine: Engine) -> None:
    orgs, _cases = services(engine)
    created = orgs.create("机构甲", "lin", "a long password 1")
    orgs.add_member("机构甲", "wu", "caseworker", "a long password 2")
    with pytest.raises(AccessDeniedError):
        orgs.unlock("wu", "a long password 2")
    orgs.recover("机构甲", created.recovery_key, "wu")
    assert orgs.unlock("wu", "a long password 2").org_id == created.org_id


def test_retention_deletes_old_closed_cases_and_keeps_counts(engine: Engine) -> None:
    orgs, cases = services(engine)
    org = orgs.create("机构甲", "lin", "a long password 1")
    old = cases.submit(submission(org.org_id, new_receipt(), "d1")).case_id
    fresh = cases.submit(submission(org.org_id, new_receipt(), "d2")).case_id
    stale_open = cases.submit(submission(org.org_id, new_receipt(), "d3")).case_id
    long_ago = utcnow() - timedelta(days=120)
    with session_factory(engine)() as session:
        session.execute(update(Case).where(Case.id.in_([old, fresh])).values(status="closed"))
        session.execute(
            update(Case).where(Case.id.in_([old, stale_open])).values(last_activity_at=long_ago)
        )
        session.commit()
    report = Retention(session_factory(engine)).purge(closed_case_days=90, conversation_days=7)
    assert report.cases_deleted == 1
    assert [c[0] for c in report.stale_open_cases] == [stale_open]
    with session_factory(engine)() as session:
        remaining = set(session.scalars(select(Case.id)))
        total = sum(c.count for c in session.scalars(select(CaseCount)))
    assert remaining == {fresh, stale_open}
    assert total == 6  # three cases, two categories each: statistics survive the purge
