"""EmbeddedBackend: the default NLU backend, loaded from the model cache or trained on start."""

from __future__ import annotations

from pathlib import Path

from nlu.embedded import semantic
from nlu.embedded.cache import load_or_train
from nlu.embedded.model import BACKEND_NAME, EmbeddedModel
from nlu.settings import NluSettings
from nlu.types import ParseResult, readable


class EmbeddedBackend:
    """jieba + scikit-learn intent model with rule/lookup entities; no server needed."""

    name = BACKEND_NAME

    def __init__(self, settings: NluSettings | None = None, *, force_train: bool = False) -> None:
        """Load the cached model for ``settings`` (config.yml by default), training if stale."""
        self.settings = settings or NluSettings.from_config_file()
        outcome = load_or_train(self.settings, force=force_train)
        self.model: EmbeddedModel = outcome.model
        self.model_path: Path | None = outcome.path
        self.cache_hit = outcome.cache_hit
        self.load_seconds = outcome.seconds

    @classmethod
    def from_model(
        cls, model: EmbeddedModel, settings: NluSettings | None = None
    ) -> EmbeddedBackend:
        """Wrap an already trained model (no cache involved)."""
        backend = cls.__new__(cls)
        backend.settings = settings or NluSettings()
        backend.model = model
        backend.model_path = None
        backend.cache_hit = False
        backend.load_seconds = 0.0
        return backend

    @property
    def computes_only(self) -> bool:
        """Parsing only computes (no I/O, text length capped), so callers may run it on their
        own thread — once the sentence encoder is loaded: its first use reads 32 MB of weights
        (seconds), which must not hold an event loop."""
        return semantic.encoder_ready()

    def parse(self, text: str) -> ParseResult:
        """Intent ranking and entities of one message (its readable beginning, see
        :func:`nlu.types.readable`); never raises on string input."""
        return self.model.parse(readable(text))
