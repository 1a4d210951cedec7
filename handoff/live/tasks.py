"""Background tasks of the live parts: each runs in the event loop that started it."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


def current_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, or None outside one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def running_here(task: asyncio.Task[Any] | None) -> bool:
    """True when ``task`` is alive in the running loop (a test's or a server's loop may end
    and another start: then the task must be started again there)."""
    loop = current_loop()
    return task is not None and not task.done() and loop is not None and task.get_loop() is loop


async def stop(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` and wait for it, when it runs in this loop."""
    if running_here(task):
        assert task is not None  # noqa: S101 - checked by running_here
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
