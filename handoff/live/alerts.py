"""E-mail alerts to an organisation's on-duty caseworkers, without any case content.

An urgent case or a live-chat request wakes whoever is on duty (``Member.on_duty`` with an
``email``) through the operator's SMTP server. The e-mail says only what kind of thing is
waiting and where the console is: no category, place, words or ids of the case.

Sending never holds up a worker's message: :meth:`AlertMailer.notify` only puts the alert on a
queue that a background task of the process empties (SMTP runs on a thread, with retries).
A burst of alerts of one kind for one organisation within ``min_interval_seconds`` is one mail.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handoff.console.texts import text
from handoff.dbguard import database_errors
from handoff.errors import DatabaseUnavailableError
from handoff.live.settings import AlertSettings
from handoff.live.tasks import current_loop, running_here, stop
from handoff.orgs.models import Member, Organisation

log = structlog.get_logger(__name__)

URGENT_CASE = "urgent_case"
LIVE_REQUEST = "live_request"
KINDS = (URGENT_CASE, LIVE_REQUEST)
_RETRY_DELAYS_SECONDS = (1.0, 5.0, 30.0)


@dataclass(frozen=True, slots=True)
class Alert:
    """Something an organisation's on-duty staff should know about now."""

    org_id: str
    kind: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One e-mail to send."""

    recipients: tuple[str, ...]
    subject: str
    body: str


class AlertMailer:
    """Queue alerts and send them by SMTP from a background task."""

    def __init__(self, db: sessionmaker[Session], settings: AlertSettings) -> None:
        self._db = db
        self._settings = settings
        self._queue: asyncio.Queue[Alert] | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_sent: dict[tuple[str, str], float] = {}
        self.sent = 0  # e-mails accepted by the SMTP server (for tests and the health page)

    @property
    def enabled(self) -> bool:
        """True when the operator configured alerts."""
        return self._settings.enabled

    def notify(self, org_id: str, kind: str) -> None:
        """Queue an alert (returns at once; a no-op when alerts are off)."""
        if kind not in KINDS:
            raise ValueError(kind)
        if not self._settings.enabled:
            return
        queue = self._ensure_worker()
        if queue is None:
            log.warning("alert_dropped_no_event_loop", kind=kind)
            return
        queue.put_nowait(Alert(org_id, kind))

    def _ensure_worker(self) -> asyncio.Queue[Alert] | None:
        loop = current_loop()
        if loop is None:
            return None
        if not running_here(self._task) or self._queue is None:
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._work(self._queue), name="alert-mailer")
        return self._queue

    async def drain(self) -> None:
        """Wait until every queued alert was handled (tests, shutdown)."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        """Stop the background task (alerts still queued are dropped)."""
        task, self._task = self._task, None
        await stop(task)

    async def _work(self, queue: asyncio.Queue[Alert]) -> None:
        while True:
            alert = await queue.get()
            try:
                await self._handle(alert)
            except Exception:  # one bad alert must not stop the next ones
                log.exception("alert_failed", kind=alert.kind)
            finally:
                queue.task_done()

    async def _handle(self, alert: Alert) -> None:
        now = time.monotonic()
        key = (alert.org_id, alert.kind)
        last = self._last_sent.get(key)
        if last is not None and now - last < self._settings.min_interval_seconds:
            return
        try:
            mail = await asyncio.to_thread(self.compose, alert)
        except DatabaseUnavailableError:
            log.warning("alert_recipients_unavailable", kind=alert.kind)
            return
        if mail is None:
            log.info("alert_nobody_on_duty", kind=alert.kind)
            return
        self._last_sent[key] = now
        for attempt, delay in enumerate((*_RETRY_DELAYS_SECONDS, None), start=1):
            try:
                await asyncio.to_thread(self.send, mail)
            except (smtplib.SMTPException, OSError) as exc:
                log.warning(
                    "alert_send_failed", kind=alert.kind, attempt=attempt, error=type(exc).__name__
                )
                if delay is None:
                    return
                await asyncio.sleep(delay)
                continue
            self.sent += len(mail.recipients)
            log.info("alert_sent", kind=alert.kind, recipients=len(mail.recipients))
            return

    def compose(self, alert: Alert) -> Outgoing | None:
        """The e-mail for an alert, or None when nobody of the organisation is on duty."""
        with database_errors(), self._db() as session:
            org = session.get(Organisation, alert.org_id)
            if org is None:
                return None
            recipients = tuple(
                session.scalars(
                    select(Member.email)
                    .where(Member.org_id == org.id, Member.on_duty.is_(True))
                    .where(Member.email != "", Member.disabled_at.is_(None))
                    .order_by(Member.email)
                )
            )
            org_name = org.name
        if not recipients:
            return None
        console = self._settings.console_url or text("alerts.no_console_url")
        return Outgoing(
            recipients=recipients,
            subject=text(f"alerts.{alert.kind}.subject"),
            body=text(
                f"alerts.{alert.kind}.body",
                organisation=org_name,
                console_url=console,
                time=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
            ),
        )

    def send(self, mail: Outgoing) -> None:
        """Send one e-mail per recipient (no one sees the others' addresses)."""
        settings = self._settings
        timeout = settings.timeout_seconds
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=context)
            if settings.username:
                smtp.login(settings.username, settings.password())
            for recipient in mail.recipients:
                smtp.send_message(self._message(mail, recipient))

    def _message(self, mail: Outgoing, recipient: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = recipient
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain=self._settings.sender.rpartition("@")[2] or None)
        message.set_content(mail.body)
        return message
