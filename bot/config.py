"""Typed settings: behaviour from ``config.yml`` (``gongyou:`` section), secrets from the
environment. Each package owns the model of its own section."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError

from bot.channels.telegram.settings import TelegramSettings
from handoff.crypto import Vault
from handoff.settings import HandoffSettings
from nlu.settings import NluSettings, NluSettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config.yml"
_PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "placeholder", "xxx", "todo"}
_MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to fix."""


class WebSettings(BaseModel):
    """Where the web app listens and what it accepts."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_message_chars: int = Field(default=2000, ge=10, le=100_000)  # ≤ the chat API cap
    # New web conversations (each writes a database row): per address per hour, and for the
    # whole service per minute.
    new_conversations_per_ip_per_hour: int = Field(default=30, ge=1)
    new_conversations_per_minute: int = Field(default=600, ge=1)


class StorageSettings(BaseModel):
    """Database and session-store behaviour (URLs with passwords come from the environment)."""

    default_database_url: str = "sqlite:///var/gongyou.db"
    session_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)


class LoggingSettings(BaseModel):
    """Log level and format."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_output: bool = Field(default=False, alias="json")


class ServiceConfig(BaseModel):
    """The ``gongyou:`` section of ``config.yml``."""

    mode: Literal["development", "production"] = "development"
    web: WebSettings = WebSettings()
    storage: StorageSettings = StorageSettings()
    nlu: NluSettings = NluSettings()
    logging: LoggingSettings = LoggingSettings()
    handoff: HandoffSettings = HandoffSettings()
    telegram: TelegramSettings = TelegramSettings()


class Secrets(BaseModel):
    """What comes from the environment only. The server key is a ``SecretStr``: it shows as
    ``**********`` in a repr, a log line or a traceback; ``get_secret_value()`` reads it."""

    database_url: str | None = None
    redis_url: str | None = None
    secret_key: SecretStr
    # While rotating the server key: the previous keys (GONGYOU_OLD_SECRET_KEYS, comma-separated)
    old_secret_keys: tuple[SecretStr, ...] = ()

    def vault(self) -> Vault:
        """The server vault: the current key, and the old ones while rotating."""
        return Vault(
            self.secret_key.get_secret_value(),
            old_secrets=tuple(k.get_secret_value() for k in self.old_secret_keys),
        )


class Settings(BaseModel):
    """Everything the service needs to start."""

    config: ServiceConfig
    secrets: Secrets
    var_dir: Path

    @property
    def database_url(self) -> str:
        """The database to use: ``DATABASE_URL`` or the embedded SQLite file."""
        url = self.secrets.database_url or self.config.storage.default_database_url
        return _absolute_sqlite_url(url, PROJECT_ROOT)


def _absolute_sqlite_url(url: str, root: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        return prefix + str((root / url.removeprefix(prefix)).resolve())
    return url


def read_config_file(path: Path = DEFAULT_CONFIG_PATH) -> ServiceConfig:
    """Read and validate the ``gongyou:`` section; raise ConfigError naming what is wrong."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}") from exc
    section = dict(raw.get("gongyou") or {})
    nlu_section = section.pop("nlu", None) or {}
    try:
        config = ServiceConfig.model_validate(section)
        config.nlu = NluSettings.from_mapping(
            nlu_section, base_dir=path.parent
        ).with_env_overrides()
    except (ValidationError, NluSettingsError) as exc:
        raise ConfigError(f"Invalid settings in {path} (gongyou section):\n{exc}") from exc
    return config


def _dev_secret_key(var_dir: Path) -> SecretStr:
    """A per-machine key for development, created once under ``var/`` with owner-only access."""
    key_file = var_dir / "secret.key"
    if key_file.exists():
        return SecretStr(key_file.read_text(encoding="utf-8").strip())
    var_dir.mkdir(parents=True, exist_ok=True)
    key_file.touch(mode=0o600)
    key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return SecretStr(key_file.read_text(encoding="utf-8").strip())


def _is_placeholder(value: SecretStr | None) -> bool:
    return value is None or value.get_secret_value().strip().lower() in _PLACEHOLDER_SECRETS


def load_settings(config_path: Path | None = None) -> Settings:
    """Load config.yml (or ``GONGYOU_CONFIG``) plus environment; in production refuse missing or
    placeholder secrets."""
    config = read_config_file(
        config_path or Path(os.environ.get("GONGYOU_CONFIG") or DEFAULT_CONFIG_PATH)
    )
    mode = os.environ.get("GONGYOU_MODE", config.mode)
    if mode not in ("development", "production"):
        raise ConfigError(f"GONGYOU_MODE must be development or production, not {mode!r}")
    config.mode = mode  # type: ignore[assignment]  # validated just above
    var_dir = Path(os.environ.get("GONGYOU_VAR_DIR", PROJECT_ROOT / "var"))
    # Wrapped at once, so that not even a traceback's local variables show it.
    env_key = (
        SecretStr(os.environ["GONGYOU_SECRET_KEY"]) if "GONGYOU_SECRET_KEY" in os.environ else None
    )
    database_url = os.environ.get("DATABASE_URL") or None
    redis_url = os.environ.get("REDIS_URL") or None

    if config.mode == "production":
        problems = []
        if _is_placeholder(env_key) or len(env_key or SecretStr("")) < _MIN_SECRET_LENGTH:
            problems.append(
                "GONGYOU_SECRET_KEY must be set to a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        if not database_url:
            problems.append("DATABASE_URL must point at PostgreSQL in production")
        if not redis_url:
            problems.append("REDIS_URL must be set in production")
        if problems:
            raise ConfigError("Refusing to start in production mode:\n- " + "\n- ".join(problems))
    secret_key = env_key if env_key is not None and not _is_placeholder(env_key) else None
    return Settings(
        config=config,
        secrets=Secrets(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secret_key or _dev_secret_key(var_dir),
            old_secret_keys=tuple(
                SecretStr(k.strip())
                for k in os.environ.get("GONGYOU_OLD_SECRET_KEYS", "").split(",")
                if k.strip()
            ),
        ),
        var_dir=var_dir,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, loaded once."""
    return load_settings()
