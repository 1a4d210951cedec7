"""The test run's own plumbing: each pytest-xdist worker gets a Redis database of its own."""

from __future__ import annotations

import os

import pytest

from tests.conftest import _redis_url_of_this_worker


@pytest.mark.parametrize(
    ("worker", "url", "expected"),
    [
        (None, "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"),
        ("gw0", "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"),
        ("gw1", "redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/14"),
        ("gw3", "redis://:pw@127.0.0.1:6379/15", "redis://:pw@127.0.0.1:6379/12"),
        # Never database 0: other users of a shared Redis keep theirs there.
        ("gw1", "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/2"),
        ("gw1", "redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"),
    ],
)
def test_each_worker_has_its_own_redis_database(
    monkeypatch: pytest.MonkeyPatch, worker: str | None, url: str, expected: str
) -> None:
    if worker is None:
        monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    else:
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
    monkeypatch.setenv("REDIS_URL", "unchanged")
    assert _redis_url_of_this_worker(url) == expected
    # A moved URL is put in the environment, for servers a test starts as subprocesses.
    assert os.environ["REDIS_URL"] == ("unchanged" if expected == url else expected)


def test_no_url_stays_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert _redis_url_of_this_worker(None) is None
