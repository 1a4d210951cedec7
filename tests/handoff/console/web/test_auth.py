"""Logging in and out: passwords, TOTP, throttling, session keys, expiry, cookie flags."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from handoff.console.services import ConsoleServices
from handoff.console.sessions import SessionToken
from handoff.console.totp import seal_secret
from handoff.console_models import AuditEntry, StaffSession
from handoff.models import utcnow
from handoff.orgs.models import Member, Organisation
from tests.handoff.console.web.conftest import (
    PASSWORD,
    World,
    api_login,
    bearer,
    browser_login,
    console_app,
)


def _actions(services: ConsoleServices, member_id: str) -> list[str]:
    with services.db() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.member_id == member_id)
                .order_by(AuditEntry.id)
            )
        )


def test_api_login_gives_a_bearer_token_and_a_cookie(client: TestClient, world: World) -> None:
    response = client.post("/api/console/login", json={"username": "cai", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["access_token"]
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    me = TestClient(client.app, base_url="https://testserver").get(
        "/api/console/me", headers=bearer(token)
    )
    assert me.json() == {"username": "cai", "role": "caseworker", "organisation": "甲工友中心"}
    assert client.get("/api/console/me").status_code == 200  # the cookie alone works too


def test_wrong_password_and_unknown_user_are_refused_alike(
    client: TestClient, world: World
) -> None:
    wrong = client.post("/api/console/login", json={"username": "cai", "password": "nope" * 3})
    unknown = client.post("/api/console/login", json={"username": "nobody", "password": "nope" * 3})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert _actions(world.services, world.members["cai"]) == ["login_failed"]


def test_the_session_stores_no_key_in_clear(client: TestClient, world: World) -> None:
    token = SessionToken.parse(api_login(client, "cai"))
    assert token is not None
    org_key = world.services.organisations.unlock("cai", PASSWORD).org_key
    with world.services.db() as session:
        rows = list(session.scalars(select(StaffSession)))
    assert len(rows) == 1
    row = rows[0]
    assert row.id == token.row_id and token.public_id not in row.id
    assert bytes(org_key) not in row.org_key_wrapped
    assert token.key not in row.org_key_wrapped


def test_any_process_serves_the_token(
    client: TestClient, world: World, services: ConsoleServices
) -> None:
    token = api_login(client, "ana")
    with TestClient(console_app(services), base_url="https://testserver") as other:
        response = other.get(f"/api/console/cases/{world.case_a}", headers=bearer(token))
        me = other.get("/api/console/me", headers=bearer(token))
    assert me.status_code == 200
    assert response.status_code in (200, 404)  # 404 until the cases API is mounted


def test_a_token_with_a_wrong_key_opens_nothing(client: TestClient, world: World) -> None:
    token = SessionToken.parse(api_login(client, "cai"))
    assert token is not None
    forged = SessionToken(token.public_id, bytes(32)).encode()
    assert client.get("/api/console/me", headers=bearer(forged)).status_code == 401


def test_logout_deletes_the_session(client: TestClient, world: World) -> None:
    token = api_login(client, "cai")
    assert client.post("/api/console/logout", headers=bearer(token)).status_code == 204
    assert client.get("/api/console/me", headers=bearer(token)).status_code == 401
    with world.services.db() as session:
        assert session.scalar(select(StaffSession)) is None
    assert _actions(world.services, world.members["cai"])[-1] == "logout"


def test_throttling_per_account_holds_even_with_the_right_password(
    client: TestClient, world: World
) -> None:
    for _ in range(3):  # the test settings allow 3 failures per account
        bad = client.post("/api/console/login", json={"username": "cai", "password": "x" * 12})
        assert bad.status_code == 401
    refused = client.post("/api/console/login", json={"username": "cai", "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    # Another account from the same address still gets in (the IP limit is higher).
    assert (
        client.post(
            "/api/console/login", json={"username": "ana", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_throttling_per_address_holds_across_accounts(client: TestClient, world: World) -> None:
    for name in ("n1", "n2", "n3", "n4", "n5", "n6"):  # 6 failures per address
        client.post("/api/console/login", json={"username": name, "password": "x" * 12})
    refused = client.post("/api/console/login", json={"username": "ana", "password": PASSWORD})
    assert refused.status_code == 429


def test_form_login_sets_the_cookie_and_lands_on_the_queue(
    client: TestClient, world: World
) -> None:
    browser_login(client, "cai")
    assert client.get("/console/account").status_code == 200
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/cases"


def test_anonymous_pages_redirect_to_login_and_api_answers_401(
    client: TestClient, world: World
) -> None:
    page = client.get("/console/account", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/login"
    htmx = client.get("/console/account", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"] == "/console/login"
    api = client.get("/api/console/me")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"


def _expire(services: ConsoleServices, **changes: object) -> None:
    with services.db() as session:
        session.execute(update(StaffSession).values(**changes))
        session.commit()


def test_a_session_ends_at_its_expiry(client: TestClient, world: World) -> None:
    token = api_login(client, "cai")
    _expire(world.services, expires_at=utcnow() - timedelta(seconds=1))
    assert client.get("/api/console/me", headers=bearer(token)).status_code == 401
    with world.services.db() as session:
        assert session.scalar(select(StaffSession)) is None  # expiry deletes the row


def test_a_session_ends_when_idle(client: TestClient, world: World) -> None:
    token = api_login(client, "cai")
    idle = world.services.settings.console.idle_minutes
    _expire(world.services, last_seen_at=utcnow() - timedelta(minutes=idle + 1))
    assert client.get("/api/console/me", headers=bearer(token)).status_code == 401


def _enrol(services: ConsoleServices, member_id: str) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    with services.db() as session:
        member = session.get(Member, member_id)
        assert member is not None
        member.totp_secret_wrapped = seal_secret(member.public_key, secret)
        session.commit()
    return pyotp.TOTP(secret)


def test_an_enrolled_member_needs_a_fresh_code(client: TestClient, world: World) -> None:
    totp = _enrol(world.services, world.members["cai"])
    login = {"username": "cai", "password": PASSWORD}
    assert client.post("/api/console/login", json=login).status_code == 401
    assert client.post("/api/console/login", json=login | {"totp": "000000"}).status_code == 401
    code = totp.now()
    assert client.post("/api/console/login", json=login | {"totp": code}).status_code == 200
    # The same code cannot log in twice (someone who saw it over a shoulder).
    assert client.post("/api/console/login", json=login | {"totp": code}).status_code == 401


def test_an_organisation_that_requires_totp_sends_members_to_enrol(
    client: TestClient, world: World
) -> None:
    with world.services.db() as session:
        session.execute(
            update(Organisation).where(Organisation.id == world.org_a).values(require_totp=True)
        )
        session.commit()
    response = client.post("/api/console/login", json={"username": "cai", "password": PASSWORD})
    assert response.json()["totp_enrolment_required"] is True
    token = response.json()["access_token"]
    # Until enrolled, the API refuses and pages lead to the enrolment page.
    assert client.get("/api/console/accounts", headers=bearer(token)).status_code == 403
    assert client.get(f"/api/console/cases/{world.case_a}", headers=bearer(token)).status_code in (
        403,
        404,
    )
    page = client.get("/console/account", headers=bearer(token), follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/account/totp"
    # Once enrolled, a login without a code is refused.
    _enrol(world.services, world.members["cai"])
    again = client.post("/api/console/login", json={"username": "cai", "password": PASSWORD})
    assert again.status_code == 401


def test_a_member_without_a_grant_cannot_log_in(client: TestClient, world: World) -> None:
    world.services.organisations.add_member("甲工友中心", "new1", "caseworker", PASSWORD)
    response = client.post("/api/console/login", json={"username": "new1", "password": PASSWORD})
    assert response.status_code == 401 and response.json()["reason"] == "no_grant"


def test_openapi_schema_is_served_without_a_docs_page(client: TestClient, world: World) -> None:
    schema = client.get("/api/console/openapi.json").json()
    assert "/api/console/login" in schema["paths"]
    assert all(path.startswith("/api/console/") for path in schema["paths"])
    assert client.get("/docs").status_code == 404
