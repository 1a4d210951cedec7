"""RasaBackend: its mapping of Rasa's answers and its fallback (fast), and the real thing.

The integration tests (markers ``rasa`` and ``slow``) train a real Rasa model from nlu/data and
parse through RasaBackend against a real ``rasa run --enable-api``. The model is trained with
config.yml's own pipeline (JiebaTokenizer with nlu/dictionary, count vectors with char n-grams,
DIET, regex/lookup entities, synonyms, fallback), except that DIET runs
``rasa_prefetch.TEST_DIET_EPOCHS`` epochs instead of config.yml's 100 (training about 10 min on
two idle cores, 17 beside the suite on one, started in the background when collection ends, see
``tests/nlu/rasa_prefetch.py``; server start ~30 s; about a minute in all when a model trained
from the same files is restored from the model cache, see ``rasa_runtime.train_rasa_model``).

They need the Rasa virtualenv (.venv-rasa). When it is missing they create it with
``bash scripts/rasa.sh setup`` if a Python 3.10 can be found. Outside CI they are skipped, with
the reason printed, when there is no Python 3.10; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from structlog.testing import capture_logs

from nlu import rasa_runtime
from nlu.embedded import EmbeddedBackend
from nlu.embedded.safety import SafetyLayer
from nlu.rasa_backend import RasaBackend, result_from_rasa
from nlu.settings import NluSettings
from nlu.types import Entity, IntentScore
from tests.nlu import rasa_prefetch

F = TypeVar("F", bound=Callable[..., Any])


def integration(test: F) -> F:
    """Marks a test that needs a real Rasa (trained model, running server)."""
    marked: F = pytest.mark.rasa(pytest.mark.slow(pytest.mark.timeout(1800)(test)))
    return marked


IN_CI = os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}
NO_PYTHON_310 = "needs Python 3.10 and none was found"

# Clear sentences of our own (not copied from the training data): text → intent.
CLEAR_INTENTS = [
    ("你好", "greet"),
    ("公司一直不给我们交住房公积金怎么办", "ask_housing_fund"),
    ("公司不幫我們交住房公積金怎麼辦", "ask_housing_fund"),  # Traditional: normalised first
    ("我想找个真人工作人员聊一下", "talk_to_human"),
    ("我真的不想活了", "crisis_self_harm"),
]


# ---- fast: Rasa's answer format and the fallback, no Rasa needed ----------------------------


def test_rasa_fallback_intent_is_dropped_and_the_best_real_intent_wins() -> None:
    payload = {
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "ask_overtime", "confidence": 0.25},
            {"name": "greet", "confidence": 0.05},
        ],
        "entities": [],
    }

    result = result_from_rasa("加班", payload)

    assert result is not None
    assert result.intent == IntentScore("ask_overtime", 0.25)
    assert result.ranking == (IntentScore("ask_overtime", 0.25), IntentScore("greet", 0.05))
    assert result.backend == "rasa"


def test_answer_without_any_intent_maps_to_none() -> None:
    payload = {"intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []}

    assert result_from_rasa("", payload) is None
    assert result_from_rasa("", {}) is None


# text, Rasa's entities, expected (entity, value, start, end, text, extractor)
def found(entity: str, start: int, end: int, value: str, extractor: str = "DIETClassifier") -> Any:
    """One entity as Rasa's /model/parse reports it."""
    return {"entity": entity, "start": start, "end": end, "value": value, "extractor": extractor}


ENTITY_CASES = [
    (
        "月薪4500块",
        [
            found("money", 2, 7, "4500块"),
            found("money", 2, 7, "4500块", "RegexEntityExtractor"),
        ],
        [("money", 4500, 2, 7, "4500块", "RegexEntityExtractor")],
    ),
    (
        "加了三个半小时",
        [found("hours", 2, 7, "3.5")],
        [("hours", 3.5, 2, 7, "三个半小时", "DIETClassifier")],
    ),
    (
        "在東莞上班",  # offsets point into the original (Traditional) text
        [found("city", 1, 3, "东莞")],
        [("city", "东莞", 1, 3, "東莞", "DIETClassifier")],
    ),
    (
        "干了两年",
        [found("duration", 2, 4, "两年")],
        [("duration", 24.0, 2, 4, "两年", "DIETClassifier")],
    ),
    (
        "上个月加了60个小时",  # an amount entity with no number in it (DIET's guess) is dropped
        [found("hours", 0, 3, "上个月"), found("hours", 5, 10, "60")],
        [("hours", 60, 5, 10, "60个小时", "DIETClassifier")],
    ),
    (
        "你好",  # spans outside the text and malformed items are ignored
        [found("city", 1, 9, "x"), {"entity": "city"}, "junk"],
        [],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "entities", "expected"), ENTITY_CASES)
def test_entities_are_deduplicated_and_normalised(
    text: str, entities: list[Any], expected: list[tuple[Any, ...]]
) -> None:
    payload = {"intent": {"name": "greet", "confidence": 0.9}, "entities": entities}

    result = result_from_rasa(text, payload)

    assert result is not None
    assert [(e.entity, e.value, e.start, e.end, e.text, e.extractor) for e in result.entities] == [
        *expected
    ]
    assert all(isinstance(e, Entity) for e in result.entities)


def test_safety_rules_put_a_crisis_on_top_whatever_rasa_says() -> None:
    payload = {"intent_ranking": [{"name": "greet", "confidence": 0.95}], "entities": []}

    result = result_from_rasa("我不想活了", payload, safety=SafetyLayer.load())

    assert result is not None
    assert result.intent.name == "crisis_self_harm"
    assert result.intent.confidence >= 0.9


