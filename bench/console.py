"""Console pages with 10,000 cases in PostgreSQL: queue and statistics latency over HTTP.

Fills a fresh PostgreSQL schema with one organisation and N cases written the way
CaseService.submit writes them (content, worker copy and filing conversation sealed to real
keys; monthly counts; realistic employers with spelling variants, brands, categories,
provinces, statuses and dates over two years), starts the app under uvicorn (one process, as
production starts it), logs in through the API and times the console's pages:

- the queue (default, filtered by employer, a later page of all cases) and its API,
- the statistics page (whole organisation, and filtered by province),
- a case page.

The statistics tables are kept for a minute (made again at once when a case is filed or
marked spam); the cost of making them afresh is measured in process on its own line.
The first listing decrypts every case once to fill in the employer/brand digests; that cost
is printed on its own line. Then each page is fetched sequentially ``--requests`` times and
p50/p95/p99 printed. Run:

    uv run python bench/console.py --cases 10000 --requests 200
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from chat_throughput import start_server  # bench/ is the script's directory
from sqlalchemy import insert, text

from handoff.cases.categories import categories
from handoff.cases.models import Case, CaseCount
from handoff.console.staff import Staff
from handoff.db import make_engine, session_factory, upgrade
from handoff.keys.argon import Argon2Profile
from handoff.keys.boxes import new_private_key, seal
from handoff.orgs.models import Organisation
from handoff.orgs.service import OrganisationService

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench coordinator password"  # noqa: S105 - a throwaway benchmark account
NOW = datetime.now(UTC)
PROVINCES = {
    "广东省": 40,
    "浙江省": 12,
    "江苏省": 12,
    "福建省": 8,
    "湖北省": 5,
    "四川省": 5,
    "河南省": 5,
    "湖南省": 4,
    "山东省": 4,
    "上海市": 3,
    "重庆市": 2,
}
CITIES = ["东莞", "深圳", "惠州", "宁波", "苏州", "昆山", "泉州", "佛山", "中山", "义乌"]
WORDS = ["宏达", "永盛", "华丰", "金利", "鑫源", "恒泰", "新世纪", "联合", "东升", "裕隆", "大昌"]
TRADES = ["电子", "制衣", "鞋业", "塑胶", "五金", "玩具", "家具", "印刷", "纺织", "包装"]
SUFFIXES = ["有限公司", "厂", "公司", "", "有限公司", "电子厂"]
BRANDS = ["耐克", "阿迪达斯", "优衣库", "ZARA", "H&M", "苹果", "三星", "小米", "迪卡侬", "彪马"]
TRADITIONAL = str.maketrans(
    {"达": "達", "华": "華", "丰": "豐", "东": "東", "电": "電", "业": "業"}
)


def employers(count: int) -> list[str]:
    """Distinct employer names (a city, a word, a trade)."""
    names = {f"{c}{w}{t}" for c in CITIES for w in WORDS for t in TRADES}
    return sorted(names)[:count]


def spelling(name: str, rng: random.Random) -> str:
    """One way a worker might write ``name``: a legal suffix, spaces, Traditional characters."""
    written = name + rng.choice(SUFFIXES)
    if rng.random() < 0.15:
        written = written.translate(TRADITIONAL)
    if rng.random() < 0.1:
        written = " ".join(written)
    return written


def case_content(rng: random.Random, employer: str, brands: str | None) -> dict[str, Any]:
    """Content shaped like the intake's: answers and the summary lines."""
    description = "拖欠工资三个月，车间里很多人都没有拿到，老板说等订单结算。" * rng.randint(1, 4)
    answers = {
        "employer": employer,
        "brands": brands,
        "place": {"code": "441900", "province": "广东省", "city": "东莞市", "district": None},
        "started": {"text": "去年三月", "month": None},
        "ongoing": "still",
        "affected": {"key": "many", "number": rng.randint(5, 200)},
        "description": description,
        "contact": "chat",
    }
    summary = [
        ["雇主", employer],
        ["品牌", brands or "（没有填）"],
        ["地点", "广东省 东莞市"],
        ["开始时间", "去年三月"],
        ["还在发生吗", "还在"],
        ["涉及人数", f"{answers['affected']['number']}人"],  # type: ignore[index]
        ["经过", description],
        ["联系方式", "在这个聊天里联系"],
    ]
    return {"form": "intake/1", "answers": answers, "summary": summary, "channel": "web"}


