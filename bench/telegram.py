"""Telegram end to end: the bot as production runs it, against the local Bot API stand-in.

The stand-in (tests/bot/channels/telegram/standin.py) runs in this process and plays N
workers in private chats; the bot runs in its own process, exactly as deployed:
``gongyou telegram --polling``, or ``uvicorn bot.web.server:app`` in webhook mode registered with
``gongyou telegram set-webhook``. Two loads per mode:

- burst: every chat sends its whole script at once (saturation): updates/s handled end to
  end (from the first update queued to the last first reply);
- paced: each chat sends its next message a think time after the previous reply arrived, as a
  person would: p50/p99 from an update being queued to the bot's first sendMessage for it.

Each runs on embedded defaults (SQLite, in-process store, one process) and on PostgreSQL +
Redis (webhook: two processes) when they are reachable. Sending is capped at 1,000 messages/s
here (config default 25, Telegram allows about 30 per bot), so the bot, not the cap, is measured.

    uv run python bench/telegram.py --chats 100 --rounds 5 --think-seconds 1
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from chat_throughput import reachable, start_server  # bench/ is the script's directory

from tests.bot.channels.telegram.standin import StandIn

ROOT = Path(__file__).resolve().parent.parent
# Each gets exactly one reply: the greeting, a cited answer, the menu, help.
SCRIPT = ["/start", "试用期最长多久", "/menu", "老板拖欠工资怎么办", "/help"]


@dataclass
class Result:
    """One measured case."""

    label: str
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    lost: int = 0

    def line(self) -> str:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0

        rate = self.updates / self.seconds if self.seconds else 0.0
        return (
            f"{self.label:40s} {rate:7.1f} updates/s  p50 {pct(50):7.1f} ms  "
            f"p99 {pct(99):7.1f} ms  ({self.updates} updates, {self.lost} without a reply)"
        )


def write_config(var_dir: Path, mode: str) -> Path:
    """config.yml with the Telegram mode set, sending uncapped, NLU paths made absolute."""
    raw = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    section = raw["gongyou"]
    nlu = section.setdefault("nlu", {})
    for key, default in (
        ("data_dir", "nlu/data"),
        ("dictionary_dir", "nlu/dictionary"),
        ("model_dir", "var/models"),
    ):
        nlu[key] = str(ROOT / nlu.get(key, default))
    section["logging"] = {"level": "WARNING", "json": False}
    section["telegram"] = {
        **section.get("telegram", {}),
        "mode": mode,
        "messages_per_second": 1000,
        "max_concurrent_sends": 64,
    }
    path = var_dir / "config.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def start_bot(
    mode: str, env: dict[str, str], processes: int
) -> tuple[subprocess.Popen[bytes], str]:
    """The bot process; for webhook mode also the URL Telegram should post to."""
    if mode == "polling":
        command = [sys.executable, "-m", "bot.cli", "telegram", "--polling"]
        return subprocess.Popen(command, cwd=ROOT, env=env), ""  # noqa: S603 - fixed command
    server, base = start_server(env, processes)  # the web server, as the chat bench runs it
    url = base + "/telegram/webhook"
    subprocess.run(  # noqa: S603 - the real set-webhook command
        [sys.executable, "-m", "bot.cli", "telegram", "set-webhook", url],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return server, url


async def wait_ready(standin: StandIn, chat_id: int) -> None:
    """Until the bot answers (it has loaded its NLU model and is polling or registered)."""
    standin.command(chat_id, "/start")
    await standin.wait_for_messages(chat_id, 1, timeout=180)


async def burst(standin: StandIn, chats: list[int], rounds: int, label: str) -> Result:
    result = Result(label)
    seen = {c: len(standin.messages(c)) for c in chats}
    began = time.monotonic()
    pushed: dict[int, list[int]] = {c: [] for c in chats}
    for step in range(rounds):
        for chat_id in chats:
            pushed[chat_id].append(standin.message(chat_id, SCRIPT[step % len(SCRIPT)]))
    expected = {c: seen[c] + rounds for c in chats}
    deadline = began + 600
    while any(len(standin.messages(c)) < expected[c] for c in chats):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.01)
    last = max((m.at for c in chats for m in standin.messages(c)[seen[c] :]), default=began)
    result.seconds = last - began
    result.updates = sum(min(rounds, len(standin.messages(c)) - seen[c]) for c in chats)
    result.lost = len(chats) * rounds - result.updates
    for chat_id in chats:
        replies = standin.messages(chat_id)[seen[chat_id] :]
        for update_id, reply in zip(pushed[chat_id], replies, strict=False):
            result.latencies.append((reply.at - standin.pushed_at[update_id]) * 1000)
    return result


async def paced_chat(
    standin: StandIn, chat_id: int, rounds: int, think: float, result: Result
) -> None:
    await asyncio.sleep(random.uniform(0, think))
    for step in range(rounds):
        before = len(standin.messages(chat_id))
        update_id = standin.message(chat_id, SCRIPT[step % len(SCRIPT)])
        try:
            replies = await standin.wait_for_messages(chat_id, before + 1, timeout=60)
        except TimeoutError:
            result.lost += 1
            continue
        result.latencies.append((replies[before].at - standin.pushed_at[update_id]) * 1000)
        result.updates += 1
        await asyncio.sleep(think * random.uniform(0.5, 1.5))


async def paced(
    standin: StandIn, chats: list[int], rounds: int, think: float, label: str
) -> Result:
    result = Result(label)
    began = time.monotonic()
    await asyncio.gather(*(paced_chat(standin, c, rounds, think, result) for c in chats))
    result.seconds = time.monotonic() - began
    return result


async def run_case(
    mode: str, backend: str, env_extra: dict[str, str], args: argparse.Namespace
) -> list[Result]:
    # Update ids unlike any earlier run's: Redis remembers handled updates for two days.
    standin = StandIn(first_update_id=random.randrange(10**6, 10**12))
    await standin.start()
    processes = 2 if backend != "embedded" and mode == "webhook" else 1
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(
            {
                "GONGYOU_VAR_DIR": str(var_dir),
                "GONGYOU_CONFIG": str(write_config(var_dir, mode)),
                "GONGYOU_SECRET_KEY": "bench-" + "k" * 40,
                "TELEGRAM_BOT_TOKEN": standin.token,
                "TELEGRAM_API_BASE_URL": standin.base_url,
                "RASA_TELEMETRY_ENABLED": "false",
                **env_extra,
            }
        )
        env.setdefault("DATABASE_URL", f"sqlite:///{var_dir}/bench.db")
        bot, _url = await asyncio.to_thread(start_bot, mode, env, processes)
        try:
            await wait_ready(standin, 1)
            label = f"{mode}, {backend}"
            base = 800_000_000
            chats = [base + i for i in range(args.chats)]
            results = [await burst(standin, chats, args.rounds, f"{label}, burst")]
            chats = [base + 100_000 + i for i in range(args.chats)]
            think = args.think_seconds
            results.append(await paced(standin, chats, args.rounds, think, f"{label}, paced"))
            return results
        finally:
            bot.terminate()  # the stand-in must keep answering while the bot shuts down
            await asyncio.to_thread(bot.wait, 60)
            await standin.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=100, help="workers, one private chat each")
    parser.add_argument("--rounds", type=int, default=5, help="messages per chat")
    parser.add_argument("--think-seconds", type=float, default=1.0, help="paced: mean pause")
    parser.add_argument("--modes", default="polling,webhook")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    print(f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"{args.chats} chats × {args.rounds} messages, paced think {args.think_seconds} s")
    backends: list[tuple[str, dict[str, str]]] = [("embedded", {})]
    if reachable(args.database_url, args.redis_url):
        backends.append(
            ("PostgreSQL + Redis", {"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url})
        )
    for mode in args.modes.split(","):
        for backend, env_extra in backends:
            for result in asyncio.run(run_case(mode, backend, env_extra, args)):
                print(result.line(), flush=True)


if __name__ == "__main__":
    main()
