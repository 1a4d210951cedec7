"""Parse texts with a trained Rasa model, for the evaluation; runs in .venv-rasa (Python 3.10).

Usage: ``.venv-rasa/bin/python nlu/rasa/parse_stdin.py MODEL.tar.gz < texts.jsonl``.
Reads one JSON object ``{"text": ...}`` per line and writes one JSON object per line:
``{"intent_ranking": [...], "intent": {...}, "entities": [...], "seconds": float}``.
Loading the model in-process skips HTTP, so the accuracy run is not slowed by the server;
HTTP latency is measured separately against ``rasa run``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import IO, Any

os.environ["RASA_TELEMETRY_ENABLED"] = "false"  # nothing phones home, even from here


def _jsonable(value: Any) -> Any:
    # Rasa answers may hold numpy floats.
    return float(value) if hasattr(value, "__float__") else str(value)


async def _serve(model_path: str, lines: IO[str], out: IO[str]) -> None:
    import logging

    import structlog
    from rasa.core.agent import Agent

    # Rasa logs each parsed text at DEBUG; keep texts out of every log.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    agent = Agent.load(model_path)
    for line in lines:
        if not line.strip():
            continue
        text = json.loads(line)["text"]
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        seconds = time.perf_counter() - started
        answer = {
            "intent": parsed.get("intent"),
            "intent_ranking": parsed.get("intent_ranking", []),
            "entities": parsed.get("entities", []),
            "seconds": seconds,
        }
        out.write(json.dumps(answer, ensure_ascii=False, default=_jsonable) + "\n")
        out.flush()


def main() -> None:
    """Entry point: model path in argv, texts on stdin, results on stdout."""
    if len(sys.argv) != 2:
        sys.exit("usage: parse_stdin.py MODEL.tar.gz < texts.jsonl")
    # Only our JSON lines go to the real stdout; anything Rasa or TensorFlow prints goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    asyncio.run(_serve(sys.argv[1], sys.stdin, out))
    out.close()


if __name__ == "__main__":
    main()
