"""The console's words, from YAML beside this module (an operator may reword them).

``texts.yml`` holds the shared keys; a part of the console may keep its own keys in
``texts_<part>.yml``. Keys are dotted paths (``login.title``); a key defined twice is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_DIR = Path(__file__).resolve().parent


def _flatten(prefix: str, node: Mapping[str, Any], into: dict[str, str], source: str) -> None:
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            _flatten(path, value, into, source)
            continue
        if path in into:
            raise ValueError(f"console text {path!r} is defined twice ({source})")
        into[path] = str(value)


@cache
def console_texts() -> dict[str, str]:
    """Every console text by dotted key, read once."""
    texts: dict[str, str] = {}
    for path in sorted(TEXTS_DIR.glob("texts*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _flatten("", raw, texts, path.name)
    return texts


def text(key: str, **values: object) -> str:
    """The text under ``key``, ``{placeholders}`` filled from ``values``; KeyError if absent."""
    try:
        raw = console_texts()[key]
    except KeyError:
        raise KeyError(f"no console text {key!r}") from None
    return raw.format(**values) if values else raw
