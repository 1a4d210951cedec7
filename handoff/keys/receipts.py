"""The worker's receipt: 16 random digits, shown once, never stored.

One Argon2id run over the receipt (with the deployment's salt), split with HKDF, gives the
stored lookup id and a wrapping key that is never stored. Only the worker, holding the
receipt, can find their case and open its worker-side key.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from handoff.keys.argon import Argon2Profile, derive_key

RECEIPT_DIGITS = 16
_GROUP = 4


@dataclass(frozen=True, slots=True)
class ReceiptKeys:
    """What a receipt yields: where to look the case up, and the key that opens its side."""

    lookup_id: str
    wrap_key: bytes


def new_receipt() -> str:
    """16 random decimal digits (about 53 bits), from the OS's secure random source."""
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def format_receipt(receipt: str) -> str:
    """Grouped for reading aloud and copying: ``1234 5678 9012 3456``."""
    return " ".join(receipt[i : i + _GROUP] for i in range(0, len(receipt), _GROUP))


def normalize_receipt(text: str) -> str | None:
    """The 16 digits of what a worker typed (spaces, dashes, full-width digits allowed)."""
    folded = unicodedata.normalize("NFKC", text)
    digits = "".join(ch for ch in folded if ch.isdigit())
    others = [ch for ch in folded if not ch.isdigit() and not ch.isspace() and ch not in "-_.,，、"]
    if len(digits) != RECEIPT_DIGITS or others:
        return None
    return digits


def _expand(material: bytes, purpose: bytes) -> bytes:
    return HKDFExpand(algorithm=hashes.SHA256(), length=32, info=purpose).derive(material)


def receipt_keys(receipt: str, salt: bytes, profile: Argon2Profile) -> ReceiptKeys:
    """Derive the lookup id and the wrapping key from a normalised receipt (slow, on purpose)."""
    material = derive_key(receipt.encode("ascii"), salt, profile, length=64)
    return ReceiptKeys(
        lookup_id=_expand(material, b"gongyou/receipt/lookup").hex(),
        wrap_key=_expand(material, b"gongyou/receipt/wrap"),
    )
