"""The command line as a user runs it (a real subprocess)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.prompts import load_prompts

ROOT = Path(__file__).resolve().parents[2]


def gongyou(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"GONGYOU_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"})
    env.update(extra)
    return env


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    result = gongyou("migrate", env=clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "cli.db").exists()


def test_production_without_secrets_exits_with_a_clear_message(tmp_path: Path) -> None:
    env = clean_env(tmp_path, GONGYOU_MODE="production")
    env.pop("GONGYOU_SECRET_KEY", None)
    result = gongyou("migrate", env=env)
    assert result.returncode == 2
    assert "GONGYOU_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_terminal_chat(tmp_path: Path) -> None:
    result = gongyou("chat", env=clean_env(tmp_path), stdin="劳动合同法第47条\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert load_prompts("core").text("greeting") in result.stdout
    assert "每满一年支付一个月工资" in result.stdout


def test_terminal_chat_prints_no_log_lines(tmp_path: Path) -> None:
    result = gongyou("chat", env=clean_env(tmp_path), stdin="你好\n加班费怎么算\n/quit\n")
    assert result.returncode == 0, result.stderr
    screen = result.stdout + result.stderr
    for marker in ("[info", "[debug", "turn ", "intent="):
        assert marker not in screen
    log_file = tmp_path / "logs" / "chat.log"
    assert "turn" in log_file.read_text(encoding="utf-8")  # logged, just not on the screen


def test_run_refuses_a_busy_port_before_announcing(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = gongyou("run", "--host", "127.0.0.1", "--port", str(port), env=clean_env(tmp_path))
    assert result.returncode != 0
    assert str(port) in result.stderr
    assert "PORT=" in result.stderr  # how to choose another port
    assert "running" not in result.stdout  # nothing announced
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cli.db").exists()  # checked before migrating anything


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_run_serves_and_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "bot.cli", "run", "--port", str(port)],
        cwd=ROOT,
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        health = None
        while health is None and time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
            except httpx.TransportError:
                time.sleep(0.3)
        assert health is not None and health["status"] == "ok"
        server.send_signal(stop)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0, err  # so `make run` ends without "make: *** Error 143"
    assert f"127.0.0.1:{port}" in out
    assert "[uvicorn.error]" in err  # uvicorn's lines in the service's own log format
    assert "/healthz" not in err  # no access log: URLs carry conversation ids
    assert "Traceback" not in err


def test_nlu_eval_says_how_to_install_psutil(tmp_path: Path) -> None:
    shadow = tmp_path / "no-psutil" / "psutil"
    shadow.mkdir(parents=True)
    # A package that fails to import like a missing one: what `make run`'s install leaves.
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'psutil'\", name='psutil')\n",
        encoding="utf-8",
    )
    env = clean_env(tmp_path, PYTHONPATH=str(shadow.parent))
    result = gongyou("nlu-eval", "--backend", "embedded", env=env)
    assert result.returncode == 2
    assert "psutil" in result.stderr and "make install-dev" in result.stderr
    assert "Traceback" not in result.stderr
