"""Settings of the NLU package: the ``gongyou.nlu`` section of config.yml plus env overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BACKEND_ENV = "GONGYOU_NLU_BACKEND"
RASA_URL_ENV = "GONGYOU_RASA_URL"
BackendName = Literal["embedded", "rasa"]


class NluSettingsError(ValueError):
    """config.yml or the environment holds an NLU setting we cannot use."""


class NluSettings(BaseModel):
    """Which NLU backend to use and where its data, dictionary and model cache live."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: BackendName = "embedded"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = Field(default=2.0, gt=0)
    confidence_threshold: float = Field(default=0.35, ge=0, le=1)
    data_dir: Path = PROJECT_ROOT / "nlu" / "data"
    dictionary_dir: Path = PROJECT_ROOT / "nlu" / "dictionary"
    model_dir: Path = PROJECT_ROOT / "var" / "models"

    @field_validator("rasa_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any], *, base_dir: Path = PROJECT_ROOT) -> Self:
        """Build from a ``gongyou.nlu`` mapping; relative paths are taken from ``base_dir``."""
        values = dict(section)
        for key in ("data_dir", "dictionary_dir", "model_dir"):
            if key in values and values[key] is not None:
                path = Path(values[key])
                values[key] = path if path.is_absolute() else base_dir / path
        try:
            return cls(**values)
        except ValidationError as exc:
            raise NluSettingsError(f"invalid gongyou.nlu settings: {exc}") from exc

    @classmethod
    def from_config_file(
        cls, path: Path | str = "config.yml", *, environ: Mapping[str, str] | None = None
    ) -> Self:
        """Read ``gongyou.nlu`` from config.yml, then apply GONGYOU_NLU_BACKEND / GONGYOU_RASA_URL.

        A relative ``path`` that does not exist in the working directory is looked up in the
        project root, so commands work from any directory.
        """
        config_path = Path(path)
        if not config_path.is_absolute() and not config_path.exists():
            config_path = PROJECT_ROOT / config_path
        try:
            document = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise NluSettingsError(f"cannot read {config_path}: {exc}") from exc
        gongyou = (document.get("gongyou") or {}) if isinstance(document, dict) else {}
        section = (gongyou.get("nlu") or {}) if isinstance(gongyou, dict) else {}
        if not isinstance(section, dict):
            raise NluSettingsError(f"{config_path}: gongyou.nlu must be a mapping")
        settings = cls.from_mapping(section, base_dir=config_path.resolve().parent)
        return settings.with_env_overrides(environ)

    def with_env_overrides(self, environ: Mapping[str, str] | None = None) -> Self:
        """A copy with GONGYOU_NLU_BACKEND and GONGYOU_RASA_URL applied when they are set."""
        env = os.environ if environ is None else environ
        update: dict[str, Any] = {}
        backend = env.get(BACKEND_ENV, "").strip().lower()
        if backend:
            if backend not in ("embedded", "rasa"):
                raise NluSettingsError(
                    f"{BACKEND_ENV} must be 'embedded' or 'rasa', not {backend!r}"
                )
            update["backend"] = backend
        rasa_url = env.get(RASA_URL_ENV, "").strip()
        if rasa_url:
            update["rasa_url"] = rasa_url.rstrip("/")
        return self.model_copy(update=update) if update else self
