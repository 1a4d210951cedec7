"""Everything the console's routes need, built once by the app that mounts the console."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from handoff.cases.service import CaseService
from handoff.crypto import Vault
from handoff.live.services import LiveServices
from handoff.orgs.service import OrganisationService
from handoff.ports import ConversationControl, WorkerDelivery
from handoff.settings import HandoffSettings


@dataclass
class ConsoleServices:
    """The console's collaborators.

    - ``limits_storage``: a `limits` storage URI for throttling (``async+redis://…`` in
      deployments, ``async+memory://`` on the embedded default).
    - ``redis_url``: set when Redis is used (live updates across processes), else None.
    - ``secure_cookies``: True in production (cookies only over HTTPS).
    - ``live``: live updates (the feed and this process's hub), live chats, delivery state
      and alerts (:mod:`handoff.live`).
    """

    db: sessionmaker[Session]
    vault: Vault
    settings: HandoffSettings
    cases: CaseService
    organisations: OrganisationService
    delivery: WorkerDelivery
    control: ConversationControl
    limits_storage: str
    redis_url: str | None
    secure_cookies: bool
    live: LiveServices
