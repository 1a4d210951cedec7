"""Errors the handoff services raise for callers to turn into kind replies."""

from __future__ import annotations


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached right now; nothing was changed."""


class AccessDeniedError(RuntimeError):
    """Wrong password, no key granted, or an account of another organisation."""


class NotFoundError(LookupError):
    """No such organisation, member or case (for this caller)."""
