"""The command line as a user runs it (a real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    assert "工友助手" in result.stdout
    assert "每满一年支付一个月工资" in result.stdout
