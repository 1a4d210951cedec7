"""Side by side on one machine: a hello-world FastAPI POST and the real ``POST /api/chat``.

Both are served by uvicorn, one process each, and driven by wrk (Debian's package:
``apt-get install wrk``) with the same connections and duration, so the hello-world figure is
the ceiling this machine, Python and uvicorn set, and the chat figure is what the service does
with knowledge-base questions below it. wrk posts varied bodies through a generated Lua script:
each request takes a random question of at least 200 distinct ones and one of a few thousand
conversations opened beforehand, in turn, so no conversation reaches the per-conversation rate
limit (40 a minute) and no two connections share one. Encryption, locking and rate limiting run
as in production; nothing is cached on the message text. Replies with a status other than 200
and "busy" replies (the lock or the rate limit said no) are counted and printed.

A second part drives the chat at a person's pace (a think time between messages, Python
load generator) and reports its latency, which is what a worker feels.

    uv run --frozen python bench/chat_side_by_side.py --seconds 20 --connections 50
    uv run --frozen python bench/chat_side_by_side.py --questions ../shared/dev_questions.jsonl

Questions: knowledge_base/data/own_questions.jsonl and situation_questions_tune.jsonl, plus
any ``--questions`` files (read by path at run time, never copied).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_throughput import ROOT, free_port, open_starts_config

QUESTION_FILES = (
    ROOT / "knowledge_base/data/own_questions.jsonl",
    ROOT / "knowledge_base/data/situation_questions_tune.jsonl",
)
MIN_DISTINCT_QUESTIONS = 200
CHAT_APP = "bot.web.server:app"
# Time for the server's background load of the sentence encoder before anything is measured.
_PRELOAD_SECONDS = 8.0
_LUA_LONG_STRING_END = "]==]"


class _HelloBody(BaseModel):
    conversation_id: str | None = None
    text: str | None = None


def hello_world_app() -> FastAPI:
    """The ceiling: parse the same JSON body, answer a fixed reply of the same shape."""
    app = FastAPI()

    @app.post("/api/chat")
    async def chat(body: _HelloBody) -> dict[str, Any]:
        return {
            "conversation_id": body.conversation_id or "hello",
            "replies": [{"text": "你好", "buttons": []}],
        }

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass
class WrkResult:
    """What one wrk run measured."""

    label: str
    requests_per_second: float
    latency_ms: dict[str, float]
    requests: int
    errors: str
    #: The server process's CPU time (all its threads) per request: unlike requests per
    #: second, it hardly moves when other work shares the machine.
    server_cpu_ms: float = float("nan")

    def report(self) -> str:
        """One line of numbers."""
        lat = "  ".join(f"p{k} {v:7.1f} ms" for k, v in self.latency_ms.items())
        return (
            f"{self.label:<38} {self.requests_per_second:8.1f} req/s  {lat}  "
            f"server CPU {self.server_cpu_ms:.2f} ms/request  "
            f"({self.requests} requests{self.errors})"
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Served(NamedTuple):
    """A running server: where to reach it and its process id."""

    base: str
    pid: int


def read_questions(paths: list[Path]) -> list[str]:
    """Distinct question texts of the JSONL files that exist."""
    texts: dict[str, None] = {}
    for path in paths:
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                texts.update(
                    (json.loads(line)["question"], None) for line in handle if line.strip()
                )
    return list(texts)


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(label: str, output: str) -> WrkResult:
    """Requests/s and the latency distribution from ``wrk --latency`` output."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    latency = {
        p: _duration_ms(m.group(1))
        for p in ("50", "90", "99")
        if (m := re.search(rf"^\s+{p}(?:\.000)?%\s+(\S+)", output, re.MULTILINE))
    }
    problems = [
        line.strip()
        for line in output.splitlines()
        if "Non-2xx" in line or "Socket errors" in line or line.startswith("bench:")
    ]
    return WrkResult(label, rate, latency, requests, "; " + "; ".join(problems) if problems else "")


def _lua_string(text: str) -> str:
    if _LUA_LONG_STRING_END in text:
        raise ValueError("text would end a Lua long string")
    return f"[==[{text}]==]"


