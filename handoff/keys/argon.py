"""Argon2id, the one slow hash: password hashes, password-derived keys and receipt keys.

Its cost is a setting (:class:`Argon2Profile`); tests use a cheap profile and one test pins the
production defaults. At most ``slow_hash_slots()`` slow hashes run at once in a process, so a
burst of submissions cannot exhaust memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import Type, hash_secret_raw
from pydantic import BaseModel, Field


class Argon2Profile(BaseModel):
    """Argon2id cost parameters (RFC 9106's second recommendation by default)."""

    time_cost: int = Field(default=3, ge=1, le=20)
    memory_kib: int = Field(default=65536, ge=8, le=4_194_304)
    parallelism: int = Field(default=1, ge=1, le=16)


PRODUCTION_PROFILE = Argon2Profile()
#: Receipts are 16 random digits (about 53 bits), not passwords a person chose: guessing one
#: costs 10^16 runs whatever the cost per run, so a lighter run (OWASP's minimum for Argon2id)
#: keeps them out of reach — about 19 million CPU-years at 60 ms a run — while a burst of
#: submissions costs a quarter of the CPU.
RECEIPT_PROFILE = Argon2Profile(time_cost=2, memory_kib=19456, parallelism=1)
#: For tests only: fast, and still Argon2id.
TEST_PROFILE = Argon2Profile(time_cost=1, memory_kib=64, parallelism=1)


def slow_hash_slots() -> int:
    """How many slow hashes may run at once: one less than the cores, at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


@cache
def _gate() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(slow_hash_slots())


@contextmanager
def _slot() -> Iterator[None]:
    with _gate():
        yield


def derive_key(secret: bytes, salt: bytes, profile: Argon2Profile, length: int = 32) -> bytes:
    """Argon2id raw output: a key derived from a password or a receipt."""
    with _slot():
        return hash_secret_raw(
            secret,
            salt,
            time_cost=profile.time_cost,
            memory_cost=profile.memory_kib,
            parallelism=profile.parallelism,
            hash_len=length,
            type=Type.ID,
        )


def _hasher(profile: Argon2Profile) -> PasswordHasher:
    return PasswordHasher(
        time_cost=profile.time_cost,
        memory_cost=profile.memory_kib,
        parallelism=profile.parallelism,
    )


def hash_password(password: str, profile: Argon2Profile) -> str:
    """An Argon2id password hash in PHC string form (salt and parameters inside)."""
    with _slot():
        return _hasher(profile).hash(password)


def verify_password(stored_hash: str, password: str, profile: Argon2Profile) -> bool:
    """True when ``password`` matches; False on mismatch or a malformed hash."""
    try:
        with _slot():
            return _hasher(profile).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
