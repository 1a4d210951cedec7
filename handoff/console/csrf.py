"""CSRF tokens: a keyed hash of the login they belong to.

A logged-in form carries ``HMAC(server key, session id)``; the login form, before any session
exists, carries the hash of a random nonce kept in a short-lived cookie. A cross-site page can
read neither. Bearer-token API calls need no token: a browser never adds that header by itself.
"""

from __future__ import annotations

import hmac
import secrets

from handoff.crypto import Vault

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
PRE_LOGIN_COOKIE = "gy_console_pre"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_nonce() -> str:
    """A random value for the pre-login cookie."""
    return secrets.token_urlsafe(24)


def token_for(vault: Vault, binding: str) -> str:
    """The CSRF token for a session id (``session:…``) or a pre-login nonce (``pre:…``)."""
    return vault.blind_index("console-csrf", binding)


def token_matches(vault: Vault, binding: str, offered: str | None) -> bool:
    """True when ``offered`` is the token of ``binding`` (constant-time)."""
    if not offered or not binding:
        return False
    return hmac.compare_digest(token_for(vault, binding), offered)