def test_closed_port_falls_back_logs_once_and_retries_after_the_back_off(
    embedded_backend: EmbeddedBackend,
) -> None:
    now = [1000.0]
    url = f"http://127.0.0.1:{rasa_runtime.free_port()}"  # nothing listens there
    rasa = RasaBackend(
        NluSettings(rasa_url=url, rasa_timeout_seconds=1.0),
        embedded_backend,
        retry_after_seconds=30.0,
        clock=lambda: now[0],
    )
    texts = ["公司一直不给我们交住房公积金怎么办", "你好"]

    with capture_logs() as logs:
        first = [rasa.parse(text) for text in texts]
        now[0] += 31.0  # past the back-off: Rasa is tried again, still down
        again = rasa.parse(texts[0])
    rasa.close()

    assert [r.backend for r in [*first, again]] == ["embedded"] * 3
    assert [r.intent for r in first] == [embedded_backend.parse(t).intent for t in texts]
    assert [e["event"] for e in logs if e["log_level"] == "warning"] == [
        "rasa_unavailable_using_fallback"
    ]
    assert not any(text in str(event) for event in logs for text in texts)
    assert rasa.available is False


def test_text_that_cannot_be_sent_goes_to_the_fallback_without_an_outage(
    embedded_backend: EmbeddedBackend,
) -> None:
    rasa = RasaBackend(NluSettings(rasa_url="http://127.0.0.1:9"), embedded_backend)

    with capture_logs() as logs:
        result = rasa.parse("\ud800")
    rasa.close()

    assert result.backend == "embedded"
    assert logs == []
    assert rasa.available is True


# ---- integration: a real Rasa ---------------------------------------------------------------


def _ensure_rasa() -> None:
    """Make sure .venv-rasa exists, creating it when a Python 3.10 is available."""
    if rasa_runtime.rasa_installed():
        return
    try:
        rasa_runtime.setup_rasa()
    except rasa_runtime.RasaRuntimeError as exc:
        reason = f"no Rasa virtualenv and `bash scripts/rasa.sh setup` failed: {exc}"
        if NO_PYTHON_310 in str(exc) and not IN_CI:
            print(f"\nSKIPPED Rasa integration test: {reason}")
            pytest.skip(reason)
        if NO_PYTHON_310 in str(exc):
            pytest.fail(f"CI=true needs Python 3.10 for Rasa 3.6 (pyenv or uv): {reason}")
        pytest.fail(reason)


@pytest.fixture(scope="module")
def rasa_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _ensure_rasa()
    # Started in the background when collection ended (tests/nlu/rasa_prefetch.py), if Rasa
    # was installed by then; trained here otherwise.
    return rasa_prefetch.model(tmp_path_factory.mktemp("rasa"))


@pytest.fixture(scope="module")
def server(
    rasa_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[rasa_runtime.RasaServer]:
    log = tmp_path_factory.mktemp("rasa-run") / "rasa-run.log"
    with rasa_runtime.RasaServer(rasa_model, log_path=log) as running:
        yield running


@pytest.fixture(scope="module")
def backend(
    server: rasa_runtime.RasaServer, embedded_backend: EmbeddedBackend
) -> Iterator[RasaBackend]:
    rasa = RasaBackend(
        NluSettings(rasa_url=server.url, rasa_timeout_seconds=10.0),
        embedded_backend,
        retry_after_seconds=0.0,  # try Rasa again on every message
    )
    yield rasa
    rasa.close()


@integration
@pytest.mark.parametrize(("text", "intent"), CLEAR_INTENTS)
def test_rasa_understands_clear_sentences(backend: RasaBackend, text: str, intent: str) -> None:
    result = backend.parse(text)

    assert (result.backend, result.intent.name) == ("rasa", intent)
    assert result.text == text
    assert result.ranking[0] == result.intent
    assert "nlu_fallback" not in [s.name for s in result.ranking]


@integration
def test_rasa_entities_have_numeric_values_and_offsets(backend: RasaBackend) -> None:
    text = "月薪4500 上个月加班了60个小时 帮我算算加班费"

    result = backend.parse(text)

    assert (result.backend, result.intent.name) == ("rasa", "calc_overtime")
    found = {(e.entity, e.value, e.start, e.end, e.text) for e in result.entities}
    start_money = text.index("4500")
    assert ("money", 4500, start_money, start_money + 4, "4500") in found
    hours = [e for e in result.entities if e.entity == "hours"]
    assert [e.value for e in hours] == [60]
    assert text[hours[0].start : hours[0].end] == hours[0].text
    assert hours[0].text.startswith("60")


# Last in the file on purpose: it stops the module's Rasa server.
@integration
def test_answers_from_the_embedded_backend_when_rasa_goes_down(
    server: rasa_runtime.RasaServer, backend: RasaBackend, embedded_backend: EmbeddedBackend
) -> None:
    assert backend.parse("你好").backend == "rasa"
    server.stop()  # the port is closed from here on
    texts = ["公司一直不给我们交住房公积金怎么办", "我想找个真人工作人员聊一下", "你好"]

    with capture_logs() as logs:
        results = [backend.parse(text) for text in texts]

    assert [r.backend for r in results] == ["embedded"] * 3
    expected = [embedded_backend.parse(t).intent.name for t in texts]
    assert [r.intent.name for r in results] == expected
    # Rasa was tried again for every message, but the outage is reported once.
    warnings = [e for e in logs if e["log_level"] == "warning"]
    assert [e["event"] for e in warnings] == ["rasa_unavailable_using_fallback"]
    assert not any(text in str(event) for event in logs for text in texts)
    assert backend.available is False
