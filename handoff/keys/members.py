"""Key pairs of staff accounts and of organisations.

- A member's private key is wrapped by a key derived from their password (Argon2id).
- An organisation's private key is sealed to each member it is granted to, and wrapped once
  under a recovery key that is printed once and stored nowhere.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from nacl.public import PrivateKey

from handoff.keys.argon import Argon2Profile, derive_key
from handoff.keys.boxes import new_private_key, seal, unseal, unwrap, wrap

_SALT_BYTES = 16
_RECOVERY_BYTES = 32


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A private key as stored: its public half, and the private half wrapped."""

    public_key: bytes
    wrapped_private: bytes
    salt: bytes


def new_member_key(password: str, profile: Argon2Profile) -> tuple[PrivateKey, WrappedKey]:
    """A member key pair whose private half only ``password`` opens."""
    private = new_private_key()
    return private, wrap_with_password(private, password, profile)


def wrap_with_password(private: PrivateKey, password: str, profile: Argon2Profile) -> WrappedKey:
    """Wrap ``private`` under a fresh password-derived key (new salt every time)."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = derive_key(password.encode("utf-8"), salt, profile)
    return WrappedKey(bytes(private.public_key), wrap(key, bytes(private)), salt)


def unwrap_with_password(stored: WrappedKey, password: str, profile: Argon2Profile) -> PrivateKey:
    """The member's private key; raises ``BoxOpenError`` on a wrong password."""
    key = derive_key(password.encode("utf-8"), stored.salt, profile)
    return PrivateKey(unwrap(key, stored.wrapped_private))


def grant(org_private: PrivateKey, member_public: bytes) -> bytes:
    """Seal the organisation's private key to a member."""
    return seal(member_public, bytes(org_private))


def open_grant(member_private: PrivateKey, sealed: bytes) -> PrivateKey:
    """The organisation's private key from a member's grant."""
    return PrivateKey(unseal(member_private, sealed))


def new_recovery_key() -> str:
    """A printable recovery key (256 random bits, base32 in groups of four)."""
    raw = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode("ascii").rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def recovery_key_bytes(recovery_key: str) -> bytes:
    """The 32-byte wrapping key a printed recovery key stands for."""
    raw = "".join(ch for ch in recovery_key.upper() if ch.isalnum())
    padded = raw + "=" * (-len(raw) % 8)
    key = base64.b32decode(padded)
    if len(key) != _RECOVERY_BYTES:
        raise ValueError("not a recovery key")
    return key


def wrap_for_recovery(org_private: PrivateKey, recovery_key: str) -> bytes:
    """The organisation's private key wrapped under its recovery key."""
    return wrap(recovery_key_bytes(recovery_key), bytes(org_private))


def open_with_recovery(wrapped: bytes, recovery_key: str) -> PrivateKey:
    """The organisation's private key from the recovery key."""
    return PrivateKey(unwrap(recovery_key_bytes(recovery_key), wrapped))
