"""Live updates on one server process: what open Server-Sent Events clients cost in memory, and
how long a caseworker's message takes to reach a worker's open web chat page.

Seeds one organisation and ``--clients`` web conversations, each with a complaint (written the
way the chat files one), starts the app under uvicorn (one process), and measures:

1. the server's resident memory before and after ``--clients`` worker pages follow their chat
   over SSE, and again after as many console pages follow the organisation's events;
2. with all of them open, ``--messages`` caseworker messages sent through the console API
   (``POST /api/console/cases/{id}/messages``) to random open pages, ``--rate`` a second:
   the time from sending to the page receiving it (p50/p95/p99), and how many never arrived.

Runs on the embedded default (SQLite, in-process bus and store) and on PostgreSQL + Redis (a
fresh schema, Redis db ``--redis-url``) when they are reachable. The load generator holds every
connection and shares the machine with the server. Run:

    uv run python bench/console_live.py --clients 500 --messages 300 --rate 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from chat_throughput import reachable, start_server  # bench/ is the script's directory
from intake import PASSWORD, add_organisation
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-live-" + "k" * 40
STREAM = {"Accept": "text/event-stream"}


@dataclass
class Result:
    """What one backend measured."""

    label: str
    rss_start_mib: float = 0.0
    rss_chats_mib: float = 0.0
    rss_consoles_mib: float = 0.0
    latencies: list[float] = field(default_factory=list)
    missing: int = 0
    undelivered: int = 0

    def report(self, clients: int, messages: int) -> str:
        chats = self.rss_chats_mib - self.rss_start_mib
        consoles = self.rss_consoles_mib - self.rss_chats_mib
        values = sorted(self.latencies)

        def pct(p: float) -> float:
            if not values:
                return float("nan")
            return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000

        return "\n".join(
            [
                f"\n{self.label}",
                f"  server RSS at rest: {self.rss_start_mib:.1f} MiB",
                f"  + {clients} chat pages on SSE: +{chats:.1f} MiB "
                f"({chats * 1024 / clients:.1f} KiB each)",
                f"  + {clients} console pages on SSE: +{consoles:.1f} MiB "
                f"({consoles * 1024 / clients:.1f} KiB each)",
                f"  caseworker message → open chat page, {messages} messages: "
                f"p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms, p99 {pct(99):.0f} ms, "
                f"max {pct(100):.0f} ms",
                f"  never arrived: {self.missing}   not delivered per the API: {self.undelivered}",
            ]
        )


def seed(env: dict[str, str], clients: int) -> tuple[list[str], list[str]]:
    """An organisation, ``clients`` web conversations and a case filed by each; returns the
    pages' conversation ids (what a page holds) and the case ids, in the same order."""
    add_organisation(env)
    os.environ.update(env)
    from bot.config import load_settings
    from handoff.cases.service import CaseService, ComplaintSubmission
    from handoff.conversations import ConversationRepository
    from handoff.crypto import Vault
    from handoff.db import make_engine, session_factory
    from handoff.keys.receipts import new_receipt
    from handoff.orgs.service import OrganisationService

    settings = load_settings()
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    vault = Vault(settings.secrets.secret_key.get_secret_value())
    org = OrganisationService(sessions, settings.config.handoff.argon2).default()
    if org is None:
        raise RuntimeError("the benchmark organisation was not created")
    conversations = ConversationRepository(sessions, vault)
    cases = CaseService(sessions, vault, settings.config.handoff.receipt_argon2)
    pages, case_ids = [], []
    for _ in range(clients):
        page = secrets.token_urlsafe(32)
        submission = ComplaintSubmission(
            submission_id=secrets.token_hex(8),
            conversation_id=conversations.ensure("web", page),
            org_id=org.id,
            categories=("wages",),
            province="广东省",
            urgent=False,
            content={"answers": {}, "summary": [["情况", "拖欠工资"]]},
            receipt=new_receipt(),
        )
        pages.append(page)
        case_ids.append(cases.submit(submission).case_id)
    engine.dispose()
    return pages, case_ids


