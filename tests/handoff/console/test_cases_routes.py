"""The case pages and API over HTTP: who sees what, claims and statuses, staff messages and
their delivery, stored XSS rendered inert, CSRF on forms, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handoff.console_models import AuditEntry
from handoff.ports import Delivery
from tests.handoff.console.conftest import Console, Desk

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_anonymous_callers_are_refused(console: Console, desk: Desk) -> None:
    case_id = desk.file()
    assert console.client.get("/api/console/cases").status_code == 401
    assert console.client.get(f"/api/console/cases/{case_id}").status_code == 401
    page = console.client.get("/console/cases")
    assert page.status_code == 303 and page.headers["location"] == "/console/login"
    # The CSRF guard answers first for a cookie-less, token-less post.
    assert console.client.post(f"/api/console/cases/{case_id}/claim").status_code in (401, 403)


def test_the_list_has_data_and_count_of_this_organisation_only(
    console: Console, desk: Desk
) -> None:
    mine = desk.file(urgent=True)
    desk.file(desk.wu)
    headers = console.login("mei")
    body = console.client.get("/api/console/cases", headers=headers).json()
    assert body["count"] == 1 and [c["id"] for c in body["data"]] == [mine]
    assert body["data"][0]["urgent"] is True
    assert set(body["data"][0]) == {
        "id",
        "status",
        "category",
        "categories",
        "province",
        "urgent",
        "created_at",
        "last_activity_at",
        "assignee",
        "sla",
        "related",
    }


def test_another_organisations_case_is_404_everywhere(console: Console, desk: Desk) -> None:
    theirs = desk.file(desk.wu)
    headers = console.login("mei")
    api = f"/api/console/cases/{theirs}"
    replies = [
        console.client.get(api, headers=headers),
        console.client.post(api + "/claim", headers=headers),
        console.client.post(
            api + "/status", json={"status": "spam", "reason": "x"}, headers=headers
        ),
        console.client.post(api + "/messages", json={"text": "你好"}, headers=headers),
        console.client.post(api + "/notes", json={"text": "x"}, headers=headers),
        console.client.put(api + "/tags", json={"tags": ["x"]}, headers=headers),
        console.client.post(api + "/unassign", json={}, headers=headers),
        console.client.get(f"/console/cases/{theirs}"),
        console.client.get(f"/console/cases/{theirs}/thread"),
        console.client.get("/api/console/cases/not-a-case", headers=headers),
    ]
    assert [r.status_code for r in replies] == [404] * len(replies)
    assert console.delivery.sent == []


def test_claim_status_and_assignment_through_the_api(console: Console, desk: Desk) -> None:
    case_id = desk.file()
    mei, bo, lin = console.login("mei"), console.login("bo"), console.login("lin")
    api = f"/api/console/cases/{case_id}"
    claimed = console.client.post(api + "/claim", headers=mei)
    assert claimed.status_code == 200
    assert (claimed.json()["status"], claimed.json()["assignee"]) == ("claimed", "mei")
    assert console.client.post(api + "/claim", headers=bo).status_code == 409
    no_reason = console.client.post(api + "/status", json={"status": "resolved"}, headers=mei)
    assert no_reason.status_code == 422
    bad = console.client.post(api + "/status", json={"status": "open", "reason": "x"}, headers=mei)
    assert bad.status_code == 422
    wrong_person = {"status": "resolved", "reason": "x"}
    assert console.client.post(api + "/status", json=wrong_person, headers=bo).status_code == 403
    moved = console.client.post(
        api + "/status", json={"status": "in_progress", "reason": "开始"}, headers=mei
    )
    assert moved.json()["status"] == "in_progress"
    assign = {"username": "bo", "reason": "换人"}
    assert console.client.post(api + "/assign", json=assign, headers=mei).status_code == 403
    assert console.client.post(api + "/assign", json=assign, headers=lin).json()["assignee"] == "bo"
    other_org = {"username": "wu"}
    assert console.client.post(api + "/assign", json=other_org, headers=lin).status_code == 422
    detail = console.client.get(api, headers=lin).json()
    assert [(e["kind"], e["reason"]) for e in detail["events"]] == [
        ("claim", ""),
        ("status", "开始"),
        ("assign", "换人"),
    ]


def test_a_staff_message_reaches_the_worker_as_staff_not_as_the_account(
    console: Console, desk: Desk
) -> None:
    case_id = desk.file()
    headers = console.login("mei")
    reply = console.client.post(
        f"/api/console/cases/{case_id}/messages", json={"text": "我们收到了"}, headers=headers
    )
    assert reply.status_code == 201 and reply.json()["delivery"] == "delivered"
    [(conversation_id, texts, for_case)] = console.delivery.sent
    assert conversation_id == desk.conversations[-1] and for_case == case_id
    assert "我们收到了" in texts[0] and "mei" not in texts[0]
    detail = console.client.get(f"/api/console/cases/{case_id}", headers=headers).json()
    assert [(m["author"], m["text"], m["staff"]) for m in detail["messages"]] == [
        ("staff", "我们收到了", "mei")
    ]
    too_long = {"text": "长" * 2001}
    assert (
        console.client.post(
            f"/api/console/cases/{case_id}/messages", json=too_long, headers=headers
        ).status_code
        == 422
    )


@pytest.mark.parametrize(
    "outcome", [Delivery.DELIVERED, Delivery.QUEUED, Delivery.UNREACHABLE, Delivery.UNKNOWN]
)
def test_the_page_says_what_became_of_a_message(
    console: Console, desk: Desk, outcome: Delivery
) -> None:
    case_id = desk.file()
    console.login("mei")
    token = console.csrf(f"/console/cases/{case_id}")
    console.delivery.outcome = outcome
    sent = console.client.post(
        f"/console/cases/{case_id}/messages", data={"text": "你好", "csrf_token": token}
    )
    assert sent.status_code == 303
    assert sent.headers["location"].endswith(f"?sent={outcome.value}")
    page = console.client.get(sent.headers["location"])
    from handoff.console.texts import text

    assert text(f"cases.delivery.{outcome.value}") in page.text


def test_forms_need_the_csrf_token(console: Console, desk: Desk) -> None:
    case_id = desk.file()
    console.login("mei")
    for path, data in (
        ("claim", {}),
        ("messages", {"text": "x"}),
        ("status", {"status": "spam", "reason": "x"}),
        ("notes", {"note": "x"}),
        ("tags", {"tags": "x"}),
    ):
        refused = console.client.post(f"/console/cases/{case_id}/{path}", data=data)
        assert refused.status_code == 403, path
    assert console.delivery.sent == []
    token = console.csrf(f"/console/cases/{case_id}")
    done = console.client.post(f"/console/cases/{case_id}/claim", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=claimed")


def test_form_errors_come_back_as_keys_on_the_case_page(console: Console, desk: Desk) -> None:
    case_id = desk.file()
    console.login("mei")
    token = console.csrf(f"/console/cases/{case_id}")
    refused = console.client.post(
        f"/console/cases/{case_id}/status",
        data={"status": "resolved", "reason": "", "csrf_token": token},
    )
    assert refused.headers["location"].endswith("?error=reason_required")


def test_stored_xss_is_inert_on_every_page_and_in_the_api(console: Console, desk: Desk) -> None:
    fields = [[XSS, XSS + "值"], ["描述", XSS], ["雇主", XSS]]
    case_id = desk.file(employer=XSS, brands=XSS, summary=fields)
    for _ in range(5):  # enough cases for the employer to be named on the stats page
        desk.file(employer=XSS, brands=XSS)
    desk.cases.add_message(case_id, "worker", XSS)
    headers = console.login("lin")
    api = f"/api/console/cases/{case_id}"
    console.client.post(api + "/claim", headers=headers)
    console.client.post(
        api + "/status", json={"status": "in_progress", "reason": XSS}, headers=headers
    )
    console.client.post(api + "/notes", json={"text": XSS}, headers=headers)
    console.client.put(api + "/tags", json={"tags": [XSS[:30]]}, headers=headers)
    console.client.post(api + "/messages", json={"text": XSS}, headers=headers)
    pages = [
        console.client.get(f"/console/cases/{case_id}"),
        console.client.get(f"/console/cases/{case_id}/thread"),
        console.client.get("/console/cases"),
        console.client.get("/console/stats"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>" not in page.text and "<img" not in page.text
    assert "&lt;script&gt;" in pages[0].text
    # The employer is named on the stats page by its normalised form, tags and all stripped.
    assert "scriptalert" in pages[3].text
    detail = console.client.get(api, headers=headers)
    assert detail.headers["content-type"].startswith("application/json")
    body = detail.json()
    assert XSS in [line["value"] for line in body["complaint"]]
    assert body["notes"][0]["text"] == XSS and body["events"][-1]["reason"] == XSS


def test_the_api_never_carries_the_filing_conversation(console: Console, desk: Desk) -> None:
    case_id = desk.file()
    headers = console.login("mei")
    raw = console.client.get(f"/api/console/cases/{case_id}", headers=headers).text
    listing = console.client.get("/api/console/cases", headers=headers).text
    for conversation_id in desk.conversations:
        assert conversation_id not in raw and conversation_id not in listing


def test_views_changes_and_messages_are_audited(console: Console, desk: Desk) -> None:
    case_id = desk.file(employer="宏达电子厂")
    headers = console.login("mei")
    api = f"/api/console/cases/{case_id}"
    console.client.get("/api/console/cases", headers=headers)
    console.client.get(api, headers=headers)
    console.client.post(api + "/claim", headers=headers)
    console.client.post(
        api + "/status", json={"status": "in_progress", "reason": "x"}, headers=headers
    )
    console.client.post(api + "/messages", json={"text": "你好"}, headers=headers)
    console.client.post(api + "/notes", json={"text": "记下"}, headers=headers)
    console.client.put(api + "/tags", json={"tags": ["集体"]}, headers=headers)
    with desk.session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    actions = [(e.action, e.case_id) for e in entries if e.action != "login"]
    assert actions == [
        ("decrypt", None),
        ("case_view", case_id),
        ("claim", case_id),
        ("status_change", case_id),
        ("message", case_id),
        ("note", case_id),
        ("tag", case_id),
    ]
    assert all("宏达" not in e.detail and "你好" not in e.detail for e in entries)


def test_pages_render_for_a_phone_sized_queue(console: Console, desk: Desk) -> None:
    first = desk.file(employer="宏达电子厂", urgent=True)
    desk.file(employer="宏達電子有限公司")
    console.login("mei")
    queue = console.client.get("/console/cases")
    assert queue.status_code == 200 and first[:8] in queue.text
    assert queue.headers["cache-control"] == "no-store"
    filtered = console.client.get(
        "/console/cases", params={"employer": "宏达电子", "status": "all"}
    )
    assert filtered.status_code == 200 and first[:8] in filtered.text
    page = console.client.get(f"/console/cases/{first}")
    assert page.status_code == 200 and f"related_to={first}" in page.text


def test_the_api_is_in_the_openapi_schema_without_identifying_fields(console: Console) -> None:
    schema = console.client.app.openapi()  # type: ignore[attr-defined]
    paths = schema["paths"]
    for path, method in (
        ("/api/console/cases", "get"),
        ("/api/console/cases/{case_id}", "get"),
        ("/api/console/cases/{case_id}/claim", "post"),
        ("/api/console/cases/{case_id}/messages", "post"),
        ("/api/console/cases/{case_id}/status", "post"),
        ("/api/console/stats", "get"),
    ):
        assert method in paths[path], path
    detail = schema["components"]["schemas"]["CaseDetailPublic"]["properties"]
    assert not {"conversation_id", "lookup_id", "answers", "receipt"} & set(detail)


def test_assigning_is_a_coordinators_job_on_the_page_too(console: Console, desk: Desk) -> None:
    case_id = desk.file()
    console.login("mei")
    token = console.csrf(f"/console/cases/{case_id}")
    refused = console.client.post(
        f"/console/cases/{case_id}/assign",
        data={"member_id": desk.bo.member_id, "csrf_token": token},
    )
    assert refused.status_code == 403


def test_the_queue_rows_alone_for_live_updates(console: Console, desk: Desk) -> None:
    urgent = desk.file(urgent=True)
    console.login("mei")
    rows = console.client.get("/console/cases/rows", params={"status": "all"})
    assert rows.status_code == 200
    assert urgent[:8] in rows.text and "<html" not in rows.text
    assert 'id="queue-rows"' in rows.text
