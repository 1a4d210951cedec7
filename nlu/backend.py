"""Choosing an NLU backend by name: a small registry, so callers never branch on backends."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Final

from nlu.settings import NluSettings
from nlu.types import NluBackend

BackendFactory = Callable[[NluSettings], NluBackend]


class UnknownBackendError(ValueError):
    """No backend is registered under the requested name."""


class BackendUnavailableError(RuntimeError):
    """The backend is known but cannot be built here (e.g. its module is not installed yet)."""


def _embedded(settings: NluSettings) -> NluBackend:
    # Imported on demand: scikit-learn and the model load only when this backend is chosen.
    from nlu.embedded import EmbeddedBackend

    return EmbeddedBackend(settings)


def _rasa(settings: NluSettings) -> NluBackend:
    if importlib.util.find_spec("nlu.rasa_backend") is None:
        raise BackendUnavailableError(
            "the 'rasa' NLU backend is not available: nlu/rasa_backend.py does not exist yet; "
            "use GONGYOU_NLU_BACKEND=embedded"
        )
    from nlu.rasa_backend import RasaBackend

    # When the Rasa server is down or slow, messages go to the embedded model instead.
    fallback = _embedded(settings)
    backend: NluBackend = RasaBackend(settings, fallback=fallback)
    return backend


_REGISTRY: Final[dict[str, BackendFactory]] = {"embedded": _embedded, "rasa": _rasa}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make another backend available under ``name`` (e.g. a stub in a demo)."""
    _REGISTRY[name] = factory


def backend_names() -> list[str]:
    """Names that ``load_backend`` accepts."""
    return sorted(_REGISTRY)


def load_backend(name: str | None = None, settings: NluSettings | None = None) -> NluBackend:
    """The backend called ``name``, or the one settings choose (config.yml + env overrides).

    With no settings given, config.yml is read and GONGYOU_NLU_BACKEND / GONGYOU_RASA_URL
    apply, so the environment variable switches the backend for any command.
    """
    settings = settings or NluSettings.from_config_file()
    chosen = (name or settings.backend).strip().lower()
    factory = _REGISTRY.get(chosen)
    if factory is None:
        raise UnknownBackendError(
            f"unknown NLU backend {chosen!r}; choose one of: {', '.join(backend_names())}"
        )
    return factory(settings)