def chat_script(
    questions: list[str], conversations: list[str], busy_marker: str, threads: int
) -> str:
    """A wrk Lua script posting a random question to the thread's next conversation."""
    bodies = ",\n".join(_lua_string(json.dumps(q, ensure_ascii=False)) for q in questions)
    ids = ",".join(f'"{c}"' for c in conversations)
    return f"""
local questions = {{
{bodies}
}}
local conversations = {{{ids}}}
local threads = {{}}
local next_thread = 0

function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + thread_index)
  sent = 0
  bad_status = 0
  busy = 0
end

function request()
  -- Thread i takes every n-th conversation, in turn: none is shared between threads, and
  -- each is reused only after all of the thread's others.
  local count = math.floor(#conversations / {threads})
  local slot = thread_index + {threads} * (sent % count)
  sent = sent + 1
  local body = '{{"conversation_id":"' .. conversations[slot + 1] .. '","text":'
    .. questions[math.random(#questions)] .. '}}'
  return wrk.format("POST", "/api/chat", {{["Content-Type"] = "application/json"}}, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif string.find(body, {_lua_string(busy_marker)}, 1, true) then
    busy = busy + 1
  end
end

function done(summary, latency, requests)
  local bad, slow = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("bad_status")
    slow = slow + thread:get("busy")
  end
  io.write(string.format("bench: status other than 200: %d, busy replies: %d\\n", bad, slow))
end
"""


def hello_script() -> str:
    """A wrk Lua script posting one small JSON body."""
    body = json.dumps({"conversation_id": None, "text": "你好"}, ensure_ascii=False)
    return f"""
wrk.method = "POST"
wrk.body = {_lua_string(body)}
wrk.headers["Content-Type"] = "application/json"
"""


def run_wrk(
    label: str, server: Served, script: str, args: argparse.Namespace, seconds: float
) -> WrkResult:
    """Run wrk against ``server``'s /api/chat with a generated script; parse what it printed."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="utf-8", delete=False) as f:
        f.write(script)
        script_path = f.name
    try:
        command = [
            args.wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            script_path,
            server.base + "/api/chat",
        ]
        cpu_before = cpu_seconds(server.pid)
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        Path(script_path).unlink()
    result = parse_wrk(label, output)
    result.server_cpu_ms = 1000 * cpu / max(result.requests, 1)
    return result


@contextmanager
def served(env: dict[str, str], app: str, *, factory: bool = False) -> Iterator[Served]:
    """A uvicorn server (one process) for the duration of the block.

    The server's own output goes to /dev/null: its per-turn log lines are written as in
    production, but not to this terminal.
    """
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    command += ["--factory", "--app-dir", str(Path(__file__).resolve().parent)] if factory else []
    server = subprocess.Popen(  # noqa: S603 - fixed command
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not start")
            time.sleep(0.2)
        time.sleep(_PRELOAD_SECONDS)  # the encoder's background load (a few seconds)
        yield Served(base, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def open_conversations(base: str, count: int) -> list[str]:
    """Open ``count`` conversations (50 at a time), greet in each, and return their ids.

    The greeting is a worker's first message: it also records, once a day per conversation,
    that the conversation is in use (a database write), which later messages do not repeat.
    """
    limits = httpx.Limits(max_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        gate = asyncio.Semaphore(50)

        async def one() -> str:
            async with gate:
                for attempt in range(3):
                    try:
                        response = await client.post("/api/chat", json={"conversation_id": None})
                        conversation = str(response.json()["conversation_id"])
                        greeting = {"conversation_id": conversation, "text": "你好"}
                        await client.post("/api/chat", json=greeting)
                        return conversation
                    except httpx.TransportError:
                        # A kept-alive connection the server closed just then: open another.
                        if attempt == 2:
                            raise
                raise AssertionError("unreachable")

        return list(await asyncio.gather(*(one() for _ in range(count))))


async def warm_up(base: str, questions: list[str]) -> None:
    """Load what the first questions load (knowledge base, tokenizer) before measuring."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for start in range(0, len(questions), 20):
            opened = await client.post("/api/chat", json={"conversation_id": None})
            conversation = opened.json()["conversation_id"]
            for question in questions[start : start + 20]:
                await client.post(
                    "/api/chat", json={"conversation_id": conversation, "text": question}
                )


