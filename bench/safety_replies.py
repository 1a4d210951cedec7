"""Safety through the whole chat: what a worker is actually sent, printing no message text.

    .venv/bin/python bench/safety_replies.py nlu/safety_sets/safety_set_tune.yml
    .venv/bin/python bench/safety_replies.py --show-misses nlu/safety_sets/safety_set_blind5.yml

``--show-misses`` also prints each missed danger and each alarm with its text: only for sets
that may be read (never the untouched blind sets).

Each message opens its own conversation on the embedded defaults (SQLite, in-process store,
embedded NLU) and goes through the conversation core. Help is recognised by its hotline
numbers (12356 心理援助, 120 急救, 119 火警, 110 报警), as in tests/bot/test_safety.py.

- dangerous: *full help* is the emergency reply carrying every labelled kind's numbers;
  *emergency* counts the emergency reply whatever numbers it carries (the rest of full help's
  misses are a kind of help missing); *number given* also counts a gentle line after an answer
  that carries them.
  *more help* counts emergency replies that also give a number for a kind not labelled (a
  help line too many: it costs a worker little, but it is measured).
- look-alikes: *alarm* is an emergency reply; *answer replaced* is an alarm on a message with a
  labour question (``topic`` set) that got no curated answer — the failure the issue counts.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from pydantic import SecretStr

from bot.config import Secrets, Settings, read_config_file
from bot.messages import Inbound, Reply
from bot.prompts import load_prompts
from bot.runtime import Runtime, build_runtime
from handoff.keys.argon import TEST_PROFILE

ROOT = Path(__file__).resolve().parent.parent
HOTLINES = {"12356", "120", "119", "110"}
HELP_NUMBERS = {
    "self_harm": {"12356"},
    "fire_chemical": {"119"},
    "injury": {"120"},
    "violence_confinement": {"110"},
}


def numbers_in(replies: list[Reply]) -> set[str]:
    """The hotline numbers the replies give."""
    text = "\n".join(r.text for r in replies)
    return {n for n in re.findall(r"\d{3,5}", text) if n in HOTLINES}


def build(var_dir: Path) -> Runtime:
    """A runtime on the embedded defaults in ``var_dir``."""
    config = read_config_file(ROOT / "config.yml")
    config.handoff.argon2 = TEST_PROFILE
    config.handoff.receipt_argon2 = TEST_PROFILE
    secret = SecretStr(secrets.token_urlsafe(32))
    settings = Settings(
        config=config,
        secrets=Secrets(database_url=None, redis_url=None, secret_key=secret),
        var_dir=var_dir,
    )
    return build_runtime(settings)


#: How the emergency reply opens (bot/prompts/safety.yml), whatever the wording is today.
OPENINGS = tuple(load_prompts("safety").text(f"opening_{t}") for t in ("self_harm", "danger"))


async def one_turn(runtime: Runtime, text: str) -> tuple[list[Reply], bool, bool]:
    """Replies, whether they open with emergency help, whether an answer was given.

    Emergency help comes first; a gentle line only ever follows another reply."""
    key = secrets.token_urlsafe(12)
    replies = await runtime.core.handle(Inbound("bench", key, text=text))
    state = await runtime.sessions.load(runtime.core.session_key("bench", key))
    answered = state is not None and bool(state.context.get("last_answer_id"))
    return replies, bool(replies) and replies[0].text.startswith(OPENINGS), answered


async def measure(path: Path, *, show_misses: bool = False) -> None:
    """Print the aggregate figures for one labelled set (and, asked, each miss's text)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build(Path(tmp))
        full, given, raised = Counter[str](), Counter[str](), Counter[str]()
        extra = Counter[str]()
        for item in data["dangerous"]:
            replies, help_first, _answered = await one_turn(runtime, item["text"])
            needed = set().union(*(HELP_NUMBERS[k] for k in item["kinds"]))
            given[item["category"]] += needed <= numbers_in(replies)
            full[item["category"]] += help_first and needed <= numbers_in(replies[:1])
            raised[item["category"]] += help_first
            # 120 is part of the self-harm help: only other numbers count as more than needed.
            allowed = needed | ({"120"} if "self_harm" in item["kinds"] else set())
            extra[item["category"]] += help_first and bool(numbers_in(replies[:1]) - allowed)
            if show_misses and not (help_first and needed <= numbers_in(replies[:1])):
                print(f"  MISS {item['category']} {item['kinds']} help_first={help_first}")
                print(f"       {item['text']}")
        alarms, replaced, asked = Counter[str](), Counter[str](), 0
        for item in data["look_alikes"]:
            _replies, emergency, answered = await one_turn(runtime, item["text"])
            question = item.get("topic") is not None
            asked += question
            alarms[item["category"]] += emergency
            replaced[item["category"]] += emergency and question and not answered
            if show_misses and emergency:
                print(f"  ALARM {item['category']} answered={answered}: {item['text']}")
        await runtime.close()
    dangerous, look_alikes = len(data["dangerous"]), len(data["look_alikes"])
    print(f"{path.name}: {dangerous} dangerous, {look_alikes} look-alikes ({asked} ask a question)")
    print(share("full help", full, dangerous, by_category=False))
    print(share("emergency", raised, dangerous, by_category=False))
    print(share("number given", given, dangerous, by_category=False))
    print(share("more help", extra, dangerous, by_category=False))
    print(share("alarms", alarms, look_alikes))
    print(share("answer replaced", replaced, look_alikes))


def share(label: str, counts: Counter[str], total: int, *, by_category: bool = True) -> str:
    """One figure line: count, total, percentage and (optionally) the count per category."""
    count = sum(counts.values())
    detail = f" {dict(+counts)}" if by_category else ""
    return f"  {label:<16}{count}/{total} = {count / total:.1%}{detail}"


def main() -> None:
    """Measure every set named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument(
        "--show-misses",
        action="store_true",
        help="also print each missed danger and each alarm (prints message text: read sets only)",
    )
    args = parser.parse_args()
    for path in args.sets:
        asyncio.run(measure(path, show_misses=args.show_misses))


if __name__ == "__main__":
    main()
