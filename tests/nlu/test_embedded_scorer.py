"""The compiled scorer gives the scikit-learn pipeline's probabilities, text for text."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from nlu.embedded import EmbeddedBackend
from nlu.embedded.features import build_features, char_preprocessor
from nlu.embedded.model import ClassifierConfig, train_embedded
from nlu.embedded.scorer import _char_wb_analyzer, compile_scorer
from nlu.settings import PROJECT_ROOT, NluSettings
from nlu.training_data import load_training_data
from tests.nlu.conftest import SMALL_DATA_DIR, load_cases

# Digits, Traditional characters, emoji, Latin, n-grams never seen in training, nothing at all.
ODD_TEXTS = [
    "",
    " ",
    "？？？",
    "😀😀",
    "abc xyz",
    "老闆拖欠工資三個月了",
    "加班费3k怎么算",
    "龘龘龘",
    "0000000000",
    "我" * 400,
]


def _assert_same(backend: EmbeddedBackend, texts: list[str]) -> None:
    scorer = backend.model.scorer
    assert scorer is not None
    for text in texts:
        compiled = scorer.predict_proba(text)
        reference = backend.model.pipeline_proba(text)
        np.testing.assert_allclose(compiled, reference, rtol=0, atol=1e-9, err_msg=text)


def test_real_model_is_compiled(embedded_backend: EmbeddedBackend) -> None:
    assert embedded_backend.model.scorer is not None


def test_same_probabilities_on_training_and_held_out_texts(
    embedded_backend: EmbeddedBackend,
) -> None:
    data = load_training_data(PROJECT_ROOT / "nlu" / "data")
    texts = [e.text for e in data.examples][::5]
    texts += [c["text"] for c in load_cases("intent_cases.yml")["cases"]]
    _assert_same(embedded_backend, texts + ODD_TEXTS)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_same_probabilities_on_any_text(embedded_backend: EmbeddedBackend, text: str) -> None:
    clean = text.encode("utf-8", errors="replace").decode("utf-8")
    _assert_same(embedded_backend, [clean])


def test_same_ranking_through_parse(embedded_backend: EmbeddedBackend) -> None:
    model = embedded_backend.model
    for text in ["工资拖了两个月怎么办", "你好", "厂里着火了门锁着出不去"]:
        reference = model.pipeline_proba(text)
        best = model.classes[int(np.argmax(reference))]
        ranking = model.rank(text)
        # Safety rules may promote a safety intent; otherwise the model's best comes first.
        assert ranking[0].name == best or ranking[0].name.startswith(("crisis", "urgent"))


def test_unsupported_shapes_are_not_compiled(real_settings: NluSettings) -> None:
    data = load_training_data(real_settings.data_dir)
    # Sigmoid calibration is not what the compiled scorer implements: the pipeline is kept.
    sigmoid = train_embedded(
        data, real_settings, classifier=ClassifierConfig(calibration="sigmoid")
    )
    assert sigmoid.scorer is None
    assert sigmoid.rank("工资拖了两个月")[0].name == "ask_wages_arrears"


def test_small_model_is_compiled_exactly() -> None:
    # Few examples: every n-gram kept (min_df=1), a different vocabulary and fold shape.
    data = load_training_data(SMALL_DATA_DIR)
    model = train_embedded(data, NluSettings(data_dir=SMALL_DATA_DIR))
    _assert_same(EmbeddedBackend.from_model(model), [e.text for e in data.examples] + ODD_TEXTS)
    assert compile_scorer(Pipeline([("features", build_features())])) is None


@pytest.mark.parametrize("text", ["工资拖了两个月", "加班费怎么算"])
def test_model_without_scorer_still_ranks(embedded_backend: EmbeddedBackend, text: str) -> None:
    model = embedded_backend.model
    compiled = [(s.name, round(s.confidence, 9)) for s in model.rank(text)]
    scorer, model.scorer = model.scorer, None
    try:
        reference = [(s.name, round(s.confidence, 9)) for s in model.rank(text)]
    finally:
        model.scorer = scorer
    assert [name for name, _ in compiled] == [name for name, _ in reference]


def test_cached_model_keeps_its_compiled_scorer(
    embedded_backend: EmbeddedBackend, real_settings: NluSettings
) -> None:
    cached = EmbeddedBackend(real_settings)  # unpickled from the model cache
    assert cached.cache_hit is True
    assert cached.model.scorer is not None
    for text in ["老板不给加班费", "我想投诉", ""]:
        np.testing.assert_array_equal(
            cached.model.scorer.predict_proba(text),
            embedded_backend.model.scorer.predict_proba(text),  # type: ignore[union-attr]
        )


# Every character str.split() and re's \s treat as whitespace, and a few that look like it.
_SPACES = [chr(c) for c in range(0x3100) if chr(c).isspace()] + ["\u200b", "\ufeff", "\u180e"]
_CHAR_WB_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from([*_SPACES, "a", "B", "中", "闆", "1", "２", "😀"]),
        st.characters(exclude_categories=["Cs"]),  # parse replaces lone surrogates first
    ),
    max_size=40,
)


@pytest.mark.parametrize("ngram_range", [(1, 3), (2, 4), (1, 1), (3, 5)])
@settings(max_examples=300, deadline=None)
@given(text=_CHAR_WB_TEXT)
def test_char_wb_analyzer_gives_sklearns_ngrams_in_order(
    ngram_range: tuple[int, int], text: str
) -> None:
    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=ngram_range, preprocessor=char_preprocessor, lowercase=False
    )
    fast = _char_wb_analyzer(vectoriser)
    assert fast is not None
    assert fast(text) == vectoriser.build_analyzer()(text)


def test_char_wb_analyzer_on_the_training_texts() -> None:
    vectoriser = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), preprocessor=char_preprocessor, lowercase=False
    )
    fast, reference = _char_wb_analyzer(vectoriser), vectoriser.build_analyzer()
    assert fast is not None
    data = load_training_data(PROJECT_ROOT / "nlu" / "data")
    for text in [e.text for e in data.examples] + ODD_TEXTS + [" a  b\t\u3000c\n", "x"]:
        assert fast(text) == reference(text), text
