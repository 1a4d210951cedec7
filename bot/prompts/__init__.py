"""Everything the bot says, loaded from YAML files beside this module (one per flow)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.messages import Button

PROMPTS_DIR = Path(__file__).resolve().parent


class PromptBook:
    """Texts and button sets of one prompts file, looked up by key."""

    def __init__(self, entries: dict[str, Any], source: Path) -> None:
        self._entries = entries
        self._source = source

    def text(self, key: str, **values: object) -> str:
        """The text under ``key``, with ``{placeholders}`` filled from ``values``."""
        raw = self._entries.get(key)
        if not isinstance(raw, str):
            raise KeyError(f"{self._source.name}: no text prompt {key!r}")
        return raw.format(**values) if values else raw

    def buttons(self, key: str) -> tuple[Button, ...]:
        """The button list (or single button) under ``key``."""
        raw = self._entries.get(key)
        items = [raw] if isinstance(raw, dict) else raw
        if not isinstance(items, list):
            raise KeyError(f"{self._source.name}: no button prompt {key!r}")
        return tuple(Button(title=str(i["title"]), payload=str(i["payload"])) for i in items)

    def words(self, key: str) -> tuple[str, ...]:
        """A list of words under ``key``."""
        raw = self._entries.get(key)
        if not isinstance(raw, list):
            raise KeyError(f"{self._source.name}: no word list {key!r}")
        return tuple(str(w) for w in raw)

    def section(self, key: str) -> dict[str, Any]:
        """A nested mapping prompt as it is in the file (e.g. per-field texts)."""
        raw = self._entries.get(key)
        if not isinstance(raw, dict):
            raise KeyError(f"{self._source.name}: no section {key!r}")
        return raw

    def mapping(self, key: str) -> dict[str, str]:
        """A mapping prompt such as topic labels."""
        raw = self._entries.get(key)
        if not isinstance(raw, dict):
            raise KeyError(f"{self._source.name}: no mapping prompt {key!r}")
        return {str(k): str(v) for k, v in raw.items()}


@cache
def load_prompts(name: str) -> PromptBook:
    """Load ``bot/prompts/<name>.yml`` once."""
    path = PROMPTS_DIR / f"{name}.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return PromptBook(entries, path)
