"""The embedded backend on held-out Chinese sentences (tests/nlu/cases/intent_cases.yml)."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.embedded import FALLBACK_INTENT, EmbeddedBackend
from nlu.settings import PROJECT_ROOT
from nlu.tokenizer import normalize
from nlu.training_data import load_training_data
from nlu.types import READ_CHARS
from tests.nlu.conftest import as_number, load_cases

CASES = load_cases("intent_cases.yml")["cases"]
INTENT_CASES = [c for c in CASES if c.get("intent")]
ENTITY_CASES = [c for c in CASES if c.get("entities")]
# Where a case lists entities it lists every entity of these kinds in its text.
LISTED_KINDS = {"money", "hours", "duration", "city", "province"}
MIN_INTENT_ACCURACY = 0.90
MIN_EXACT_ENTITY_CASES = 0.95


def _acceptable(case: dict[str, object]) -> list[str]:
    intent = case["intent"]
    return [str(i) for i in intent] if isinstance(intent, list) else [str(intent)]


def test_cases_are_held_out() -> None:
    training = {
        normalize(e.text) for e in load_training_data(PROJECT_ROOT / "nlu" / "data").examples
    }
    assert [c["text"] for c in CASES if normalize(c["text"]) in training] == []


def test_intent_accuracy_on_the_held_out_table(embedded_backend: EmbeddedBackend) -> None:
    failures = []
    for case in INTENT_CASES:
        result = embedded_backend.parse(case["text"])
        if result.intent.name not in _acceptable(case):
            failures.append(
                f"{case['text']!r}: expected {_acceptable(case)}, got {result.intent.name}"
                f" ({result.intent.confidence:.2f})"
            )
    accuracy = 1 - len(failures) / len(INTENT_CASES)
    print(f"intent accuracy {accuracy:.3f} on {len(INTENT_CASES)} cases; failures:")
    print("\n".join(failures))
    assert len(INTENT_CASES) >= 50
    assert accuracy >= MIN_INTENT_ACCURACY


def test_entity_values_on_the_held_out_table(embedded_backend: EmbeddedBackend) -> None:
    failures = []
    for case in ENTITY_CASES:
        expected = Counter((e["entity"], as_number(e["value"])) for e in case["entities"])
        kinds = LISTED_KINDS | {e["entity"] for e in case["entities"]}
        result = embedded_backend.parse(case["text"])
        found = Counter(
            (e.entity, as_number(e.value)) for e in result.entities if e.entity in kinds
        )
        if found != expected:
            failures.append(f"{case['text']!r}: expected {dict(expected)}, got {dict(found)}")
    exact = 1 - len(failures) / len(ENTITY_CASES)
    print(f"exact entity values in {exact:.3f} of {len(ENTITY_CASES)} cases; failures:")
    print("\n".join(failures))
    assert len(ENTITY_CASES) >= 20
    assert exact >= MIN_EXACT_ENTITY_CASES


def test_result_shape(embedded_backend: EmbeddedBackend) -> None:
    result = embedded_backend.parse("老板拖欠我三个月工资 一共一万二")
    names = [s.name for s in result.ranking]
    confidences = [s.confidence for s in result.ranking]
    assert result.backend == "embedded"
    assert result.intent == result.ranking[0]
    assert sorted(names) == sorted(embedded_backend.model.intents)
    assert confidences == sorted(confidences, reverse=True)
    assert math.isclose(sum(confidences), 1.0, abs_tol=1e-6)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert result.entity_values("money") == [12000]
    assert result.entity_values("duration") == [3.0]


def test_traditional_and_simplified_agree(embedded_backend: EmbeddedBackend) -> None:
    simplified = embedded_backend.parse("公司不帮我们交住房公积金怎么办")
    traditional = embedded_backend.parse("公司不幫我們交住房公積金怎麼辦")
    assert traditional.intent.name == simplified.intent.name == "ask_housing_fund"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_message_gets_the_fallback_intent(
    embedded_backend: EmbeddedBackend, text: str
) -> None:
    result = embedded_backend.parse(text)
    assert (result.intent.name, result.intent.confidence, result.entities) == (
        FALLBACK_INTENT,
        0.0,
        (),
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_parse_never_raises(embedded_backend: EmbeddedBackend, text: str) -> None:
    result = embedded_backend.parse(text)
    assert result.text == text
    assert 0.0 <= result.intent.confidence <= 1.0
    for entity in result.entities:
        assert 0 <= entity.start < entity.end <= len(text)


@pytest.mark.timeout(60)  # a guard against a hang, not a speed measurement
@pytest.mark.parametrize(
    "text", ["1" * 100_000, "一个" * 50_000, "我的卡号6222020200112233445566778899"]
)
def test_a_huge_or_strange_message_is_read_by_its_beginning(
    embedded_backend: EmbeddedBackend, text: str
) -> None:
    result = embedded_backend.parse(text)
    assert result.intent.name
    assert all(e.end <= READ_CHARS for e in result.entities)


def test_parsing_only_computes_once_the_sentence_encoder_is_loaded(
    embedded_backend: EmbeddedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nlu.embedded import semantic

    monkeypatch.setattr(semantic, "_tried", False)
    assert not embedded_backend.computes_only  # its first use may read weights for seconds
    monkeypatch.setattr(semantic, "_tried", True)
    assert embedded_backend.computes_only
