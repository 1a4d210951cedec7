"""Readers waiting for a key, woken from any thread or event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator


class Waiters:
    """Events by key; ``wake(key)`` sets every event waiting on it, in its own loop."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(
            set
        )

    @contextlib.contextmanager
    def waiting(self, key: str) -> Iterator[asyncio.Event]:
        """Register an event for ``key`` for the duration of the block (register before the
        last read, so a publish between that read and the wait is not missed)."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        self._by_key[key].add(entry)
        try:
            yield entry[1]
        finally:
            waiting = self._by_key.get(key)
            if waiting is not None:
                waiting.discard(entry)
                if not waiting:
                    del self._by_key[key]

    def wake(self, key: str) -> None:
        """Wake the readers of ``key``."""
        for loop, event in list(self._by_key.get(key, ())):
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)

    def wake_all(self) -> None:
        """Wake every reader (after a reconnect: they re-read by cursor)."""
        for key in list(self._by_key):
            self.wake(key)

    def __len__(self) -> int:
        return sum(len(waiting) for waiting in self._by_key.values())
