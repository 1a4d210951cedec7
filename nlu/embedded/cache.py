"""The embedded model cache: ``var/models/embedded-<key>.pkl``, retrained only when needed.

The key hashes the training data, the user dictionary, the code and rule files that shape the
model, the library versions that pickle it, and the model-relevant NLU settings, so an edit to
any of them retrains once and ``make run`` otherwise starts from the cache.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import platform
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

import numpy
import sklearn
import structlog

from nlu.embedded.model import ClassifierConfig, EmbeddedModel, train_embedded
from nlu.embedded.semantic import encoder_version
from nlu.settings import NluSettings
from nlu.training_data import content_hash, load_training_data

log = structlog.get_logger(__name__)

CACHE_PREFIX: Final = "embedded-"
CACHE_SUFFIX: Final = ".pkl"
KEEP_CACHED_MODELS: Final = 3
_NLU_DIR: Final = Path(__file__).resolve().parents[1]
# Source and rule files whose change must invalidate cached models.
_CODE_PATHS: Final = (
    _NLU_DIR / "embedded",
    _NLU_DIR / "entities.py",
    _NLU_DIR / "entity_rules.yml",
    _NLU_DIR / "numbers.py",
    _NLU_DIR / "openers.py",
    _NLU_DIR / "safety_sets",
    _NLU_DIR / "tokenizer.py",
    _NLU_DIR / "training_data.py",
    _NLU_DIR / "types.py",
)
# Settings that do not change the embedded model (switching to Rasa must not retrain its fallback).
_SETTINGS_NOT_IN_KEY: Final = frozenset(
    {"backend", "rasa_url", "rasa_timeout_seconds", "model_dir"}
)


@dataclass(frozen=True, slots=True)
class CacheOutcome:
    """A ready model, where it is stored, and whether it came from the cache."""

    model: EmbeddedModel
    path: Path
    cache_hit: bool
    seconds: float


def _code_hash() -> str:
    sources = [p for p in _CODE_PATHS if p.exists()]
    return content_hash(sources)


def cache_key(settings: NluSettings, classifier: ClassifierConfig | None = None) -> str:
    """Hash of everything the embedded model depends on."""
    config = settings.model_dump(mode="json", exclude=set(_SETTINGS_NOT_IN_KEY))
    parts = {
        "data": content_hash([settings.data_dir]),
        "dictionary": content_hash([settings.dictionary_dir]),
        "code": _code_hash(),
        "settings": config,
        "classifier": asdict(classifier or ClassifierConfig()),
        "versions": [
            platform.python_version(),
            sklearn.__version__,
            numpy.__version__,
            importlib.metadata.version("jieba"),
            encoder_version(),
        ],
    }
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=True).encode()
    return hashlib.sha256(blob).hexdigest()[:20]


def cache_path(settings: NluSettings, classifier: ClassifierConfig | None = None) -> Path:
    """Where the model for these settings is (or will be) cached."""
    return settings.model_dir / f"{CACHE_PREFIX}{cache_key(settings, classifier)}{CACHE_SUFFIX}"


def _read(path: Path) -> EmbeddedModel | None:
    try:
        with path.open("rb") as handle:
            # Our own file, written by _write below into the service's var/ directory.
            model = pickle.load(handle)  # noqa: S301
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a broken cache file is rebuilt, never fatal
        log.warning("embedded_cache_unreadable", path=str(path), error=type(exc).__name__)
        return None
    return model if isinstance(model, EmbeddedModel) else None


def _write(path: Path, model: EmbeddedModel) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a process starting meanwhile never reads half a file.
    fd, tmp_name = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _prune(path.parent, keep=path)


def _prune(directory: Path, keep: Path) -> None:
    cached = sorted(
        directory.glob(f"{CACHE_PREFIX}*{CACHE_SUFFIX}"),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in [p for p in cached if p != keep][KEEP_CACHED_MODELS - 1 :]:
        old.unlink(missing_ok=True)


def load_or_train(
    settings: NluSettings,
    *,
    force: bool = False,
    classifier: ClassifierConfig | None = None,
) -> CacheOutcome:
    """The cached model for ``settings``, or a freshly trained one (then cached)."""
    started = time.perf_counter()
    key = cache_key(settings, classifier)
    path = settings.model_dir / f"{CACHE_PREFIX}{key}{CACHE_SUFFIX}"
    model = None if force else _read(path)
    if model is not None:
        return CacheOutcome(model, path, True, time.perf_counter() - started)
    data = load_training_data(settings.data_dir)
    model = train_embedded(data, settings, classifier=classifier, data_hash=key)
    _write(path, model)
    return CacheOutcome(model, path, False, time.perf_counter() - started)
