"""Encryption at rest and blind indexes.

One master secret (``GONGYOU_SECRET_KEY``) is stretched with HKDF into separate keys: one for
authenticated encryption (Fernet) and one for keyed hashes (HMAC-SHA256) that let us find a
record by a secret value (a chat id, a receipt code) without storing the value itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DecryptionError(RuntimeError):
    """Ciphertext was tampered with or made with another key."""


def _derive(secret: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gongyou/v1", info=purpose)
    return hkdf.derive(secret.encode("utf-8"))


class Vault:
    """Encrypts and decrypts values and computes blind indexes from one master secret.

    ``old_secrets`` lets a deployment rotate keys: new data uses the first secret, old data
    still decrypts and old blind indexes are still found (see ``gongyou secret rotate``).
    """

    def __init__(self, secret: str, *, old_secrets: tuple[str, ...] = ()) -> None:
        if not secret:
            raise ValueError("a secret key is required")
        fernets = [
            Fernet(base64.urlsafe_b64encode(_derive(s, b"encryption")))
            for s in (secret, *old_secrets)
        ]
        self._fernet = MultiFernet(fernets)
        self._index_key = _derive(secret, b"blind-index")
        self._old_index_keys = tuple(_derive(s, b"blind-index") for s in old_secrets)

    def encrypt(self, plaintext: str) -> bytes:
        """Encrypt text (authenticated; a fresh random IV every call)."""
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        """Decrypt what ``encrypt`` produced; raise DecryptionError on tampering."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise DecryptionError("cannot decrypt: wrong key or tampered data") from exc

    def blind_index(self, *parts: str) -> str:
        """A keyed hash of the parts: equal inputs give equal output, but it cannot be reversed
        or recomputed without the key."""
        return _index(self._index_key, parts)

    def blind_indexes(self, *parts: str) -> list[str]:
        """The index under the current key, then under each old key (while rotating)."""
        return [_index(key, parts) for key in (self._index_key, *self._old_index_keys)]

    def reencrypt(self, token: bytes) -> bytes:
        """The same plaintext encrypted under the current key (old keys still read)."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise DecryptionError("cannot decrypt: wrong key or tampered data") from exc


def _index(key: bytes, parts: tuple[str, ...]) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
