"""Inline keyboards whose callback data stays far under Telegram's 64-byte limit.

A button's payload (``/pick{categories:wages}``, or a Chinese label such as 不知道) is not sent
to Telegram: the keyboard's payloads are kept (encrypted, per chat, expiring) under a short id,
and each button carries ``<keyboard id>.<index>``. A tap on a keyboard that has expired, or
one never seen by this deployment, resolves to nothing, and the worker is told kindly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.stores.base import KeyValueStore
from handoff.crypto import DecryptionError, Vault

_PREFIX = "tg:kb:"
_ID_CHARS = 16
_SHORT_TITLE = 6  # two buttons share a row when both titles are this short


class Keyboards:
    """Registers keyboards for a chat and resolves taps back to payloads."""

    def __init__(self, store: KeyValueStore, vault: Vault, ttl_seconds: int) -> None:
        self._store = store
        self._vault = vault
        self._ttl = ttl_seconds

    def keyboard_id(self, payloads: Sequence[str]) -> str:
        """A short id for a list of payloads (the same list always gets the same id)."""
        return self._vault.blind_index("telegram-keyboard", *payloads)[:_ID_CHARS]

    async def register(
        self, chat_key: str, buttons: Sequence[tuple[str, str]]
    ) -> list[list[tuple[str, str]]]:
        """Keep the payloads of ``buttons`` (title, payload) for ``chat_key``; returns the
        keyboard's rows of (title, callback data)."""
        payloads = [payload for _title, payload in buttons]
        keyboard_id = self.keyboard_id(payloads)
        sealed = self._vault.encrypt(json.dumps(payloads, ensure_ascii=False))
        await self._store.set(_PREFIX + chat_key + ":" + keyboard_id, sealed, self._ttl)
        return layout([(title, f"{keyboard_id}.{i}") for i, (title, _p) in enumerate(buttons)])

    async def resolve(self, chat_key: str, data: str) -> str | None:
        """The payload behind a tapped button's callback data, or None when it is stale."""
        keyboard_id, _, index = data.partition(".")
        if len(keyboard_id) != _ID_CHARS or not index.isdigit():
            return None
        sealed = await self._store.get(_PREFIX + chat_key + ":" + keyboard_id)
        if sealed is None:
            return None
        try:
            payloads = json.loads(self._vault.decrypt(sealed))
        except (DecryptionError, ValueError):
            return None
        position = int(index)
        if not isinstance(payloads, list) or position >= len(payloads):
            return None
        return str(payloads[position])


def layout(buttons: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Rows for a phone screen: short titles two to a row, longer ones alone."""
    rows: list[list[tuple[str, str]]] = []
    for button in buttons:
        last = rows[-1] if rows else None
        if (
            last is not None
            and len(last) == 1
            and len(last[0][0]) <= _SHORT_TITLE
            and len(button[0]) <= _SHORT_TITLE
        ):
            last.append(button)
        else:
            rows.append([button])
    return rows
