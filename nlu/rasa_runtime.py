"""Running Rasa from the project: its virtualenv, training a model, serving and parsing with it.

Rasa 3.6 lives in its own Python 3.10 virtualenv (``.venv-rasa``, made by
``bash scripts/rasa.sh setup``); this module only starts its programs as subprocesses, so the
project itself never imports Rasa. Used by the evaluation and by the Rasa integration test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import httpx
import yaml

from nlu.training_data import TrainingData
from nlu.types import TrainingExample

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
RASA_VENV_ENV: Final = "RASA_VENV"
SETUP_SCRIPT: Final = PROJECT_ROOT / "scripts" / "rasa.sh"
PARSE_SCRIPT: Final = PROJECT_ROOT / "nlu" / "rasa" / "parse_stdin.py"
RASA_REQUIREMENTS: Final = PROJECT_ROOT / "nlu" / "rasa" / "requirements.txt"
MODEL_CACHE_ENV: Final = "GONGYOU_RASA_MODEL_CACHE"
_MODELS_KEPT: Final = 4
DEFAULT_CONFIG: Final = PROJECT_ROOT / "config.yml"
_SERVICE_SECTION: Final = "gongyou"
_LOG_TAIL_CHARS: Final = 3000


class RasaRuntimeError(RuntimeError):
    """A Rasa subprocess failed; the message carries the tail of its log."""


def rasa_venv() -> Path:
    """The Rasa virtualenv (``$RASA_VENV`` or ``.venv-rasa`` in the project)."""
    return Path(os.environ.get(RASA_VENV_ENV) or PROJECT_ROOT / ".venv-rasa")


def rasa_executable() -> Path:
    """The ``rasa`` command inside the Rasa virtualenv."""
    return rasa_venv() / "bin" / "rasa"


def rasa_env() -> dict[str, str]:
    """Environment for Rasa subprocesses: telemetry off, TensorFlow quiet, and Rasa's training
    cache in the user's cache directory rather than in the checkout, so a fresh clone on the
    same machine (CI's) restores unchanged components instead of training them again. Rasa
    keys each cached component by its config and data, so a change is always trained."""
    env = dict(os.environ)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("RASA_CACHE_DIRECTORY", str(_our_cache(env) / "rasa"))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def model_cache_dir() -> Path:
    """Where trained models are kept by what they were trained from
    (``$GONGYOU_RASA_MODEL_CACHE``, else ``~/.cache/gongyou/rasa-models``)."""
    configured = os.environ.get(MODEL_CACHE_ENV)
    if configured:
        return Path(configured)
    return _our_cache(os.environ) / "rasa-models"


def _our_cache(env: Mapping[str, str]) -> Path:
    """``$XDG_CACHE_HOME/gongyou`` (default ``~/.cache/gongyou``)."""
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gongyou"


def training_key(config_path: Path, data_path: Path) -> str:
    """A digest of everything a trained model depends on: Rasa's pinned requirements, the
    config's text, and the names and bytes of every data and dictionary file. Paths enter
    only relative to their folder, so two clones of one commit share the key."""
    digest = hashlib.sha256()
    config_text = config_path.read_bytes()
    digest.update(RASA_REQUIREMENTS.read_bytes())
    digest.update(config_text)
    config = yaml.safe_load(config_text) or {}
    folders = [data_path]
    for step in config.get("pipeline") or []:
        dictionary = step.get("dictionary_path")
        if isinstance(dictionary, str):
            folders.append(PROJECT_ROOT / dictionary)
    for folder in folders:
        files = (
            [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
        )
        for path in files:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def _restore_model(key: str, model: Path) -> bool:
    cached = model_cache_dir() / f"{key}.tar.gz"
    if not cached.is_file():
        return False
    shutil.copyfile(cached, model)
    os.utime(cached)  # most recently used, so pruning keeps it
    return True


def _keep_model(key: str, model: Path) -> None:
    folder = model_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{key}.{os.getpid()}.partial"
    shutil.copyfile(model, partial)
    partial.replace(folder / f"{key}.tar.gz")
    kept = sorted(folder.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[_MODELS_KEPT:]:
        old.unlink(missing_ok=True)


def rasa_installed() -> bool:
    """True when the Rasa virtualenv exists and has the ``rasa`` command."""
    return rasa_executable().is_file()


def setup_rasa(*, timeout_seconds: float = 1800) -> None:
    """Create or refresh the Rasa virtualenv with ``bash scripts/rasa.sh setup``."""
    _run(["bash", str(SETUP_SCRIPT), "setup"], timeout_seconds, what="rasa setup")


def rasa_pipeline_config(
    config_path: Path = DEFAULT_CONFIG,
    *,
    diet_epochs: int | None = None,
    base_dir: Path = PROJECT_ROOT,
) -> dict[str, Any]:
    """The Rasa part of config.yml, optionally with fewer DIET epochs. Paths are written
    relative to the project root, where every Rasa command here runs: an absolute path would
    differ between two clones and so miss Rasa's training cache, which keys each component by
    its configuration."""
    document = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    config = {k: v for k, v in document.items() if k != _SERVICE_SECTION}
    pipeline: list[dict[str, Any]] = [dict(step) for step in config.get("pipeline") or []]
    for step in pipeline:
        path = step.get("dictionary_path")
        if isinstance(path, str) and not Path(path).is_absolute():
            step["dictionary_path"] = os.path.relpath(base_dir / path, PROJECT_ROOT)
        if diet_epochs is not None and step.get("name") == "DIETClassifier":
            step["epochs"] = diet_epochs
    config["pipeline"] = pipeline
    return config


def write_rasa_config(path: Path, config: Mapping[str, Any]) -> Path:
    """Write a Rasa config file and return its path."""
    path.write_text(yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False), "utf-8")
    return path


def annotate(example: TrainingExample) -> str:
    """The example's text with its entities written back in Rasa's annotation syntax."""
    parts: list[str] = []
    cursor = 0
    for ent in sorted(example.entities, key=lambda e: e.start):
        if ent.start < cursor:
            continue  # overlapping annotations cannot be written; keep the first
        parts.append(example.text[cursor : ent.start])
        surface = example.text[ent.start : ent.end]
        if str(ent.value) == surface:
            parts.append(f"[{surface}]({ent.entity})")
        else:
            spec = json.dumps({"entity": ent.entity, "value": str(ent.value)}, ensure_ascii=False)
            parts.append(f"[{surface}]{spec}")
        cursor = ent.end
    parts.append(example.text[cursor:])
    return "".join(parts)


def write_rasa_training_data(
    path: Path, data: TrainingData, examples: Iterable[TrainingExample]
) -> Path:
    """Write ``examples`` plus the data's synonyms, lookups and regexes as one Rasa NLU file.

    Synonyms that only come from annotations are left out: Rasa learns those from the
    annotations of the examples it is given, so held-out examples teach it nothing.
    """
    by_intent: dict[str, list[str]] = {}
    annotated_variants: set[str] = set()
    for example in data.examples:
        for ent in example.entities:
            if str(ent.value) != ent.text:
                annotated_variants.add(ent.text)
    for example in examples:
        by_intent.setdefault(example.intent, []).append(annotate(example))
    items: list[dict[str, str]] = [
        {"intent": intent, "examples": _block(lines)} for intent, lines in by_intent.items()
    ]
    synonyms: dict[str, list[str]] = {}
    for variant, canonical in data.synonyms.items():
        if variant not in annotated_variants:
            synonyms.setdefault(canonical, []).append(variant)
    items += [{"synonym": name, "examples": _block(v)} for name, v in synonyms.items()]
    items += [{"lookup": name, "examples": _block(v)} for name, v in data.lookups.items()]
    items += [{"regex": name, "examples": _block(v)} for name, v in data.regexes.items()]
    document = {"version": "3.1", "nlu": items}
    text = yaml.dump(document, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, "utf-8")
    return path


def _block(lines: Iterable[str]) -> str:
    return "".join(f"- {line}\n" for line in lines)


class _BlockDumper(yaml.SafeDumper):
    """Writes example lists as ``|`` blocks, the way people write Rasa files."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def train_rasa_model(
    config_path: Path,
    data_path: Path,
    out_dir: Path,
    name: str,
    *,
    use_cache: bool = True,
    timeout_seconds: float = 3600,
) -> Path:
    """Run ``rasa train nlu`` and return the path of the model it wrote.

    With ``use_cache`` a model trained before from the same requirements, config and files
    (``training_key``) is copied instead of training again, wherever the checkout is; Rasa's
    own training cache, which restores unchanged components, is used otherwise.
    ``use_cache=False`` turns both off, so that a measured training time is a real one.
    """
    job = start_rasa_training(config_path, data_path, out_dir, name, use_cache=use_cache)
    return job.wait(timeout_seconds)


