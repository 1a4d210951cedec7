"""A separate process that talks to the core and then waits to be killed (-9) by a test.

    python -m tests.bot.chat_process STEPS_JSON   (env: CHAT_DB, CHAT_REDIS, CHAT_KEY, CHAT_VAR)

Each step is ``{"say": text}`` or ``{"tap": payload}``. Prints ``READY`` when done.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

from bot.runtime import build_runtime
from handoff.db import make_engine
from nlu import load_backend
from tests.bot.conftest import make_settings
from tests.helpers import Chat


async def main(steps: list[dict[str, str]]) -> None:
    settings = make_settings(
        Path(os.environ["CHAT_VAR"]), redis_url=os.environ.get("CHAT_REDIS") or None
    )
    runtime = build_runtime(
        settings, nlu=load_backend("embedded"), engine=make_engine(os.environ["CHAT_DB"])
    )
    chat = Chat(runtime, key=os.environ["CHAT_KEY"])
    for step in steps:
        if "say" in step:
            await chat.say(step["say"])
        else:
            await chat.tap(step["tap"])
    print("READY", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
