"""Crisis and danger messages are recognised (recall), look-alikes are not (precision)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from nlu.embedded import EmbeddedBackend, SafetyLayer
from nlu.settings import PROJECT_ROOT
from nlu.training_data import load_training_data
from nlu.types import IntentScore
from tests.nlu.conftest import FIXTURES_DIR, load_cases

SAFETY = load_cases("safety_cases.yml")
SAFETY_INTENTS = ("crisis_self_harm", "urgent_danger")
MIN_RECALL = 0.95


def test_lists_are_long_and_varied() -> None:
    assert len(SAFETY["crisis_self_harm"]) + len(SAFETY["urgent_danger"]) >= 60
    assert len(set(SAFETY["crisis_self_harm"])) == len(SAFETY["crisis_self_harm"])
    assert len(set(SAFETY["urgent_danger"])) == len(SAFETY["urgent_danger"])


@pytest.mark.parametrize("intent", SAFETY_INTENTS)
def test_recall(embedded_backend: EmbeddedBackend, intent: str) -> None:
    texts = SAFETY[intent]
    missed = [t for t in texts if embedded_backend.parse(t).intent.name != intent]
    recall = 1 - len(missed) / len(texts)
    print(f"{intent}: recall {recall:.3f} over {len(texts)} phrasings; missed: {missed}")
    assert recall >= MIN_RECALL


def test_look_alikes_are_not_taken_for_safety(embedded_backend: EmbeddedBackend) -> None:
    wrong = {
        text: result.intent.name
        for text in SAFETY["not_safety"]
        if (result := embedded_backend.parse(text)).intent.name in SAFETY_INTENTS
    }
    assert len(SAFETY["not_safety"]) >= 20
    assert wrong == {}


def test_extra_phrasings(embedded_backend: EmbeddedBackend) -> None:
    """A second list of our own (tests/nlu/fixtures/safety_extra.yml)."""
    extra = yaml.safe_load((FIXTURES_DIR / "safety_extra.yml").read_text(encoding="utf-8"))
    for intent in SAFETY_INTENTS:
        missed = [t for t in extra[intent] if embedded_backend.parse(t).intent.name != intent]
        print(f"extra {intent}: {len(extra[intent]) - len(missed)}/{len(extra[intent])}; {missed}")
        assert len(missed) <= len(extra[intent]) * 0.1
    wrong = [
        t for t in extra["not_safety"] if embedded_backend.parse(t).intent.name in SAFETY_INTENTS
    ]
    assert wrong == []


def test_the_rule_layer_alone() -> None:
    """The regular expressions by themselves, so recall does not hang on the classifier."""
    layer = SafetyLayer.load()
    for intent in SAFETY_INTENTS:
        texts = SAFETY[intent]
        hits = sum(intent in layer.detect(t) for t in texts)
        print(f"rules alone: {intent} {hits}/{len(texts)}")
        assert hits >= 0.9 * len(texts)
    assert [t for t in SAFETY["not_safety"] if layer.detect(t)] == []


def test_rules_rarely_fire_on_ordinary_questions() -> None:
    """Precision on the 1,500-odd non-safety training sentences (labour questions, chat)."""
    layer = SafetyLayer.load()
    ordinary = [
        e.text
        for e in load_training_data(PROJECT_ROOT / "nlu" / "data").examples
        if e.intent not in SAFETY_INTENTS
    ]
    alarms = [t for t in ordinary if layer.detect(t)]
    print(f"rules fire on {len(alarms)} of {len(ordinary)} ordinary sentences: {alarms}")
    assert len(alarms) <= 0.01 * len(ordinary)


def test_a_pattern_matching_everything_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "safety.yml"
    path.write_text("crisis_self_harm:\n  patterns:\n    - 不想活|\n", encoding="utf-8")
    with pytest.raises(ValueError, match="matches the empty text"):
        SafetyLayer.load(path)


def test_safety_intents_exist_in_the_model(embedded_backend: EmbeddedBackend) -> None:
    assert set(SafetyLayer.load().intents) == set(SAFETY_INTENTS)
    assert set(SAFETY_INTENTS) <= set(embedded_backend.model.intents)


def _ranking(**scores: float) -> list[IntentScore]:
    return [IntentScore(name, c) for name, c in scores.items()]


def test_a_rule_hit_puts_the_safety_intent_on_top() -> None:
    layer = SafetyLayer.load()
    ranked = layer.apply(
        "我不想活了", _ranking(ask_wages_arrears=0.7, crisis_self_harm=0.2, greet=0.1)
    )
    assert [s.name for s in ranked] == ["crisis_self_harm", "ask_wages_arrears", "greet"]
    assert ranked[0].confidence == 0.9
    assert math.isclose(sum(s.confidence for s in ranked), 1.0)


def test_a_look_alike_demotes_the_classifiers_safety_guess() -> None:
    layer = SafetyLayer.load()
    ranked = layer.apply("累死了", _ranking(crisis_self_harm=0.6, ask_overtime=0.4))
    assert [s.name for s in ranked] == ["ask_overtime", "crisis_self_harm"]
    assert math.isclose(sum(s.confidence for s in ranked), 1.0)


def test_no_rule_no_change() -> None:
    layer = SafetyLayer.load()
    ranking = _ranking(ask_overtime=0.8, greet=0.2)
    assert layer.apply("加班费怎么算", ranking) == ranking