def start_rasa_training(
    config_path: Path,
    data_path: Path,
    out_dir: Path,
    name: str,
    *,
    use_cache: bool = True,
    niceness: int = 0,
    threads: int | None = None,
) -> TrainingJob:
    """``train_rasa_model`` without waiting: a model from the cache is restored at once, else
    ``rasa train nlu`` starts (at ``niceness``, so it yields the processor to other work; on
    ``threads`` of TensorFlow's, so it leaves the other cores alone) and
    :meth:`TrainingJob.wait` returns its model."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model = out_dir / f"{name}.tar.gz"
    log_path = out_dir / f"{name}.train.log"
    key = training_key(config_path, data_path) if use_cache else ""
    if key and _restore_model(key, model):
        log_path.write_text(
            f"restored from {model_cache_dir()} ({key}): trained before from the same files\n",
            "utf-8",
        )
        return TrainingJob(model, key, log_path, None)
    executable = rasa_executable()
    if not executable.is_file():
        raise RasaRuntimeError(f"rasa train nlu: {executable} not found")
    command = [
        str(executable), "train", "nlu", "-c", str(config_path), "-u", str(data_path),
        "--out", str(out_dir), "--fixed-model-name", name,
    ]  # fmt: skip
    if niceness > 0 and shutil.which("nice"):
        command = ["nice", "-n", str(niceness), *command]
    env = rasa_env()
    if not use_cache:
        env["RASA_MAX_CACHE_SIZE"] = "0"
    if threads is not None:
        env.update(_thread_limits(threads))
    # Output goes to the log file, not a pipe: nobody reads a pipe while training runs unwaited,
    # and a full pipe would stop it.
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command built above
            command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT
        )
    return TrainingJob(model, key, log_path, process)


def _thread_limits(threads: int) -> dict[str, str]:
    """Environment that keeps TensorFlow (read by Rasa at start) and BLAS to ``threads``."""
    count = str(max(1, threads))
    return {
        "TF_INTRA_OP_PARALLELISM_THREADS": count,
        "TF_INTER_OP_PARALLELISM_THREADS": count,
        "OMP_NUM_THREADS": count,
        "OPENBLAS_NUM_THREADS": count,
        "MKL_NUM_THREADS": count,
    }


class TrainingJob:
    """A Rasa model being trained in a subprocess, or one already restored from the cache."""

    def __init__(
        self, model: Path, key: str, log_path: Path, process: subprocess.Popen[bytes] | None
    ) -> None:
        self.model = model
        self.log_path = log_path
        self._key = key
        self._process = process

    def wait(self, timeout_seconds: float = 3600) -> Path:
        """The trained model, once training has ended (kept in the model cache when keyed).

        Raises :class:`RasaRuntimeError` when training failed, wrote no model or took longer
        than ``timeout_seconds`` (it is then stopped).
        """
        process = self._process
        if process is not None:
            try:
                returncode = process.wait(timeout=timeout_seconds)
            except subprocess.TimeoutExpired as exc:
                self.cancel()
                raise RasaRuntimeError(
                    f"rasa train nlu took longer than {timeout_seconds:.0f} s"
                ) from exc
            self._process = None
            if returncode != 0:
                output = self.log_path.read_text("utf-8", errors="replace")
                raise RasaRuntimeError(
                    f"rasa train nlu failed (exit {returncode}):\n{output[-_LOG_TAIL_CHARS:]}"
                )
        if not self.model.is_file():
            raise RasaRuntimeError(f"rasa train nlu wrote no model at {self.model}")
        if process is not None and self._key:
            _keep_model(self._key, self.model)  # trained just now: kept for the next clone
        return self.model

    def cancel(self) -> None:
        """Stop a training that is still running (nothing is kept)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