class Pages:
    """Open SSE streams; each chat page notes when each message arrives."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self.arrived: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._open = 0

    async def _follow(self, url: str, headers: dict[str, str], ready: asyncio.Event) -> None:
        async with self._client.stream("GET", url, headers=headers) as response:
            response.raise_for_status()
            self._open += 1
            ready.set()
            async for line in response.aiter_lines():
                if line.startswith("data:") and "bench-" in line:
                    marker = line[line.index("bench-") :].split("\\", 1)[0].split('"', 1)[0]
                    self.arrived.setdefault(marker, time.monotonic())

    async def open(self, urls: list[str], headers: dict[str, str]) -> None:
        for url in urls:
            ready = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._follow(url, headers, ready)))
            async with asyncio.timeout(30):
                await ready.wait()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def rss_mib(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


async def measure(
    base: str,
    pid: int,
    pages: list[str],
    cases: list[str],
    args: argparse.Namespace,
    result: Result,
) -> None:
    limits = httpx.Limits(max_connections=2 * len(pages) + 50, max_keepalive_connections=50)
    timeout = httpx.Timeout(30, read=None)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        login = await client.post(
            "/api/console/login", json={"username": "bench", "password": PASSWORD, "totp": ""}
        )
        login.raise_for_status()
        staff = {"Authorization": "Bearer " + login.json()["access_token"]}
        # Warm-up: templates, the first SSE response, the console API.
        warm = Pages(client)
        await warm.open([f"/api/chat/{pages[0]}/events"], {})
        await warm.close()
        await asyncio.sleep(1)
        result.rss_start_mib = rss_mib(pid)
        chats, consoles = Pages(client), Pages(client)
        await chats.open([f"/api/chat/{page}/events" for page in pages], {})
        await asyncio.sleep(2)
        result.rss_chats_mib = rss_mib(pid)
        await consoles.open(["/api/console/events"] * len(pages), {**staff, **STREAM})
        await asyncio.sleep(2)
        result.rss_consoles_mib = rss_mib(pid)

        sent: dict[str, float] = {}
        pause = 1 / args.rate
        for number in range(args.messages):
            case_id = random.choice(cases)
            marker = f"bench-{number:05d}"
            began = time.monotonic()
            sent[marker] = began
            answer = await client.post(
                f"/api/console/cases/{case_id}/messages",
                headers=staff,
                json={"text": f"你好 {marker}"},
            )
            if answer.status_code != 201 or answer.json().get("delivery") != "delivered":
                result.undelivered += 1
            await asyncio.sleep(max(0.0, pause - (time.monotonic() - began)))
        await asyncio.sleep(3)  # stragglers
        for marker, began in sent.items():
            if marker in chats.arrived:
                result.latencies.append(chats.arrived[marker] - began)
            else:
                result.missing += 1
        await chats.close()
        await consoles.close()


@contextmanager
def postgres_schema(database_url: str) -> Iterator[str]:
    from handoff.db import make_engine

    schema = "bench_" + secrets.token_hex(4)
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_case(label: str, extra: dict[str, str], args: argparse.Namespace) -> Result:
    result = Result(label)
    with tempfile.TemporaryDirectory() as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            {
                "GONGYOU_VAR_DIR": var_dir,
                "RASA_TELEMETRY_ENABLED": "false",
                "GONGYOU_SECRET_KEY": SECRET_KEY,
                "DATABASE_URL": f"sqlite:///{var_dir}/bench.db",
                **extra,
            }
        )
        pages, cases = seed(env, args.clients)
        server, base = start_server(env, 1)
        try:
            asyncio.run(measure(base, server.pid, pages, cases, args, result))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=500, help="open pages of each kind")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="caseworker messages a second")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--only", choices=["embedded", "postgres"], default=None)
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; one server process; the load generator shares "
        "the machine"
    )
    if args.only != "postgres":
        embedded = run_case("embedded (SQLite + in-process bus and store)", {}, args)
        print(embedded.report(args.clients, args.messages), flush=True)
    if args.only == "embedded":
        return
    if not reachable(args.database_url, args.redis_url):
        print("PostgreSQL + Redis: not reachable, skipped")
        return
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    with postgres_schema(args.database_url) as url:
        configured = run_case(
            "PostgreSQL + Redis (pub/sub wake-ups, Redis streams)",
            {"DATABASE_URL": url, "REDIS_URL": args.redis_url},
            args,
        )
    print(configured.report(args.clients, args.messages), flush=True)


if __name__ == "__main__":
    main()
