"""The complaint categories (keys, labels, which make a case urgent), from categories.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_PATH = Path(__file__).with_name("categories.yml")


@dataclass(frozen=True, slots=True)
class Category:
    """One complaint category."""

    key: str
    label: str
    urgent: bool
    match: tuple[str, ...] = ()


@cache
def categories() -> dict[str, Category]:
    """All categories by key, in file order."""
    raw = yaml.safe_load(_PATH.read_text(encoding="utf-8")) or {}
    return {
        str(key): Category(
            str(key),
            str(spec["label"]),
            bool(spec.get("urgent", False)),
            tuple(str(w) for w in spec.get("match") or ()),
        )
        for key, spec in raw.items()
    }


def is_urgent(keys: tuple[str, ...] | list[str]) -> bool:
    """True when any of the categories marks a case urgent."""
    known = categories()
    return any(known[k].urgent for k in keys if k in known)


def categories_in(text: str) -> list[str]:
    """Categories whose words appear in ``text`` (Simplified Chinese), in file order."""
    return [c.key for c in categories().values() if any(word in text for word in c.match)]