async def paced(
    base: str, questions: list[str], conversations: list[str], args: argparse.Namespace
) -> tuple[int, int, list[float]]:
    """Workers at a person's pace (think time between messages); latencies in ms."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + args.seconds
    limits = httpx.Limits(max_connections=args.connections)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(index: int) -> None:
            nonlocal errors
            rng = random.Random(index)
            mine = conversations[index :: args.connections]
            await asyncio.sleep(rng.uniform(0, args.think_seconds))
            sent = 0
            while time.monotonic() < stop_at:
                body = {"conversation_id": mine[sent % len(mine)], "text": rng.choice(questions)}
                began = time.perf_counter()
                response = await client.post("/api/chat", json=body)
                latencies.append((time.perf_counter() - began) * 1000)
                errors += response.status_code != 200
                sent += 1
                await asyncio.sleep(args.think_seconds * rng.uniform(0.5, 1.5))

        await asyncio.gather(*(worker(i) for i in range(args.connections)))
    return len(latencies), errors, sorted(latencies)


def _server_env(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "GONGYOU_VAR_DIR": var_dir,
            "RASA_TELEMETRY_ENABLED": "false",
            "GONGYOU_SECRET_KEY": "bench-" + "k" * 40,
            "DATABASE_URL": f"sqlite:///{var_dir}/bench.db",
            # As in production: the safety layer's sentence encoder loads beside the start-up,
            # not on the first message that needs it (seconds of CPU inside a measured run).
            "GONGYOU_PRELOAD_ENCODER": "1",
        }
    )
    config = open_starts_config(var_dir)
    if config is not None:
        env["GONGYOU_CONFIG"] = str(config)
    return env


def main() -> None:
    """Hello world, then the chat (saturated, then at a person's pace)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--conversations", type=int, default=3000)
    parser.add_argument("--questions", type=Path, action="append", default=[])
    parser.add_argument("--think-seconds", type=float, default=1.0, help="paced part; 0 = skip")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    args = parser.parse_args()
    from bot.prompts import load_prompts

    questions = read_questions([*QUESTION_FILES, *args.questions])
    if len(questions) < MIN_DISTINCT_QUESTIONS:
        raise SystemExit(f"need {MIN_DISTINCT_QUESTIONS} distinct questions, have {len(questions)}")
    busy_marker = load_prompts("core").text("busy")[:8]
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.seconds:g}s, one server process each; {len(questions)} distinct questions; "
        "the load generator shares the machine",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as var_dir:
        env = _server_env(var_dir)
        with served(env, "chat_side_by_side:hello_world_app", factory=True) as server:
            run_wrk("warm-up", server, hello_script(), args, 3)
            hello = run_wrk(
                "hello world (FastAPI POST)", server, hello_script(), args, args.seconds
            )
            print(hello.report(), flush=True)
        with served(env, CHAT_APP) as server:
            conversations = asyncio.run(open_conversations(server.base, args.conversations))
            script = chat_script(questions, conversations, busy_marker, args.threads)
            run_wrk("warm-up", server, script, args, 3)
            label = "POST /api/chat (knowledge-base questions)"
            print(run_wrk(label, server, script, args, args.seconds).report(), flush=True)
        if args.think_seconds > 0:
            with served(env, CHAT_APP) as server:
                base = server.base
                conversations = asyncio.run(open_conversations(base, args.connections * 4))
                asyncio.run(warm_up(base, questions[:100]))
                count, errors, lat = asyncio.run(paced(base, questions, conversations, args))
                pct = {p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] for p in (50, 90, 99)}
                print(
                    f"{'/api/chat at a person pace':<38} {count / args.seconds:8.1f} msg/s  "
                    + "  ".join(f"p{p} {v:7.1f} ms" for p, v in pct.items())
                    + f"  ({count} messages, {errors} errors; think {args.think_seconds:g} s)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
