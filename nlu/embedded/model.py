"""The embedded model: TF-IDF features, a calibrated linear classifier, rule entities, safety."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import sklearn
import structlog
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from nlu.dialect import with_wage_words
from nlu.embedded.features import build_features
from nlu.embedded.safety import SELF_HARM, Judgement, SafetyLayer
from nlu.embedded.scorer import CompiledScorer, compile_scorer
from nlu.embedded.semantic import (
    SemanticSafety,
    safety_set_examples,
    safety_set_kinds,
    train_semantic_safety,
)
from nlu.entities import EntityExtractor
from nlu.openers import without_opener
from nlu.settings import NluSettings
from nlu.tokenizer import get_tokenizer
from nlu.training_data import TrainingData
from nlu.types import IntentScore, ParseResult

log = structlog.get_logger(__name__)

BACKEND_NAME: Final = "embedded"
# What an empty or unreadable message gets: no intent, zero confidence (below any threshold).
FALLBACK_INTENT: Final = "nlu_fallback"
RANDOM_SEED: Final = 0


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    """Hyper-parameters of the classifier (part of the model cache key)."""

    svc_c: float = 0.5
    calibration: str = "temperature"
    calibration_folds: int = 3
    # n-grams must occur in this many examples, once the data has min_df_from_examples examples
    # (a tiny data set keeps every n-gram).
    min_df: int = 2
    min_df_from_examples: int = 200


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """How a model was trained (counts and seconds only; no training text)."""

    intents: tuple[str, ...]
    examples: int
    train_seconds: float
    data_hash: str = ""
    # CPU seconds of the process while training: unlike the wall clock, hardly moved by other
    # work on a shared machine (what the speed test checks).
    train_cpu_seconds: float = 0.0


def _classifier(
    config: ClassifierConfig, labels: list[str]
) -> CalibratedClassifierCV | LogisticRegression:
    smallest = min(Counter(labels).values())
    folds = min(config.calibration_folds, smallest)
    if folds < 2:
        # Too few examples of some intent to hold any out for calibration: logistic
        # regression's own probabilities are the honest fallback.
        return LogisticRegression(C=10.0, max_iter=2000)
    svc = LinearSVC(C=config.svc_c, class_weight="balanced", random_state=RANDOM_SEED)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=RANDOM_SEED)
    return CalibratedClassifierCV(svc, method=config.calibration, cv=cv)


class EmbeddedModel:
    """A trained model: ``parse`` gives the full intent ranking and rule/lookup entities."""

    def __init__(
        self,
        pipeline: Pipeline,
        extractor: EntityExtractor,
        safety: SafetyLayer,
        info: ModelInfo,
        semantic: SemanticSafety | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.extractor = extractor
        self.safety = safety
        self.semantic = semantic
        self.info = info
        self._classes: list[str] = [str(c) for c in pipeline.classes_]
        # The same probabilities as the pipeline, several times faster (None: an unusual shape).
        self.scorer: CompiledScorer | None = compile_scorer(pipeline)

    @property
    def classes(self) -> list[str]:
        """Intent names in the order of the classifier's probability columns."""
        return list(self._classes)

    @property
    def intents(self) -> tuple[str, ...]:
        """Intents the model can predict."""
        return self.info.intents

    def rank(self, text: str) -> list[IntentScore]:
        """All intents, best first, with calibrated confidences (safety rules applied)."""
        return self.judge(text).ranking

    def judge(self, text: str) -> Judgement:
        """The safety layer's signal and the ranking made consistent with it.

        The classifier reads the text without a courtesy opener; the safety rules read it all.
        """
        return self._judge(text, with_wage_words(without_opener(text)), None)

    def _judge(self, text: str, question: str, words: list[str] | None) -> Judgement:
        # ``words``: the word analyser's cut of ``question``, when the caller made it.
        if self.scorer is not None:
            probabilities = self.scorer.predict_proba(question, words)
        else:
            probabilities = self.pipeline_proba(question)
        order = np.argsort(-probabilities, kind="stable")
        ranking = [IntentScore(self._classes[i], float(probabilities[i])) for i in order]
        return self.safety.judge(text, ranking, self.semantic)

    def _cut(self, question: str) -> list[str] | None:
        """The classifier's jieba cut of ``question``, when the extractor can share it."""
        analyzer = self.scorer.word_analyzer if self.scorer is not None else None
        if analyzer is None or analyzer.dictionary_dir != self.extractor.dictionary_dir:
            return None
        return analyzer.cut(question)

    def pipeline_proba(self, text: str) -> npt.NDArray[np.float64]:
        """Class probabilities straight from the scikit-learn pipeline (the reference)."""
        # One short text per call: scikit-learn's input validation costs more than the maths.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return np.asarray(self.pipeline.predict_proba([text])[0], dtype=np.float64)

    def parse(self, text: str) -> ParseResult:
        """Understand one message; never raises on string input."""
        # Lone surrogates cannot be converted or tokenised; "?" keeps the length (and offsets).
        clean = text.encode("utf-8", errors="replace").decode("utf-8")
        if not clean.strip():
            return _fallback(text)
        try:
            question = with_wage_words(without_opener(clean))
            words = self._cut(question)
            judgement = self._judge(clean, question, words)
            ranking = judgement.ranking
            # Without an opener the extractor reads the very text the classifier cut: one
            # jieba cut serves both (the employer rule needs the word boundaries).
            shared = words if question == clean else None
            entities = tuple(self.extractor.extract(clean, cut=shared))
        except Exception as exc:  # noqa: BLE001 - the contract: parse never raises
            log.warning("embedded_parse_failed", error=type(exc).__name__, length=len(text))
            return _fallback(text)
        return ParseResult(
            text=text,
            intent=ranking[0],
            ranking=tuple(ranking),
            entities=entities,
            backend=BACKEND_NAME,
            safety=judgement.signal,
        )


