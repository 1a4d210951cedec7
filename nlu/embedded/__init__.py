"""Embedded NLU backend: jieba + character n-grams, a calibrated linear model, rule entities."""

from nlu.embedded.backend import EmbeddedBackend
from nlu.embedded.cache import cache_key, cache_path, load_or_train
from nlu.embedded.model import FALLBACK_INTENT, EmbeddedModel, ModelInfo, train_embedded
from nlu.embedded.safety import SafetyLayer

__all__ = [
    "FALLBACK_INTENT",
    "EmbeddedBackend",
    "EmbeddedModel",
    "ModelInfo",
    "SafetyLayer",
    "cache_key",
    "cache_path",
    "load_or_train",
    "train_embedded",
]
