"""Two-factor login with TOTP (RFC 6238, pyotp), enrolled by a QR code drawn here (segno).

The secret is stored only sealed to the member's public key, so it opens only with the member's
password at login: a stolen database, even with the server key, does not yield it. Each code is
accepted once (the last accepted time step is kept).
"""

from __future__ import annotations

import hmac
import io
import time
from datetime import UTC, datetime

import pyotp
import segno
from nacl.public import PrivateKey

from handoff.keys.boxes import seal, unseal

_DRIFT_STEPS = 1  # one 30-second step either side, for phone clocks a little off


def new_secret() -> str:
    """A random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG markup (no image request, no third party)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=False, nl=False
    )
    return buffer.getvalue().decode("utf-8")


def seal_secret(member_public: bytes, secret: str) -> bytes:
    """The secret as stored: sealed to the member."""
    return seal(member_public, secret.encode("ascii"))


def open_secret(member_private: PrivateKey, sealed: bytes) -> str:
    """The secret, opened with the member's private key (raises BoxOpenError)."""
    return unseal(member_private, sealed).decode("ascii")


def accepted_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step ``code`` belongs to, if valid and newer than ``last_step``; else None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(datetime.fromtimestamp(time.time() if now is None else now, UTC))
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
