"""Who is using the console: a member whose organisation key is open for this request."""

from __future__ import annotations

from dataclasses import dataclass

from nacl.public import PrivateKey


@dataclass(frozen=True)
class Staff:
    """A logged-in caseworker or coordinator.

    ``org_key`` and ``index_key`` were unwrapped for this request from the session's stored
    copy with the key carried only in the member's cookie or bearer token; they are never
    stored unwrapped.
    """

    member_id: str
    username: str
    role: str
    org_id: str
    org_name: str
    org_key: PrivateKey
    index_key: bytes | None
    session_id: str

    @property
    def is_coordinator(self) -> bool:
        """Coordinators manage accounts, keys, the audit log and retention."""
        return self.role == "coordinator"
