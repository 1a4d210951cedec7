"""The one Jinja2 environment of the console: templates beside this module, autoescaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from handoff.console.texts import text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/console/static"


def _local_time(moment: object, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in China time (the console's users are there)."""
    if not isinstance(moment, datetime):
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(timezone(timedelta(hours=8))).strftime(fmt)


@cache
def environment() -> Environment:
    """Autoescaping for every template (``.html`` and ``.svg`` alike); undefined names fail."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = text
    env.globals["static"] = lambda name: f"{STATIC_PREFIX}/{name}"
    env.filters["local_time"] = _local_time
    return env
