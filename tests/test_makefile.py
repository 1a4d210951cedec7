"""What an operator meets first: `make help`, what each target installs and runs, and the
optional compose file. Read with `make -n` (print, do not run) so nothing is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make not installed")


def make(*args: str) -> str:
    result = subprocess.run(  # noqa: S603 - make with fixed arguments on our own Makefile
        ["make", "--no-print-directory", *args],  # noqa: S607 - make from PATH, as a user runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_help_reads_cleanly() -> None:
    out = make("help")
    assert "$" not in out  # no unexpanded make or shell variables
    assert "PORT=8080 make run" in out
    for target in ("run", "chat", "test", "test-fast", "lint", "typecheck"):
        assert f"make {target} " in out


def test_run_installs_runtime_dependencies_only() -> None:
    recipe = make("-n", "-B", "run")
    assert "sync --frozen --no-dev" in recipe
    assert "exec .venv/bin/gongyou run" in recipe  # Ctrl-C reaches the server, not make


def test_tests_install_the_development_tools() -> None:
    recipe = make("-n", "-B", "test")
    assert "sync --frozen\n" in recipe


def test_tests_run_in_parallel_a_module_per_worker_unless_told_not_to() -> None:
    assert "-n 2 --dist loadscope" in make("-n", "-B", "test")
    assert "-p no:xdist" in make("-n", "-B", "test", "TEST_WORKERS=0")


def test_fast_tests_leave_out_rasa_and_the_browser() -> None:
    recipe = make("-n", "test-fast")
    assert '-m "not rasa and not browser"' in recipe


def test_compose_starts_the_service_with_postgresql_and_redis() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"gongyou", "postgres", "redis"}
    app = services["gongyou"]
    assert app["environment"]["GONGYOU_MODE"] == "production"
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert app["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "${GONGYOU_SECRET_KEY:?" in app["environment"]["GONGYOU_SECRET_KEY"]  # never a default
    assert all(p.startswith("127.0.0.1:") for p in app["ports"])  # behind a proxy, not public
    assert {name: dep["condition"] for name, dep in app["depends_on"].items()} == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
    }