def parse_with_model(
    model: Path, texts: Sequence[str], *, timeout_seconds: float = 1800
) -> list[dict[str, Any]]:
    """Parse ``texts`` with a model loaded in a Rasa subprocess (no HTTP), in order.

    Each answer is Rasa's parse (``intent``, ``intent_ranking``, ``entities``) plus ``seconds``.
    """
    python = rasa_venv() / "bin" / "python"
    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    completed = subprocess.run(  # noqa: S603 - our own script with our own virtualenv
        [str(python), str(PARSE_SCRIPT), str(model)],
        input=lines,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=rasa_env(),
        cwd=PROJECT_ROOT,
        timeout=timeout_seconds,
        check=False,
    )
    if completed.returncode != 0:
        raise RasaRuntimeError(
            f"parsing with {model.name} failed (exit {completed.returncode}):\n"
            + completed.stderr[-_LOG_TAIL_CHARS:]
        )
    answers = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    if len(answers) != len(texts):
        raise RasaRuntimeError(f"expected {len(texts)} answers from Rasa, got {len(answers)}")
    return answers


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RasaServer:
    """``rasa run --enable-api`` on 127.0.0.1 for one model, as a context manager."""

    def __init__(
        self, model: Path, *, port: int | None = None, log_path: Path | None = None
    ) -> None:
        self.model = model
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """Process id of the running server."""
        if self._process is None:
            raise RasaRuntimeError("the Rasa server is not running")
        return self._process.pid

    def start(self, *, timeout_seconds: float = 300) -> Self:
        """Start the server and wait until ``/status`` answers with the model loaded."""
        log = self._log_path.open("wb") if self._log_path else subprocess.DEVNULL
        command = [
            str(rasa_executable()), "run", "--enable-api", "-i", "127.0.0.1",
            "-p", str(self.port), "-m", str(self.model),
        ]  # fmt: skip
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own virtualenv's rasa
                command, stdout=log, stderr=subprocess.STDOUT, env=rasa_env(), cwd=PROJECT_ROOT
            )
        finally:
            if not isinstance(log, int):
                log.close()  # the child holds its own copy
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RasaRuntimeError(
                    f"rasa run exited with {self._process.returncode}:\n{self._log_tail()}"
                )
            if self._ready():
                return self
            time.sleep(0.5)
        self.stop()
        raise RasaRuntimeError(f"rasa run was not ready after {timeout_seconds:.0f} s")

    def _ready(self) -> bool:
        try:
            response = httpx.get(f"{self.url}/status", timeout=2.0, trust_env=False)
        except httpx.HTTPError:
            return False
        return response.status_code == httpx.codes.OK and bool(response.json().get("model_file"))

    def _log_tail(self) -> str:
        if self._log_path is None or not self._log_path.exists():
            return "(no log)"
        return self._log_path.read_text("utf-8", errors="replace")[-_LOG_TAIL_CHARS:]

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=20)
        self._process = None

    def __enter__(self) -> Self:
        return self.start() if self._process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _run(
    command: list[str],
    timeout_seconds: float,
    *,
    what: str,
) -> None:
    """Run a command; on failure raise with the tail of its output."""
    if shutil.which(command[0]) is None and not Path(command[0]).is_file():
        raise RasaRuntimeError(f"{what}: {command[0]} not found")
    completed = subprocess.run(  # noqa: S603 - fixed commands built above
        command,
        capture_output=True,
        env=rasa_env(),
        cwd=PROJECT_ROOT,
        timeout=timeout_seconds,
        check=False,
    )
    output = (completed.stdout + completed.stderr).decode("utf-8", errors="replace")
    if completed.returncode != 0:
        raise RasaRuntimeError(
            f"{what} failed (exit {completed.returncode}):\n{output[-_LOG_TAIL_CHARS:]}"
        )
