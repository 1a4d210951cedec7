"""The offset confirmed to Telegram never passes an update still being handled."""

from __future__ import annotations

from bot.channels.telegram.polling import OffsetTracker


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
