"""Public-key and secret-key boxes (libsodium through PyNaCl).

- A *sealed box* encrypts to a public key anonymously: anyone can seal, only the holder of the
  private key can open. Complaint content is sealed to the receiving organisation's key.
- A *secret box* encrypts under a 32-byte key: used to wrap private keys under a key derived
  from a password, a receipt or the recovery key.
"""

from __future__ import annotations

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes

KEY_BYTES = SecretBox.KEY_SIZE


class BoxOpenError(RuntimeError):
    """A box could not be opened: wrong key, wrong password or tampered data."""


def new_private_key() -> PrivateKey:
    """A fresh Curve25519 key pair."""
    return PrivateKey.generate()


def public_key(raw: bytes) -> PublicKey:
    """A public key from its 32 stored bytes."""
    return PublicKey(raw)


def seal(recipient: PublicKey | bytes, plaintext: bytes) -> bytes:
    """Encrypt to ``recipient``; only its private key opens the result."""
    key = recipient if isinstance(recipient, PublicKey) else PublicKey(recipient)
    return bytes(SealedBox(key).encrypt(plaintext))


def unseal(private: PrivateKey, ciphertext: bytes) -> bytes:
    """Open what :func:`seal` made for ``private``'s public key."""
    try:
        return bytes(SealedBox(private).decrypt(ciphertext))
    except CryptoError as exc:
        raise BoxOpenError("cannot open sealed box") from exc


def wrap(key: bytes, plaintext: bytes) -> bytes:
    """Encrypt under a 32-byte symmetric key (random nonce, authenticated)."""
    return bytes(SecretBox(key).encrypt(plaintext))


def unwrap(key: bytes, ciphertext: bytes) -> bytes:
    """Open what :func:`wrap` made under ``key``."""
    try:
        return bytes(SecretBox(key).decrypt(ciphertext))
    except CryptoError as exc:
        raise BoxOpenError("cannot unwrap: wrong key or tampered data") from exc


def new_symmetric_key() -> bytes:
    """32 random bytes for a secret box."""
    return random_bytes(KEY_BYTES)