def _fallback(text: str) -> ParseResult:
    return ParseResult(text=text, intent=IntentScore(FALLBACK_INTENT, 0.0), backend=BACKEND_NAME)


def train_embedded(
    data: TrainingData,
    settings: NluSettings | None = None,
    *,
    classifier: ClassifierConfig | None = None,
    safety: SafetyLayer | None = None,
    data_hash: str = "",
) -> EmbeddedModel:
    """Fit the embedded model on ``data`` (seconds on two cores)."""
    settings = settings or NluSettings()
    if len(data.intents) < 2:
        raise ValueError("the embedded model needs examples of at least two intents")
    started, started_cpu = time.perf_counter(), time.process_time()
    get_tokenizer(settings.dictionary_dir)  # loading jieba's dictionaries counts as training time
    texts = [without_opener(e.text) for e in data.examples]
    labels = [e.intent for e in data.examples]
    dictionary_dir = settings.dictionary_dir
    config = classifier or ClassifierConfig()
    min_df = config.min_df if len(texts) >= config.min_df_from_examples else 1
    pipeline = Pipeline(
        [
            ("features", build_features(dictionary_dir, min_df=min_df)),
            ("classifier", _classifier(config, labels)),
        ]
    )
    pipeline.fit(texts, labels)
    extractor = EntityExtractor.from_training_data(data, dictionary_dir=dictionary_dir)
    safety = safety or SafetyLayer.load()
    semantic = train_semantic_safety(
        [e.text for e in data.examples],
        labels,
        self_harm=safety.intent_of(SELF_HARM),
        physical=safety.intent_of(safety.physical_kinds[0]),
        extra=safety_set_examples(),
        kinds=safety_set_kinds(),
    )
    seconds = time.perf_counter() - started
    cpu_seconds = round(time.process_time() - started_cpu, 3)
    info = ModelInfo(tuple(data.intents), len(texts), round(seconds, 3), data_hash, cpu_seconds)
    log.info(
        "embedded_model_trained",
        intents=len(info.intents),
        examples=info.examples,
        seconds=info.train_seconds,
        semantic_safety=semantic is not None,
    )
    return EmbeddedModel(pipeline, extractor, safety, info, semantic)
