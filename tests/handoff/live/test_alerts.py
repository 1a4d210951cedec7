"""Alerts by e-mail through a real local SMTP server (aiosmtpd): only on-duty staff, never
case content, never blocking the caller."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from handoff.keys.argon import TEST_PROFILE
from handoff.live import alerts
from handoff.live.alerts import AlertMailer
from handoff.live.settings import AlertSettings
from handoff.orgs.models import Member
from handoff.orgs.service import OrganisationService
from tests.handoff.live.conftest import PASSWORD, Org

pytestmark = pytest.mark.anyio


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, int]]:
    # aiosmtpd's server thread logs each session on "mail.log", sometimes after the test's
    # captured stream has closed ("--- Logging error ---" in the suite's output): kept local.
    mail_log = logging.getLogger("mail.log")
    monkeypatch.setattr(mail_log, "propagate", False)
    monkeypatch.setattr(mail_log, "handlers", [logging.NullHandler()])
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def staff(db: sessionmaker[Session], org: Org) -> None:
    """lin (coordinator) on duty, mei on duty without an address, bo off duty."""
    service = OrganisationService(db, TEST_PROFILE)
    service.add_member("甲工友中心", "mei", "caseworker", PASSWORD)
    service.add_member("甲工友中心", "bo", "caseworker", PASSWORD)
    with db() as session:
        for name, email, on_duty in (
            ("lin", "lin@ngo.example", True),
            ("mei", "", True),
            ("bo", "bo@ngo.example", False),
        ):
            session.execute(
                update(Member).where(Member.username == name).values(email=email, on_duty=on_duty)
            )
        session.commit()


def mailer(db: sessionmaker[Session], port: int, **overrides: Any) -> AlertMailer:
    settings = AlertSettings(
        enabled=True,
        smtp_port=port,
        sender="alerts@ngo.example",
        console_url="https://ngo.example/console",
        **overrides,
    )
    return AlertMailer(db, settings)


async def wait_for_mail(inbox: Inbox, count: int) -> None:
    for _ in range(100):
        if len(inbox.messages) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(inbox.messages)} of {count} e-mails arrived")


async def test_urgent_case_reaches_on_duty_staff_only(
    db: sessionmaker[Session], org: Org, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    staff(db, org)
    alert = mailer(db, port)
    alert.notify(org.id, alerts.URGENT_CASE)  # returns at once
    await alert.drain()
    await wait_for_mail(inbox, 1)
    ((recipients, message),) = inbox.messages
    assert recipients == ["lin@ngo.example"]
    assert message["From"] == "alerts@ngo.example"
    body = message.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert "https://ngo.example/console" in body
    await alert.close()


async def test_alerts_carry_no_case_content(
    db: sessionmaker[Session], org: Org, smtp: tuple[Inbox, int]
) -> None:
    """Whatever the case said, the e-mail holds only the kind of alert and where to look."""
    inbox, port = smtp
    staff(db, org)
    alert = mailer(db, port, min_interval_seconds=0)
    for kind in alerts.KINDS:
        alert.notify(org.id, kind)
    await alert.drain()
    await wait_for_mail(inbox, 2)
    for _recipients, message in inbox.messages:
        raw = message.as_string()
        text = message.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
        for secret in ("工资", "广东", "wages", org.id, "case"):
            assert secret not in text and secret not in raw
        assert message["Subject"]
    await alert.close()


async def test_a_burst_is_one_mail(
    db: sessionmaker[Session], org: Org, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    staff(db, org)
    alert = mailer(db, port)
    for _ in range(5):
        alert.notify(org.id, alerts.LIVE_REQUEST)
    await alert.drain()
    await wait_for_mail(inbox, 1)
    await asyncio.sleep(0.2)
    assert len(inbox.messages) == 1
    assert alert.sent == 1
    await alert.close()


async def test_off_and_nobody_on_duty_send_nothing(
    db: sessionmaker[Session], org: Org, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    disabled = AlertMailer(db, AlertSettings(enabled=False, smtp_port=port))
    disabled.notify(org.id, alerts.URGENT_CASE)
    nobody = mailer(db, port)  # the coordinator exists but is not on duty
    nobody.notify(org.id, alerts.URGENT_CASE)
    await nobody.drain()
    await asyncio.sleep(0.2)
    assert inbox.messages == []
    await nobody.close()


async def test_an_smtp_outage_never_blocks_the_caller(db: sessionmaker[Session], org: Org) -> None:
    staff(db, org)
    alert = mailer(db, free_port(), timeout_seconds=1)  # nothing listens there
    loop = asyncio.get_running_loop()
    started = loop.time()
    alert.notify(org.id, alerts.URGENT_CASE)
    assert loop.time() - started < 0.05
    await alert.close()


async def test_password_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGYOU_SMTP_PASSWORD", "from-env")
    assert AlertSettings().password() == "from-env"
    assert "from-env" not in repr(AlertSettings())
