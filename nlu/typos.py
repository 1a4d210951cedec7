"""Typos in the words the entity rules read (公资 for 工资, 加班废 for 加班费), fixed before
entities are read. Each fix is as long as its typo, so every position in the fixed text still
points at the same place in the worker's own text. The pairs live in ``nlu/entity_rules.yml``
(``typos``).
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from nlu.phrase_rules import RULES_PATH
from nlu.tokenizer import normalize


@lru_cache(maxsize=1)
def _pairs() -> tuple[tuple[str, str], ...]:
    raw = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8")) or {}
    pairs = tuple(
        (normalize(str(k)), normalize(str(v))) for k, v in (raw.get("typos") or {}).items()
    )
    uneven = [typo for typo, fix in pairs if len(typo) != len(fix)]
    if uneven:
        raise ValueError(f"{RULES_PATH.name}: typos must be as long as their fixes: {uneven}")
    return pairs


def fix_typos(norm: str) -> str:
    """``norm`` (normalised text) with every listed typo fixed, its length unchanged."""
    for typo, fix in _pairs():
        if typo in norm:
            norm = norm.replace(typo, fix)
    return norm
