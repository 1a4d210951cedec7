"""Chat throughput benchmark: N concurrent simulated workers against a real uvicorn server.

Starts the app the way production does (uvicorn, no reload, access log off), drives
POST /api/chat on the greeting/menu path for a fixed time and prints messages/s and
p50/p95/p99 latency — once on embedded defaults (SQLite, in-process store, one process) and
once on Redis + PostgreSQL (two processes) when --database-url/--redis-url are reachable.

    uv run python bench/chat_throughput.py --workers 50 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = [("text", "你好"), ("payload", "/menu"), ("text", "菜单"), ("payload", "/help")]
MESSAGES_PER_CONVERSATION = 20  # stay under the per-conversation rate limit, as real workers do


@dataclass
class Result:
    label: str
    messages: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def report(self) -> str:
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else float("nan")

        return (
            f"{self.label}: {self.messages / self.seconds:8.1f} msg/s  "
            f"p50 {pct(50):6.1f} ms  p95 {pct(95):6.1f} ms  p99 {pct(99):6.1f} ms  "
            f"mean {statistics.fmean(lat) if lat else float('nan'):6.1f} ms  "
            f"({self.messages} messages, {self.errors} errors)"
        )


#: Limits on *starting* conversations, per address and for everyone: one load generator on
#: 127.0.0.1 plays thousands of workers, so a bench's copy of config.yml raises them. The
#: per-conversation message limit, locking and encryption stay as configured.
START_LIMITS = ("new_conversations_per_ip_per_hour", "new_conversations_per_minute")


def open_starts_config(var_dir: str) -> Path | None:
    """A copy of config.yml in ``var_dir`` with :data:`START_LIMITS` raised (None when
    config.yml sets none of them); pass it to the server as ``GONGYOU_CONFIG``."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    web = config.get("gongyou", {}).get("web", {})
    if not any(limit in web for limit in START_LIMITS):
        return None
    web.update({limit: 1_000_000 for limit in START_LIMITS if limit in web})
    copy = Path(var_dir) / "config.yml"
    copy.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return copy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], processes: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bot.web.server:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(processes),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - fixed command
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError("server exited during start-up")
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError("server did not become healthy in 120 s")


async def simulated_worker(
    client: httpx.AsyncClient,
    stop_at: float,
    latencies: list[float],
    errors: list[int],
    think_seconds: float,
) -> None:
    conversation_id: str | None = None
    sent = 0
    if think_seconds > 0:
        # Ramp-up: people do not all press send in the same millisecond. Without this, the
        # first measured message of every worker lands in one burst of N requests and that
        # artificial burst alone decides p99.
        await asyncio.sleep(random.uniform(0, think_seconds))
    while time.monotonic() < stop_at:
        if conversation_id is None or sent >= MESSAGES_PER_CONVERSATION:
            response = await client.post("/api/chat", json={"conversation_id": None})
            conversation_id = response.json()["conversation_id"]
            sent = 0
        kind, value = MESSAGES[sent % len(MESSAGES)]
        body = {"conversation_id": conversation_id, kind: value}
        began = time.perf_counter()
        try:
            response = await client.post("/api/chat", json=body)
            ok = response.status_code == 200 and response.json()["replies"]
        except httpx.HTTPError:
            ok = False
        latencies.append((time.perf_counter() - began) * 1000)
        if not ok:
            errors.append(1)
        sent += 1
        if think_seconds > 0:
            # A person reads the reply and types the next message: 0.5×–1.5× the mean.
            await asyncio.sleep(think_seconds * random.uniform(0.5, 1.5))


async def drive(
    base: str, workers: int, seconds: float, think_seconds: float, label: str
) -> Result:
    latencies: list[float] = []
    errors: list[int] = []
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        warm_until = time.monotonic() + 2
        await asyncio.gather(
            *(simulated_worker(client, warm_until, [], [], 0.0) for _ in range(workers))
        )
        began = time.monotonic()
        stop_at = began + seconds
        await asyncio.gather(
            *(
                simulated_worker(client, stop_at, latencies, errors, think_seconds)
                for _ in range(workers)
            )
        )
        elapsed = time.monotonic() - began
    return Result(label, len(latencies), len(errors), elapsed, latencies)


def run_case(
    label: str, env_extra: dict[str, str], processes: int, args: argparse.Namespace
) -> Result:
    with tempfile.TemporaryDirectory() as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            {
                "GONGYOU_VAR_DIR": var_dir,
                "RASA_TELEMETRY_ENABLED": "false",
                "GONGYOU_SECRET_KEY": "bench-" + "k" * 40,
                **env_extra,
            }
        )
        if "DATABASE_URL" not in env_extra:
            env["DATABASE_URL"] = f"sqlite:///{var_dir}/bench.db"
        server, base = start_server(env, processes)
        try:
            return asyncio.run(drive(base, args.workers, args.seconds, args.think_seconds, label))
        finally:
            server.terminate()
            server.wait(timeout=30)


def reachable(database_url: str, redis_url: str) -> bool:
    try:
        import redis
        from sqlalchemy import text

        from handoff.db import make_engine

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        engine = make_engine(database_url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:  # noqa: BLE001 - any failure means "skip this case"
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=50, help="concurrent simulated workers")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration per case")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--processes", type=int, default=2, help="server processes with Redis+PG")
    parser.add_argument(
        "--think-seconds",
        type=float,
        default=1.0,
        help="mean pause of a worker between messages (0 = back-to-back, saturation)",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(
        f"{args.workers} concurrent workers, {args.seconds:.0f} s per case, greeting/menu path, "
        f"think time {args.think_seconds:g} s; the load generator shares the machine"
    )
    results = [run_case("embedded (SQLite + in-process, 1 process)", {}, 1, args)]
    print(results[-1].report(), flush=True)
    if reachable(args.database_url, args.redis_url):
        label = f"PostgreSQL + Redis ({args.processes} processes)"
        extra = {"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url}
        results.append(run_case(label, extra, args.processes, args))
        print(results[-1].report(), flush=True)
    else:
        print("PostgreSQL + Redis: not reachable, skipped")


if __name__ == "__main__":
    main()