def status_for(age_days: float, rng: random.Random) -> str:
    """A status that fits the age; closed cases are older than 90 days only where retention
    has not deleted them yet, so every case written survives the start-up purge."""
    if age_days < 3:
        return rng.choice(["new", "new", "new", "claimed"])
    if age_days < 30:
        return rng.choice(["new", "claimed", "in_progress", "waiting_for_worker", "resolved"])
    if age_days < 85:
        return rng.choice(["in_progress", "resolved", "closed", "closed", "spam"])
    return rng.choice(["in_progress", "waiting_for_worker", "resolved", "resolved"])


def fill(database_url: str, cases: int, seed: int) -> str:
    """Create the organisation and ``cases`` cases; returns the organisation's name."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    from bot.config import load_settings

    profile: Argon2Profile = load_settings().config.handoff.argon2
    name = "压测机构"
    OrganisationService(sessions, profile).create(name, "bench", PASSWORD, default=True)
    with sessions() as session:
        org = session.query(Organisation).filter_by(name=name).one()
        org_id, public = org.id, org.public_key
    rng = random.Random(seed)
    names = employers(400)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(names))]  # a few big employers
    keys = list(categories())
    province_names, province_weights = zip(*PROVINCES.items(), strict=True)
    rows: list[dict[str, Any]] = []
    counts: Counter[tuple[str, str, str]] = Counter()
    worker_key = new_private_key()
    for _ in range(cases):
        employer = spelling(rng.choices(names, weights)[0], rng)
        brands = "、".join(rng.sample(BRANDS, rng.randint(1, 2))) if rng.random() < 0.4 else None
        chosen = tuple(dict.fromkeys(rng.choices(keys, k=rng.randint(1, 3))))
        province = rng.choices(province_names, province_weights)[0]
        age = timedelta(days=rng.uniform(0, 730) ** 1.0)
        created = NOW - age
        status = status_for(age.total_seconds() / 86400, rng)
        content = json.dumps(case_content(rng, employer, brands), ensure_ascii=False).encode()
        rows.append(
            {
                "id": secrets.token_hex(16),
                "org_id": org_id,
                "lookup_id": secrets.token_hex(32),
                "submission_index": secrets.token_hex(32),
                "status": status,
                "category": chosen[0],
                "categories": ",".join(chosen),
                "province": province,
                "urgent": any(categories()[k].urgent for k in chosen),
                "created_at": created,
                "last_activity_at": created,
                "closed_at": created if status in ("closed", "spam") else None,
                "assignee_id": None,
                "key_version": 1,
                "worker_public_key": bytes(worker_key.public_key),
                "worker_private_wrapped": secrets.token_bytes(72),
                "content_for_org": seal(public, content),
                "content_for_worker": seal(worker_key.public_key, content),
                "origin_for_org": seal(public, secrets.token_hex(16).encode()),
                "tags_sealed": None,
            }
        )
        for category in chosen:
            counts[(created.strftime("%Y-%m"), category, province)] += 1
    with engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(insert(Case), rows[start : start + 1000])
        connection.execute(
            insert(CaseCount),
            [
                {"month": m, "category": c, "province": p, "org_id": org_id, "count": n}
                for (m, c, p), n in counts.items()
            ],
        )
    engine.dispose()
    vacuum(database_url)
    return name


def vacuum(database_url: str) -> None:
    """What autovacuum does after a burst of writes: fresh planner statistics and a visibility
    map, so counts can come from the covering indexes."""
    engine = make_engine(database_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("cases", "case_index", "case_counts"):
            connection.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(client: httpx.Client, path: str, requests: int) -> list[float]:
    """Milliseconds per request, sequentially, after two warm-up requests."""
    for _ in range(2):
        client.get(path).raise_for_status()
    latencies = []
    for _ in range(requests):
        began = time.perf_counter()
        reply = client.get(path)
        latencies.append((time.perf_counter() - began) * 1000)
        reply.raise_for_status()
    return latencies


def measure(base: str, requests: int, database_url: str) -> list[tuple[str, list[float]]]:
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.post("/api/console/login", json={"username": "bench", "password": PASSWORD})
        login.raise_for_status()
        client.headers["Authorization"] = "Bearer " + login.json()["access_token"]
        began = time.perf_counter()
        client.get("/console/cases").raise_for_status()
        first = (time.perf_counter() - began) * 1000
        print(f"  first listing (decrypts every case once for the digests): {first:8.0f} ms")
        vacuum(database_url)
        listing = client.get("/api/console/cases", params={"status": "all"}).json()
        case_id = listing["data"][0]["id"]
        pages = [
            ("queue /console/cases", "/console/cases"),
            ("queue, employer filter", "/console/cases?employer=东莞宏达电子有限公司&status=all"),
            ("queue, all cases page 20", "/console/cases?status=all&page=20"),
            ("API GET /api/console/cases", "/api/console/cases"),
            ("stats /console/stats", "/console/stats"),
            ("stats, province filter", "/console/stats?province=广东省&month_from=2026-01"),
            ("case page", f"/console/cases/{case_id}"),
        ]
        return [(label, timed(client, path, requests)) for label, path in pages]


def uncached_stats(database_url: str, requests: int) -> list[float]:
    """The statistics report made afresh each time (what a request pays once a minute, or
    after a case is filed), in process: milliseconds per report."""
    from bot.config import load_settings
    from handoff.console.stats_report import TableCache, build_report
    from handoff.console.stats_tables import StatsFilter
    from handoff.keys.boxes import unseal

    engine = make_engine(database_url)
    sessions = session_factory(engine)
    orgs = OrganisationService(sessions, load_settings().config.handoff.argon2)
    member = orgs.unlock("bench", PASSWORD)
    with sessions() as session:
        org = session.get(Organisation, member.org_id)
        assert org is not None  # noqa: S101 - made by fill()
        index_key = unseal(member.org_key, org.index_key_sealed)
    staff = Staff(
        member.member_id,
        member.username,
        member.role,
        member.org_id,
        org.name,
        member.org_key,
        index_key,
        "bench",
    )
    latencies = []
    with sessions() as session:
        for _ in range(requests):
            began = time.perf_counter()
            build_report(session, staff, StatsFilter(), cache=TableCache(ttl_seconds=0))
            latencies.append((time.perf_counter() - began) * 1000)
    engine.dispose()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; the client shares the machine"
    )
    schema = "bench_console_" + secrets.token_hex(4)
    admin = make_engine(args.database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{args.database_url}?options=-csearch_path%3D{schema}"
        with tempfile.TemporaryDirectory() as var_dir:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
            env.update(
                {
                    "GONGYOU_VAR_DIR": var_dir,
                    "RASA_TELEMETRY_ENABLED": "false",
                    "GONGYOU_SECRET_KEY": "bench-" + "k" * 40,
                    "DATABASE_URL": url,
                }
            )
            os.environ.update({"GONGYOU_SECRET_KEY": env["GONGYOU_SECRET_KEY"]})
            began = time.perf_counter()
            fill(url, args.cases, args.seed)
            print(f"{args.cases} cases written in {time.perf_counter() - began:.0f} s")
            server, base = start_server(env, 1)
            try:
                print(f"PostgreSQL, 1 uvicorn process, {args.requests} sequential requests each:")
                for label, values in measure(base, args.requests, url):
                    print(
                        f"  {label:<28} p50 {pct(values, 50):6.1f} ms  "
                        f"p95 {pct(values, 95):6.1f} ms  p99 {pct(values, 99):6.1f} ms"
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)
            values = uncached_stats(url, min(args.requests, 100))
            print(
                f"  {'stats report, no cache (in process)':<28} p50 {pct(values, 50):6.1f} ms  "
                f"p95 {pct(values, 95):6.1f} ms  p99 {pct(values, 99):6.1f} ms"
            )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
