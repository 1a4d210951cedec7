"""A compiled form of the fitted pipeline: the same probabilities without scikit-learn's overhead.

scikit-learn spends about 3 ms on one short message (input checks, sparse matrix assembly, a
FeatureUnion, three calibrated classifiers one after another); the arithmetic itself is a few
hundred multiplications. ``CompiledScorer`` keeps the fitted vectorisers' own analysers (so the
n-grams are exactly scikit-learn's), looks the n-grams up in their vocabularies, applies the
fitted TF-IDF weights, and scores every calibrated fold with one gather-and-sum over a stacked
weight matrix. ``tests/nlu/test_embedded_scorer.py`` checks it against ``predict_proba``.

Only the shape the trainer builds is compiled: word and character ``TfidfVectorizer``s in a
``FeatureUnion``, then a ``CalibratedClassifierCV`` of linear classifiers with temperature
calibration. Anything else makes ``compile_scorer`` return ``None`` and the model keeps using
the pipeline.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from nlu.embedded.features import WordAnalyzer

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Vectoriser:
    """One fitted TF-IDF vectoriser: its analyser, vocabulary and weights, at a column offset."""

    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: list[float]  # a list: indexing it per n-gram is cheaper than a numpy array
    sublinear_tf: bool
    offset: int
    #: The vectoriser's own analyser object when it is a callable (the trainer's WordAnalyzer).
    word_analyzer: object = None

    def features(self, text: str, grams: list[str] | None = None) -> tuple[list[int], list[float]]:
        """Columns and L2-normalised TF-IDF values of ``text`` (the vectoriser's transform);
        ``grams`` are the analyser's n-grams of ``text`` when the caller has them already."""
        vocabulary = self.vocabulary
        counts = Counter(
            column
            for gram in (self.analyzer(text) if grams is None else grams)
            if (column := vocabulary.get(gram)) is not None
        )
        if not counts:
            return [], []
        columns = list(counts)
        values = [
            ((1.0 + math.log(n)) if self.sublinear_tf else float(n)) * self.idf[c]
            for c, n in counts.items()
        ]
        norm = math.sqrt(sum(v * v for v in values))
        return [c + self.offset for c in columns], [v / norm for v in values]


class CompiledScorer:
    """Calibrated class probabilities of one text, equal to the pipeline's ``predict_proba``."""

    def __init__(
        self,
        vectorisers: Sequence[_Vectoriser],
        weights: FloatArray,
        intercepts: FloatArray,
        betas: FloatArray,
        n_classes: int,
    ) -> None:
        self._vectorisers = tuple(vectorisers)
        # (n_features, n_folds * n_classes): one row per feature, so a text's few non-zero
        # features are a cheap gather of rows.
        self._weights = weights
        self._intercepts = intercepts
        self._betas = betas
        self._n_classes = n_classes
        # The vectoriser whose analyser is the trainer's WordAnalyzer, if any: its n-grams can
        # come from a cut the caller made (sklearn calls a callable analyser on the raw text).
        self._word_index = -1
        self._word_analyzer: WordAnalyzer | None = None
        for index, vectoriser in enumerate(self._vectorisers):
            if isinstance(vectoriser.word_analyzer, WordAnalyzer):
                self._word_index, self._word_analyzer = index, vectoriser.word_analyzer
                break

    @property
    def word_analyzer(self) -> WordAnalyzer | None:
        """The fitted word vectoriser's analyser, when it is the trainer's ``WordAnalyzer``."""
        return self._word_analyzer

    def predict_proba(self, text: str, words: list[str] | None = None) -> FloatArray:
        """Mean over the calibrated folds of softmax(beta * decision), one value per class.

        ``words`` is :meth:`WordAnalyzer.cut` of ``text`` when the caller has it (the entity
        extractor reads the same cut), so jieba runs once per message.
        """
        columns: list[int] = []
        values: list[float] = []
        for index, vectoriser in enumerate(self._vectorisers):
            grams = None
            if words is not None and index == self._word_index:
                grams = WordAnalyzer.grams(words)
            found_columns, found_values = vectoriser.features(text, grams)
            columns += found_columns
            values += found_values
        if columns:
            decisions = np.asarray(values) @ self._weights[columns] + self._intercepts
        else:
            decisions = self._intercepts.copy()
        logits = decisions.reshape(len(self._betas), self._n_classes) * self._betas[:, None]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities: FloatArray = (exp / exp.sum(axis=1, keepdims=True)).mean(axis=0)
        return probabilities


def _compile_vectorisers(features: FeatureUnion) -> list[_Vectoriser] | None:
    vectorisers: list[_Vectoriser] = []
    offset = 0
    for _, transformer in features.transformer_list:
        if not isinstance(transformer, TfidfVectorizer) or transformer.norm != "l2":
            return None
        vectorisers.append(
            _Vectoriser(
                analyzer=transformer.build_analyzer(),
                vocabulary=dict(transformer.vocabulary_),
                idf=[float(w) for w in transformer.idf_],
                sublinear_tf=bool(transformer.sublinear_tf),
                offset=offset,
                word_analyzer=transformer.analyzer if callable(transformer.analyzer) else None,
            )
        )
        offset += len(transformer.vocabulary_)
    return vectorisers


def compile_scorer(pipeline: Pipeline) -> CompiledScorer | None:
    """A ``CompiledScorer`` for a fitted pipeline of the trainer's shape, else ``None``."""
    features = pipeline.named_steps.get("features")
    classifier = pipeline.named_steps.get("classifier")
    if not isinstance(features, FeatureUnion) or not isinstance(classifier, CalibratedClassifierCV):
        return None
    if classifier.method != "temperature" or len(classifier.classes_) < 3:
        return None
    vectorisers = _compile_vectorisers(features)
    if vectorisers is None:
        return None
    classes = list(classifier.classes_)
    weights, intercepts, betas = [], [], []
    for calibrated in classifier.calibrated_classifiers_:
        estimator = calibrated.estimator
        coef = getattr(estimator, "coef_", None)
        # Each fold's estimator was fitted on label-encoded classes; a fold missing a class
        # would need the columns re-aligned, which the trainer's stratified folds never produce.
        if coef is None or [int(c) for c in estimator.classes_] != list(range(len(classes))):
            return None
        weights.append(np.asarray(coef, dtype=np.float64))
        intercepts.append(np.asarray(estimator.intercept_, dtype=np.float64))
        betas.append(float(calibrated.calibrators[0].beta_))
    return CompiledScorer(
        vectorisers,
        weights=np.ascontiguousarray(np.vstack(weights).T),
        intercepts=np.concatenate(intercepts),
        betas=np.asarray(betas),
        n_classes=len(classes),
    )
