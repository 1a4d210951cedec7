"""Turn "the database cannot be reached" into one error callers can answer kindly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError

from handoff.errors import DatabaseUnavailableError


@contextmanager
def database_errors() -> Iterator[None]:
    """Raise DatabaseUnavailableError for lost or refused connections; other errors pass."""
    try:
        yield
    except OperationalError as exc:
        raise DatabaseUnavailableError(type(exc.orig).__name__) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailableError(type(exc.orig).__name__) from exc
        raise
