"""Accounts and keys through the console: adding and granting, removing, password change,
TOTP enrolment, key rotation and the recovery key."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from handoff.console.sessions import SessionToken
from handoff.console_models import StaffSession
from handoff.errors import AccessDeniedError
from handoff.keys.boxes import BoxOpenError, unseal
from handoff.orgs.models import Member, Organisation
from tests.handoff.console.web.conftest import (
    ORG_A,
    PASSWORD,
    SECRET_A,
    World,
    api_login,
    bearer,
    browser_login,
)

NEW_PASSWORD = "another long password 2"


def _member(world: World, name: str) -> Member:
    with world.services.db() as session:
        member = session.scalar(select(Member).where(Member.username == name))
    assert member is not None
    return member


def test_coordinator_adds_an_account_with_the_key(client: TestClient, world: World) -> None:
    token = api_login(client, "ana")
    created = client.post(
        "/api/console/accounts",
        json={"username": "dai", "role": "caseworker", "password": PASSWORD},
        headers=bearer(token),
    )
    assert created.status_code == 201
    listed = client.get("/api/console/accounts", headers=bearer(token)).json()
    dai = next(row for row in listed["data"] if row["username"] == "dai")
    assert dai["has_grant"] is True and dai["role"] == "caseworker"
    key = world.services.organisations.unlock("dai", PASSWORD).org_key
    assert world.services.cases.read_for_org(world.case_a, world.org_a, key).content


def test_grant_later_then_the_account_logs_in(client: TestClient, world: World) -> None:
    token = api_login(client, "ana")
    created = client.post(
        "/api/console/accounts",
        json={"username": "dai", "role": "caseworker", "password": PASSWORD, "grant": False},
        headers=bearer(token),
    ).json()
    refused = client.post("/api/console/login", json={"username": "dai", "password": PASSWORD})
    assert refused.status_code == 401
    grant = client.post(f"/api/console/accounts/{created['id']}/grant", headers=bearer(token))
    assert grant.status_code == 204
    assert api_login(client, "dai")


def test_a_removed_account_loses_its_key_and_its_logins(client: TestClient, world: World) -> None:
    cai = api_login(client, "cai")
    ana = api_login(client, "ana")
    removed = client.delete(f"/api/console/accounts/{world.members['cai']}", headers=bearer(ana))
    assert removed.status_code == 204
    assert client.get("/api/console/me", headers=bearer(cai)).status_code == 401
    again = client.post("/api/console/login", json={"username": "cai", "password": PASSWORD})
    assert again.status_code == 401
    member = _member(world, "cai")
    assert member.org_key_sealed is None and member.disabled_at is not None


def test_a_coordinator_cannot_remove_themselves(client: TestClient, world: World) -> None:
    ana = api_login(client, "ana")
    response = client.delete(f"/api/console/accounts/{world.members['ana']}", headers=bearer(ana))
    assert response.status_code == 400


def test_password_change_rewraps_the_key(client: TestClient, world: World) -> None:
    other = api_login(client, "cai")
    token = api_login(client, "cai")
    before = _member(world, "cai")
    changed = client.post(
        "/api/console/account/password",
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert changed.status_code == 204
    after = _member(world, "cai")
    assert after.private_key_wrapped != before.private_key_wrapped
    assert after.key_salt != before.key_salt
    assert after.public_key == before.public_key  # grants stay valid
    with pytest.raises(AccessDeniedError):
        world.services.organisations.unlock("cai", PASSWORD)
    key = world.services.organisations.unlock("cai", NEW_PASSWORD).org_key
    assert world.services.cases.read_for_org(world.case_a, world.org_a, key).content
    # This login continues; the member's other logins end.
    assert client.get("/api/console/me", headers=bearer(token)).status_code == 200
    assert client.get("/api/console/me", headers=bearer(other)).status_code == 401


def test_wrong_old_password_changes_nothing(client: TestClient, world: World) -> None:
    token = api_login(client, "cai")
    response = client.post(
        "/api/console/account/password",
        json={"old_password": "wrong password!", "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert response.status_code == 400
    assert world.services.organisations.unlock("cai", PASSWORD)


def test_totp_enrolment_through_the_pages(client: TestClient, world: World) -> None:
    csrf = browser_login(client, "cai")
    page = client.get("/console/account/totp")
    assert "<svg" in page.text and "http" not in page.text.split("<svg", 1)[1].split("</svg>")[0]
    secret = re.search(r'<p class="secret">([A-Z2-7]+)</p>', page.text)
    pending = re.search(r'name="pending" value="([^"]+)"', page.text)
    assert secret and pending
    wrong = client.post(
        "/console/account/totp",
        data={"pending": pending.group(1), "code": "000000", "csrf_token": csrf},
    )
    assert wrong.status_code == 400
    done = client.post(
        "/console/account/totp",
        data={
            "pending": pending.group(1),
            "code": pyotp.TOTP(secret.group(1)).now(),
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    member = _member(world, "cai")
    assert member.totp_secret_wrapped is not None
    assert secret.group(1).encode() not in member.totp_secret_wrapped
    refused = client.post("/api/console/login", json={"username": "cai", "password": PASSWORD})
    assert refused.status_code == 401


def test_an_enrolment_of_one_member_cannot_be_confirmed_by_another(
    client: TestClient, world: World
) -> None:
    browser_login(client, "cai")
    page = client.get("/console/account/totp").text
    pending = re.search(r'name="pending" value="([^"]+)"', page)
    secret = re.search(r'<p class="secret">([A-Z2-7]+)</p>', page)
    assert pending and secret
    with TestClient(client.app, base_url="https://testserver") as other:
        csrf = browser_login(other, "ana")
        response = other.post(
            "/console/account/totp",
            data={
                "pending": pending.group(1),
                "code": pyotp.TOTP(secret.group(1)).now(),
                "csrf_token": csrf,
            },
        )
    assert response.status_code == 400
    assert _member(world, "ana").totp_secret_wrapped is None


def test_rotation_keeps_cases_readable_with_the_new_key_only(
    client: TestClient, world: World
) -> None:
    services = world.services
    services.cases.add_message(world.case_a, "worker", f"{SECRET_A} 补充")
    old_key = services.organisations.unlock("ana", PASSWORD).org_key
    cai = api_login(client, "cai")
    ana = api_login(client, "ana")
    rotated = client.post("/api/console/organisation/rotate", headers=bearer(ana))
    assert rotated.status_code == 200
    body = rotated.json()
    assert body["key_version"] == 2 and body["regranted"] == 2
    # Every login of the organisation ended; the coordinator carries on with the new token.
    assert client.get("/api/console/me", headers=bearer(ana)).status_code == 401
    assert client.get("/api/console/me", headers=bearer(cai)).status_code == 401
    assert client.get("/api/console/me", headers=bearer(body["access_token"])).status_code == 200
    for name in ("ana", "cai"):
        new_key = services.organisations.unlock(name, PASSWORD).org_key
        view = services.cases.read_for_org(world.case_a, world.org_a, new_key)
        assert SECRET_A in str(view.content) and len(view.messages) == 1
    with pytest.raises(AccessDeniedError):
        services.cases.read_for_org(world.case_a, world.org_a, old_key)
    with services.db() as session:
        org = session.get(Organisation, world.org_a)
        assert org is not None
        with pytest.raises(BoxOpenError):
            unseal(old_key, org.index_key_sealed)
    # The old recovery key no longer opens anything; the new one does.
    with pytest.raises(AccessDeniedError):
        services.organisations.recover(ORG_A, world.recovery_a, "cai")
    services.organisations.recover(ORG_A, body["recovery_key"], "cai")
    # Organisation B is untouched.
    key_b = services.organisations.unlock("bo", PASSWORD).org_key
    assert services.cases.read_for_org(world.case_b, world.org_b, key_b).content


def test_rotation_keeps_the_index_key(client: TestClient, world: World) -> None:
    services = world.services
    old_key = services.organisations.unlock("ana", PASSWORD).org_key
    with services.db() as session:
        org = session.get(Organisation, world.org_a)
        assert org is not None
        index_before = unseal(old_key, org.index_key_sealed)
    ana = api_login(client, "ana")
    assert client.post("/api/console/organisation/rotate", headers=bearer(ana)).status_code == 200
    new_key = services.organisations.unlock("ana", PASSWORD).org_key
    with services.db() as session:
        org = session.get(Organisation, world.org_a)
        assert org is not None
        assert unseal(new_key, org.index_key_sealed) == index_before


def test_rotation_through_the_page_shows_the_recovery_key_once(
    client: TestClient, world: World
) -> None:
    csrf = browser_login(client, "ana")
    page = client.post("/console/organisation/rotate", data={"confirm": "1", "csrf_token": csrf})
    assert page.status_code == 200
    recovery = re.search(r'<p class="secret">([A-Z2-7-]+)</p>', page.text)
    assert recovery
    # The new cookie works, and the recovery key is stored nowhere in clear.
    assert client.get("/console/accounts").status_code == 200
    with world.services.db() as session:
        org = session.get(Organisation, world.org_a)
        assert org is not None and recovery.group(1).encode() not in org.recovery_wrapped_key
    world.services.organisations.recover(ORG_A, recovery.group(1), "cai")


def test_recovery_key_regrants_an_account(client: TestClient, world: World) -> None:
    ana = api_login(client, "ana")
    client.delete(f"/api/console/accounts/{world.members['cai']}", headers=bearer(ana))
    member_id = client.post(
        "/api/console/accounts",
        json={"username": "dai", "role": "coordinator", "password": PASSWORD, "grant": False},
        headers=bearer(ana),
    ).json()["id"]
    csrf = browser_login(client, "ana")
    wrong = client.post(
        "/console/organisation/recover",
        data={"recovery_key": "AAAA-BBBB", "member_id": member_id, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert "error=recovery_wrong" in wrong.headers["location"]
    done = client.post(
        "/console/organisation/recover",
        data={"recovery_key": world.recovery_a, "member_id": member_id, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert "done=recovered" in done.headers["location"]
    assert api_login(client, "dai")


def test_a_member_of_another_organisation_is_not_found(client: TestClient, world: World) -> None:
    bo = api_login(client, "bo")
    for response in (
        client.post(f"/api/console/accounts/{world.members['cai']}/grant", headers=bearer(bo)),
        client.delete(f"/api/console/accounts/{world.members['cai']}", headers=bearer(bo)),
    ):
        assert response.status_code == 404
    csrf = browser_login(client, "bo")
    recover = client.post(
        "/console/organisation/recover",
        data={
            "recovery_key": world.recovery_a,
            "member_id": world.members["cai"],
            "csrf_token": csrf,
        },
    )
    assert recover.status_code == 404
    assert _member(world, "cai").disabled_at is None


def test_sessions_are_deleted_not_kept_after_logout_and_removal(
    client: TestClient, world: World
) -> None:
    token = SessionToken.parse(api_login(client, "cai"))
    assert token is not None
    ana = api_login(client, "ana")
    client.delete(f"/api/console/accounts/{world.members['cai']}", headers=bearer(ana))
    with world.services.db() as session:
        assert session.get(StaffSession, token.row_id) is None
