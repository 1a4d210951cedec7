"""Choosing the backend (config + environment) and the embedded model cache."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot import cli_nlu
from nlu import NluSettings, load_backend
from nlu.backend import UnknownBackendError, backend_names
from nlu.embedded import EmbeddedBackend, cache_key
from nlu.settings import PROJECT_ROOT, NluSettingsError
from tests.nlu.conftest import SMALL_DATA_DIR

# CPU seconds for the embedded model on the real data. Most of it is the semantic opinion
# embedding its training sentences once (nlu/data and the read safety sets' messages): 26-31 s
# seen on the twelfth session's machine; on the thirteenth's (slower: the same commit took 64 s)
# 68 s alone and 71 s inside a busy suite run with 9,740 messages. Twice that leaves room for a
# busy CI machine; a slip to several minutes still fails.
MAX_TRAIN_SECONDS = 150.0


def _config(tmp_path: Path, data_dir: Path = SMALL_DATA_DIR, backend: str = "embedded") -> Path:
    path = tmp_path / "config.yml"
    path.write_text(
        "pipeline: []\n"
        "gongyou:\n"
        "  nlu:\n"
        f"    backend: {backend}\n"
        "    rasa_url: http://127.0.0.1:5005/\n"
        f"    data_dir: {data_dir}\n"
        f"    dictionary_dir: {PROJECT_ROOT / 'nlu' / 'dictionary'}\n"
        "    model_dir: models\n",
        encoding="utf-8",
    )
    return path


def test_settings_from_the_project_config() -> None:
    settings = NluSettings.from_config_file(PROJECT_ROOT / "config.yml", environ={})
    assert settings.backend == "embedded"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.confidence_threshold == 0.35
    assert settings.data_dir == PROJECT_ROOT / "nlu" / "data"


def test_relative_paths_are_taken_from_the_config_directory(tmp_path: Path) -> None:
    settings = NluSettings.from_config_file(_config(tmp_path), environ={})
    assert settings.model_dir == tmp_path / "models"
    assert settings.rasa_url == "http://127.0.0.1:5005"


def test_environment_overrides_the_config(tmp_path: Path) -> None:
    env = {"GONGYOU_NLU_BACKEND": "Rasa", "GONGYOU_RASA_URL": "http://10.0.0.5:5005/"}
    settings = NluSettings.from_config_file(_config(tmp_path), environ=env)
    assert (settings.backend, settings.rasa_url) == ("rasa", "http://10.0.0.5:5005")
    with pytest.raises(NluSettingsError, match="GONGYOU_NLU_BACKEND"):
        NluSettings.from_config_file(_config(tmp_path), environ={"GONGYOU_NLU_BACKEND": "bert"})


def test_process_environment_switches_the_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GONGYOU_NLU_BACKEND=rasa gives the Rasa backend; with Rasa down, the embedded one answers."""
    monkeypatch.setenv("GONGYOU_NLU_BACKEND", "rasa")
    monkeypatch.setenv("GONGYOU_RASA_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    backend = load_backend(settings=NluSettings.from_config_file(_config(tmp_path)))
    assert backend.name == "rasa"
    result = backend.parse("工资拖欠了三个月不发")
    assert (result.backend, result.intent.name) == ("embedded", "ask_wages_arrears")


def test_unknown_backend_is_refused(tmp_path: Path) -> None:
    settings = NluSettings.from_config_file(_config(tmp_path), environ={})
    with pytest.raises(UnknownBackendError, match="choose one of: embedded, rasa"):
        load_backend("bert", settings)
    assert backend_names() == ["embedded", "rasa"]


def test_second_load_uses_the_cache(tmp_path: Path) -> None:
    settings = NluSettings.from_config_file(_config(tmp_path), environ={})
    first = EmbeddedBackend(settings)
    second = EmbeddedBackend(settings)
    assert (first.cache_hit, second.cache_hit) == (False, True)
    assert first.model_path == second.model_path
    assert second.parse("加班三个钟没有加班费").intent == first.parse("加班三个钟没有加班费").intent
    assert sorted(p.name for p in settings.model_dir.iterdir()) == [first.model_path.name]


def test_data_changes_retrain_backend_choice_does_not(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SMALL_DATA_DIR, data)
    settings = NluSettings.from_config_file(_config(tmp_path, data_dir=data), environ={})
    key = cache_key(settings)
    assert cache_key(settings.model_copy(update={"backend": "rasa"})) == key
    assert cache_key(settings.model_copy(update={"rasa_url": "http://x:1"})) == key
    with (data / "intents.yml").open("a", encoding="utf-8") as handle:
        handle.write("    - 老板不给加班费\n")
    assert cache_key(settings) != key


def test_a_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    settings = NluSettings.from_config_file(_config(tmp_path), environ={})
    path = EmbeddedBackend(settings).model_path
    assert path is not None
    path.write_bytes(b"not a pickle")
    again = EmbeddedBackend(settings)
    assert (again.cache_hit, again.parse("你好").intent.name) == (False, "greet")


def test_real_data_trains_fast_and_is_cached(
    embedded_backend: EmbeddedBackend, real_settings: NluSettings
) -> None:
    info = embedded_backend.model.info
    started = time.perf_counter()
    cached = EmbeddedBackend(real_settings)
    load_seconds = time.perf_counter() - started
    print(
        f"training {info.train_seconds:.2f} s ({info.train_cpu_seconds:.2f} s CPU)"
        f" on {info.examples} examples, {len(info.intents)}"
        f" intents; cached load {load_seconds:.2f} s;"
        f" model file {cached.model_path.stat().st_size / 1e6:.1f} MB"  # type: ignore[union-attr]
    )
    assert embedded_backend.cache_hit is False
    assert info.train_cpu_seconds < MAX_TRAIN_SECONDS  # CPU time: steady on a busy machine
    assert cached.cache_hit is True


def test_cli_train_and_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGYOU_NLU_BACKEND", "embedded")
    app = typer.Typer()
    cli_nlu.register(app)
    config = str(_config(tmp_path))
    runner = CliRunner()

    trained = runner.invoke(app, ["train", "--config", config])
    assert trained.exit_code == 0, trained.output
    assert "4 intents, 16 examples, trained in" in trained.output
    again = runner.invoke(app, ["train", "--config", config, "--if-needed"])
    assert "cache is up to date" in again.output

    parsed = runner.invoke(app, ["parse", "--config", config, "厂里欠我4500块没结"])
    assert parsed.exit_code == 0, parsed.output
    result = json.loads(parsed.output)
    assert result["intent"]["name"] == "ask_wages_arrears"
    assert result["backend"] == "embedded"
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("money", 4500)]

    refused = runner.invoke(app, ["parse", "--config", config, "--backend", "bert", "你好"])
    assert refused.exit_code == 2
