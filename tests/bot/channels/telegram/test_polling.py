"""The offset confirmed to Telegram never passes an update still being handled, and a crash
stops the poller."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from bot.channels.telegram.polling import OffsetTracker, Poller
from bot.channels.telegram.updates import Incoming


def test_nothing_seen_asks_for_everything_pending() -> None:
    assert OffsetTracker().next_offset() is None


def test_the_offset_waits_for_the_oldest_update_in_hand() -> None:
    tracker = OffsetTracker()
    for update_id in (10, 11, 12):
        assert tracker.begin(update_id)
    tracker.finish(11)
    tracker.finish(12)
    assert tracker.next_offset() == 10
    assert not tracker.begin(11)  # handed back by Telegram: already done
    tracker.finish(10)
    assert tracker.next_offset() == 13
    assert not tracker.begin(12)  # confirmed


def test_an_update_is_begun_once() -> None:
    tracker = OffsetTracker()
    assert tracker.begin(5)
    assert not tracker.begin(5)


async def _ignore(_incoming: Incoming) -> None:
    return None


@pytest.mark.anyio
async def test_a_crash_that_meets_progress_still_stops_the_poller() -> None:
    # Python 3.11's asyncio.wait_for returned normally when the cancel arrived in the same
    # moment as the event it waited for, so a crashed poller went on polling for ever.
    poller = Poller(cast(Any, None), _ignore, timeout_seconds=1, max_concurrent_turns=1)
    waiting = asyncio.create_task(poller._wait_for_progress(5))
    await asyncio.sleep(0)
    poller._progress.set()  # the oldest update finishes …
    waiting.cancel()  # … as the process is stopped
    with pytest.raises(asyncio.CancelledError):
        await waiting
