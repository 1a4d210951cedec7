"""A compiled form of the fitted pipeline: the same probabilities without scikit-learn's overhead.

scikit-learn spends about 3 ms on one short message (input checks, sparse matrix assembly, a
FeatureUnion, three calibrated classifiers one after another); the arithmetic itself is a few
hundred multiplications. ``CompiledScorer`` reads the n-grams exactly as the fitted vectorisers
do (their own analysers, or :class:`CharWbAnalyzer`, an exact and faster copy of the ``char_wb``
one), looks them up in their vocabularies, applies the fitted TF-IDF weights, and scores every
calibrated fold with one gather-and-sum over a stacked weight matrix.
``tests/nlu/test_embedded_scorer.py`` checks it against ``predict_proba``.

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
from operator import mul

import numpy as np
import numpy.typing as npt
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from nlu.embedded.features import WordAnalyzer

FloatArray = npt.NDArray[np.float64]


class CharWbAnalyzer:
    """scikit-learn's ``char_wb`` analyser for ``str`` input, n-gram for n-gram, in its order.

    scikit-learn collapses runs of whitespace (``\\s\\s+``) before ``str.split()``, which splits
    at every run of the same characters anyway, so the words (and n-grams) are the same.
    """

    def __init__(self, preprocess: Callable[[str], str], ngram_range: tuple[int, int]) -> None:
        self._preprocess = preprocess
        self._min_n, self._max_n = ngram_range

    def __call__(self, text: str) -> list[str]:
        """The n-grams of each space-padded word of the preprocessed ``text``, n by n."""
        return self.ngrams(self._preprocess(text))

    def ngrams(self, text: str) -> list[str]:
        """``_char_wb_ngrams`` of text already preprocessed."""
        grams: list[str] = []
        low, high = self._min_n, self._max_n
        for word in text.split():
            padded = f" {word} "
            size = len(padded)
            for n in range(low, high + 1):
                if n >= size:  # a word no longer than n counts once, as itself
                    grams.append(padded)
                    break
                if n == 1:
                    grams += padded
                else:
                    grams += [padded[i : i + n] for i in range(size - n + 1)]
        return grams


def _char_wb_analyzer(transformer: TfidfVectorizer) -> CharWbAnalyzer | None:
    """The fast equivalent of ``transformer.build_analyzer()`` when it is ``char_wb`` on text."""
    low, high = transformer.ngram_range
    if transformer.analyzer != "char_wb" or transformer.input != "content" or low < 1:
        return None
    return CharWbAnalyzer(transformer.build_preprocessor(), (low, high))


class _TermFrequencies(dict[int, float]):
    """tf weight of a count: ``1 + log(n)`` (sublinear) or ``n``, computed once per count."""

    def __init__(self, sublinear: bool) -> None:
        super().__init__()
        self.sublinear = sublinear

    def __missing__(self, n: int) -> float:
        weight = (1.0 + math.log(n)) if self.sublinear else float(n)
        self[n] = weight
        return weight


@dataclass(frozen=True, slots=True)
class _Vectoriser:
    """One fitted TF-IDF vectoriser: its analyser, and each n-gram's column and idf weight."""

    analyzer: Callable[[str], list[str]]
    #: n-gram -> column in the stacked feature space of all vectorisers
    columns: dict[str, int]
    #: idf weight of each column of the stacked feature space
    idf: list[float]
    tf: _TermFrequencies
    #: The vectoriser's own analyser object when it is a callable (the trainer's WordAnalyzer).
    word_analyzer: object = None

    def features(self, text: str, grams: list[str] | None = None) -> tuple[list[int], list[float]]:
        """Columns and TF-IDF values of ``text`` before the L2 norm (see :func:`l2_norm`);
        ``grams`` are the analyser's n-grams of ``text`` when the caller has them already.

        Columns come in the order of the n-grams' first occurrence, as scikit-learn counts them.
        """
        columns = self.columns
        counts = Counter(
            filter(columns.__contains__, self.analyzer(text) if grams is None else grams)
        )
        found = list(map(columns.__getitem__, counts))
        tf = map(self.tf.__getitem__, counts.values())
        return found, list(map(mul, tf, map(self.idf.__getitem__, found)))


def l2_norm(values: list[float]) -> float:
    """The Euclidean norm, summed left to right as ``sum(v * v for v in values)``."""
    return math.sqrt(sum(map(mul, values, values)))


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
        self._beta_column = betas[:, None]
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

    def _features(self, text: str, words: list[str] | None) -> tuple[list[int], FloatArray]:
        """Columns and L2-normalised TF-IDF values of every vectoriser, side by side."""
        columns: list[int] = []
        values: list[float] = []
        bounds: list[tuple[int, int, float]] = []
        for index, vectoriser in enumerate(self._vectorisers):
            grams = None
            if words is not None and index == self._word_index:
                grams = WordAnalyzer.grams(words)
            found_columns, found_values = vectoriser.features(text, grams)
            if found_columns:
                start = len(values)
                bounds.append((start, start + len(found_values), l2_norm(found_values)))
                columns += found_columns
                values += found_values
        normalised = np.array(values)
        for start, end, norm in bounds:
            normalised[start:end] /= norm
        return columns, normalised

    def predict_proba(self, text: str, words: list[str] | None = None) -> FloatArray:
        """Mean over the calibrated folds of softmax(beta * decision), one value per class.

        ``words`` is :meth:`WordAnalyzer.cut` of ``text`` when the caller has it (the entity
        extractor reads the same cut), so jieba runs once per message.
        """
        columns, values = self._features(text, words)
        if columns:
            decisions = values @ self._weights[columns] + self._intercepts
        else:
            decisions = self._intercepts.copy()
        logits = decisions.reshape(len(self._betas), self._n_classes) * self._beta_column
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        folds = exp / exp.sum(axis=1, keepdims=True)
        # ``mean(axis=0)`` is this very sum and division, without its Python-level checks.
        probabilities: FloatArray = np.add.reduce(folds, axis=0) / len(folds)
        return probabilities


def _compile_vectorisers(features: FeatureUnion) -> list[_Vectoriser] | None:
    transformers = [t for _, t in features.transformer_list]
    if not all(isinstance(t, TfidfVectorizer) and t.norm == "l2" for t in transformers):
        return None
    # One idf list over the stacked columns, shared by the vectorisers.
    idf = [float(w) for t in transformers for w in t.idf_]
    vectorisers: list[_Vectoriser] = []
    offset = 0
    for transformer in transformers:
        vectorisers.append(
            _Vectoriser(
                analyzer=_char_wb_analyzer(transformer) or transformer.build_analyzer(),
                columns={g: c + offset for g, c in transformer.vocabulary_.items()},
                idf=idf,
                tf=_TermFrequencies(bool(transformer.sublinear_tf)),
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
