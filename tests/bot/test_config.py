from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, read_config_file

ROOT = Path(__file__).resolve().parents[2]


def test_repository_config_is_valid() -> None:
    config = read_config_file(ROOT / "config.yml")
    assert config.mode == "development"
    assert config.nlu.backend in ("embedded", "rasa")


def test_env_overrides_nlu_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGYOU_NLU_BACKEND", "rasa")
    monkeypatch.setenv("GONGYOU_RASA_URL", "http://127.0.0.1:5999/")
    config = read_config_file(ROOT / "config.yml")
    assert (config.nlu.backend, config.nlu.rasa_url) == ("rasa", "http://127.0.0.1:5999")


def test_invalid_section_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "config.yml"
    bad.write_text("gongyou:\n  web:\n    port: not-a-number\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="port"):
        read_config_file(bad)


def test_development_creates_private_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GONGYOU_SECRET_KEY", raising=False)
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    first = load_settings(ROOT / "config.yml")
    second = load_settings(ROOT / "config.yml")
    assert first.secrets.secret_key == second.secrets.secret_key
    assert len(first.secrets.secret_key) >= 32
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("key", [None, "change-me", "short"])
def test_production_refuses_missing_or_placeholder_secrets(
    key: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GONGYOU_MODE", "production")
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    if key is None:
        monkeypatch.delenv("GONGYOU_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("GONGYOU_SECRET_KEY", key)
    with pytest.raises(ConfigError, match="GONGYOU_SECRET_KEY"):
        load_settings(ROOT / "config.yml")


def test_production_requires_database_and_redis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GONGYOU_MODE", "production")
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GONGYOU_SECRET_KEY", "x" * 48)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL") as info:
        load_settings(ROOT / "config.yml")
    assert "REDIS_URL" in str(info.value)


def test_production_starts_with_real_secrets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GONGYOU_MODE", "production")
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GONGYOU_SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = load_settings(ROOT / "config.yml")
    assert settings.database_url == "postgresql://u@127.0.0.1/db"


def test_the_secret_key_never_shows_in_a_repr_or_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = "a-very-secret-server-key-" * 2
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GONGYOU_SECRET_KEY", key)
    settings = load_settings(ROOT / "config.yml")
    assert settings.secrets.secret_key.get_secret_value() == key
    assert key not in repr(settings) and key not in str(settings.model_dump())
    try:
        raise RuntimeError(settings.secrets)
    except RuntimeError:
        assert key not in traceback.format_exc()
