"""Complaint intake under load: N simulated workers each file a whole complaint over HTTP.

Each worker opens a web conversation, goes through every step of the intake at a person's
pace (with one legal question asked in the middle of a button step), submits and taps
我已保存. Prints completed cases, cases lost (a worker who finished without a receipt or whose
receipt opens nothing), duplicate cases (cases in the database beyond the receipts handed
out) and p50/p99 latency per step, with the submit step (one Argon2id run) on its own line.
Runs on embedded defaults (SQLite, in-process store, one process) and on PostgreSQL + Redis
(two processes, a fresh schema) when they are reachable.

    uv run python bench/intake.py --workers 200 --think-seconds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from chat_throughput import open_starts_config, reachable, start_server  # bench/ is on sys.path
from sqlalchemy import func, select, text

from handoff.cases.models import Case
from handoff.db import make_engine, session_factory

ROOT = Path(__file__).resolve().parent.parent
RECEIPT = re.compile(r"(\d{4} \d{4} \d{4} \d{4})")
PASSWORD = "bench coordinator password"  # noqa: S105 - a throwaway benchmark account

# (step label, kind, value): the whole intake, as a worker would go through it.
SCRIPT: list[tuple[str, str, str]] = [
    ("start", "text", "我要投诉"),
    ("consent", "payload", "/pick{consent:yes}"),
    ("categories", "payload", "/pick{categories:wages}"),
    ("categories_done", "payload", "/done"),
    ("employer", "text", "宏达电子厂"),
    ("brands", "payload", "/skip"),
    ("place", "text", "广东东莞"),
    ("district", "payload", "/skip"),
    ("started", "text", "去年三月"),
    ("ongoing", "payload", "/pick{ongoing:still}"),
    ("question_mid_flow", "text", "老板一直不发工资怎么办"),
    ("affected", "payload", "/pick{affected:many}"),
    ("description", "text", "拖欠三个月工资，车间三十多人都没拿到"),
    ("evidence", "payload", "/skip"),
    ("wants", "payload", "/skip"),
    ("contact", "payload", "/pick{contact:chat}"),
    ("submit", "payload", "/submit"),
    ("saved", "payload", "/saved"),
]


@dataclass
class Outcome:
    """What the run measured."""

    label: str
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    receipts: list[str] = field(default_factory=list)
    submitted: int = 0
    failed_workers: int = 0
    errors: int = 0
    seconds: float = 0.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


async def worker(client: httpx.AsyncClient, outcome: Outcome, think: float, arrival: float) -> None:
    await asyncio.sleep(random.uniform(0, arrival))  # people arrive spread out
    conversation = (await client.post("/api/chat", json={"conversation_id": None})).json()
    cid = conversation["conversation_id"]
    receipt: str | None = None
    for label, kind, value in SCRIPT:
        await asyncio.sleep(think * random.uniform(0.5, 1.5))
        began = time.perf_counter()
        if label == "submit":
            outcome.submitted += 1
        for attempt in range(3):  # a person taps again when the reply does not come
            try:
                response = await client.post(
                    "/api/chat", json={"conversation_id": cid, kind: value}
                )
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                break
            outcome.errors += 1
            await asyncio.sleep(1 + attempt)
        outcome.latencies[label].append((time.perf_counter() - began) * 1000)
        if not ok:
            outcome.failed_workers += 1
            return
        if label == "submit":
            texts = " ".join(r["text"] for r in response.json()["replies"])
            found = RECEIPT.search(texts)
            receipt = found.group(1).replace(" ", "") if found else None
    if receipt is None:
        outcome.failed_workers += 1
    else:
        outcome.receipts.append(receipt)


async def drive(base: str, args: argparse.Namespace, label: str) -> Outcome:
    outcome = Outcome(label)
    workers = args.workers
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base, timeout=180, limits=limits) as client:
        began = time.monotonic()
        await asyncio.gather(
            *(
                worker(client, outcome, args.think_seconds, args.arrival_seconds)
                for _ in range(workers)
            )
        )
        outcome.seconds = time.monotonic() - began
    return outcome


def add_organisation(env: dict[str, str]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "org",
            "add",
            "压测机构",
            "--coordinator",
            "bench",
            "--default",
        ],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


def check_cases(database_url: str, outcome: Outcome, env: dict[str, str]) -> tuple[int, int]:
    """(cases in the database, receipts that open no case) — by the receipt, as a worker would."""
    os.environ.update({k: env[k] for k in ("GONGYOU_SECRET_KEY",)})
    from bot.config import load_settings
    from handoff.cases.service import CaseService
    from handoff.crypto import Vault

    settings = load_settings()
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    with sessions() as session:
        stored = int(session.scalar(select(func.count()).select_from(Case)) or 0)
    service = CaseService(
        sessions, Vault(env["GONGYOU_SECRET_KEY"]), settings.config.handoff.receipt_argon2
    )
    sample = (
        outcome.receipts if len(outcome.receipts) <= 50 else random.sample(outcome.receipts, 50)
    )
    unopened = sum(1 for r in sample if service.find_by_receipt(r) is None)
    engine.dispose()
    return stored, unopened


def report(outcome: Outcome, stored: int, unopened: int, workers: int) -> None:
    completed = len(outcome.receipts)
    print(f"\n{outcome.label}: {workers} workers in {outcome.seconds:.0f} s")
    print(f"  completed cases: {completed}   workers without a receipt: {outcome.failed_workers}")
    print(
        f"  cases lost: {workers - stored if stored < completed else 0 + unopened}   "
        f"(receipts checked that open nothing: {unopened})"
    )
    print(f"  duplicate cases: {max(0, stored - completed)}   (cases stored: {stored})")
    print(f"  HTTP retries after an error: {outcome.errors}")
    steps = [s for s, _, _ in SCRIPT if s != "submit"]
    every = [v for s in steps for v in outcome.latencies[s]]
    print(f"  every step but submit: p50 {pct(every, 50):7.1f} ms   p99 {pct(every, 99):7.1f} ms")
    for step in steps:
        values = outcome.latencies[step]
        print(f"    {step:<18} p50 {pct(values, 50):7.1f} ms   p99 {pct(values, 99):7.1f} ms")
    submit = outcome.latencies["submit"]
    print(f"  submit (Argon2id)  p50 {pct(submit, 50):7.1f} ms   p99 {pct(submit, 99):7.1f} ms")


def run_case(
    label: str, env_extra: dict[str, str], processes: int, args: argparse.Namespace
) -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            {
                "GONGYOU_VAR_DIR": var_dir,
                "RASA_TELEMETRY_ENABLED": "false",
                "GONGYOU_SECRET_KEY": "bench-" + "k" * 40,
                "DATABASE_URL": f"sqlite:///{var_dir}/bench.db",
                **env_extra,
            }
        )
        config = open_starts_config(var_dir)  # 200 workers from one address
        if config is not None:
            env["GONGYOU_CONFIG"] = str(config)
        add_organisation(env)
        server, base = start_server(env, processes)
        try:
            outcome = asyncio.run(drive(base, args, label))
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored, unopened = check_cases(env["DATABASE_URL"], outcome, env)
        report(outcome, stored, unopened, args.workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--think-seconds", type=float, default=5.0, help="mean pause per step")
    parser.add_argument(
        "--arrival-seconds", type=float, default=60.0, help="workers start spread over this time"
    )
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--only", choices=["embedded", "postgres"], default=None)
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(
        f"{args.workers} workers, {len(SCRIPT)} steps each, think {args.think_seconds:g} s; "
        "production Argon2id cost; the load generator shares the machine"
    )
    if args.only != "postgres":
        run_case("embedded (SQLite + in-process, 1 process)", {}, 1, args)
    if args.only == "embedded":
        return
    if not reachable(args.database_url, args.redis_url):
        print("PostgreSQL + Redis: not reachable, skipped")
        return
    schema = "bench_" + secrets.token_hex(4)
    admin = make_engine(args.database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        run_case(
            f"PostgreSQL + Redis ({args.processes} processes)",
            {"DATABASE_URL": url, "REDIS_URL": args.redis_url},
            args.processes,
            args,
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
