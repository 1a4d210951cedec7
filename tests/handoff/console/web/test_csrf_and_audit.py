"""CSRF on every state-changing form, and the append-only audit log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError

from handoff.console.audit import Actor, AuditLog
from handoff.console_models import AuditEntry
from handoff.orgs.models import Member
from tests.handoff.console.web.conftest import (
    PASSWORD,
    World,
    api_login,
    bearer,
    browser_login,
    csrf_from,
)

NEW_MEMBER_FORM = {"username": "dai", "role": "caseworker", "password": PASSWORD, "grant": "1"}


def api_members(world: World) -> list[str]:
    with world.services.db() as session:
        return list(session.scalars(select(Member.username)))


def test_a_form_without_its_token_is_refused(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "ana")
    missing = client.post("/console/accounts", data=NEW_MEMBER_FORM)
    wrong = client.post("/console/accounts", data=NEW_MEMBER_FORM | {"csrf_token": "x" * 64})
    assert missing.status_code == wrong.status_code == 403
    assert "dai" not in api_members(world)
    done = client.post(
        "/console/accounts", data=NEW_MEMBER_FORM | {"csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and "dai" in api_members(world)


def test_a_token_of_another_login_is_refused(client: TestClient, world: World) -> None:
    with TestClient(client.app, base_url="https://testserver") as other:
        foreign = browser_login(other, "ana")
    browser_login(client, "ana")
    response = client.post("/console/accounts", data=NEW_MEMBER_FORM | {"csrf_token": foreign})
    assert response.status_code == 403


def test_htmx_sends_the_token_as_a_header(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "ana")
    page = client.get("/console/accounts").text
    assert f'"X-CSRF-Token": "{csrf}"' in page.replace("&#34;", '"')
    response = client.post(
        "/console/accounts",
        data=NEW_MEMBER_FORM,
        headers={"X-CSRF-Token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_cookie_api_calls_need_the_header_and_bearer_calls_do_not(
    client: TestClient, world: World
) -> None:
    token = api_login(client, "ana")  # also sets the cookie on this client
    body = {"username": "dai", "role": "caseworker", "password": PASSWORD}
    assert client.post("/api/console/accounts", json=body).status_code == 403
    assert client.post("/api/console/accounts", json=body, headers=bearer(token)).status_code == 201


def test_the_login_form_needs_its_token(client: TestClient, world: World) -> None:
    client.get("/console/login")
    response = client.post("/console/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 403
    page = client.get("/console/login").text
    ok = client.post(
        "/console/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_logins_and_failures_are_audited(client: TestClient, world: World) -> None:
    client.post("/api/console/login", json={"username": "cai", "password": "wrong password"})
    api_login(client, "cai")
    token = api_login(client, "ana")
    entries = client.get(
        "/api/console/audit", params={"member": world.members["cai"]}, headers=bearer(token)
    ).json()
    assert [e["action"] for e in entries["data"]] == ["login", "login_failed"]
    failed = client.get(
        "/api/console/audit", params={"action": "login_failed"}, headers=bearer(token)
    ).json()
    assert failed["count"] == 1 and "wrong password" not in str(failed)


def test_the_audit_log_shows_only_the_own_organisation(client: TestClient, world: World) -> None:
    api_login(client, "cai")
    bo = api_login(client, "bo")
    entries = client.get("/api/console/audit", headers=bearer(bo)).json()["data"]
    assert {e["username"] for e in entries} <= {"bo", "bei"}


def test_the_audit_page_filters_by_date(client: TestClient, world: World) -> None:
    api_login(client, "cai")
    browser_login(client, "ana")
    page = client.get("/console/audit", params={"action": "login", "since": "2000-01-01"})
    assert page.status_code == 200 and "cai" in page.text
    empty = client.get("/console/audit", params={"until": "2000-01-01"})
    assert "cai" not in empty.text.split("<table", 1)[-1] or "<table" not in empty.text


def test_caseworkers_cannot_read_the_audit_log(client: TestClient, world: World) -> None:
    token = api_login(client, "cai")
    assert client.get("/api/console/audit", headers=bearer(token)).status_code == 403


def test_the_database_refuses_to_change_the_audit_log(engine: Engine, world: World) -> None:
    AuditLog(world.services.db).append(Actor(world.org_a, None, "ana"), "login")
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with engine.connect() as connection:
            with pytest.raises(DatabaseError):
                connection.execute(text(statement))
            connection.rollback()
    with world.services.db() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["login"]
