"""All Chinese text of the calculators, read from prompts.yml (editable without Python)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from knowledge_base.calculators.base import Citation

# Numbers read as the form engine shows them (its bounds messages use the same formatting).
from knowledge_base.forms.checks import plain_number as plain_number
from knowledge_base.numerals import int_to_chinese

PROMPTS_PATH: Final = Path(__file__).with_name("prompts.yml")


class PromptError(KeyError):
    """A text key is missing from prompts.yml or has the wrong shape."""


@lru_cache(maxsize=1)
def _prompts() -> dict[str, Any]:
    with PROMPTS_PATH.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise PromptError(f"{PROMPTS_PATH}: expected a mapping at the top")
    return data


def node(key: str) -> Any:
    """The raw YAML node at a dotted key (``overtime.fields.monthly_wage``)."""
    current: Any = _prompts()
    for part in key.split("."):
        if not isinstance(current, dict) or part not in current:
            raise PromptError(f"prompts.yml has no {key!r}")
        current = current[part]
    return current


def has(key: str) -> bool:
    """True when prompts.yml has a node at ``key``."""
    try:
        node(key)
    except PromptError:
        return False
    return True


def text(key: str, /, **values: object) -> str:
    """The text at ``key`` with ``{placeholders}`` filled in."""
    template = node(key)
    if not isinstance(template, str):
        raise PromptError(f"prompts.yml {key!r} is not a string")
    return template.format(**values) if values else template


def words(key: str) -> tuple[str, ...]:
    """A word list (``parsing.skip_words`` …), longest first so longer phrases match first."""
    items = node(key)
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise PromptError(f"prompts.yml {key!r} is not a list of strings")
    return tuple(sorted(items, key=len, reverse=True))


def citation(key: str) -> Citation:
    """A citation declared under ``citations.<key>`` in prompts.yml."""
    entry = node(f"citations.{key}")
    if not isinstance(entry, dict) or "law" not in entry or "article" not in entry:
        raise PromptError(f"prompts.yml citations.{key} needs law and article")
    article = entry["article"]
    paragraph = entry.get("paragraph")
    return Citation(
        law=str(entry["law"]),
        article=int(article) if article is not None else None,
        paragraph=int(paragraph) if paragraph is not None else None,
        quotes=tuple(str(quote) for quote in entry.get("quotes") or ()),
    )


def citation_keys() -> tuple[str, ...]:
    """Every citation key declared in prompts.yml."""
    entries = node("citations")
    return tuple(entries) if isinstance(entries, dict) else ()


def citation_label(item: Citation) -> str:
    """``《劳动合同法》第四十七条第二款`` (or just ``《…》`` for a text without articles)."""
    if item.article is None:
        return text("common.citation_whole", law=item.law)
    article = int_to_chinese(item.article)
    if item.paragraph is None:
        return text("common.citation", law=item.law, article=article)
    return text(
        "common.citation_paragraph",
        law=item.law,
        article=article,
        paragraph=int_to_chinese(item.paragraph),
    )


def field_text(prompt_key: str, part: str, /, **values: object) -> str:
    """A field's ``question``, ``label`` or ``hint`` (prompt_key is ``<calc>.<field>``)."""
    calculator, field_name = prompt_key.split(".", 1)
    return text(f"{calculator}.fields.{field_name}.{part}", **values)


def choice_entry(prompt_key: str, choice: str) -> Mapping[str, Any]:
    """The YAML of one option of a choice field: ``label`` and optional ``match`` words."""
    calculator, field_name = prompt_key.split(".", 1)
    entry = node(f"{calculator}.fields.{field_name}.choices.{choice}")
    if isinstance(entry, str):
        return {"label": entry}
    if not isinstance(entry, dict) or "label" not in entry:
        raise PromptError(f"prompts.yml {prompt_key} choice {choice!r} needs a label")
    return entry


def yuan(value: Decimal) -> str:
    """Money as shown to workers: two decimals and the unit (``375.00元``)."""
    return text("common.yuan", amount=f"{value:.2f}")
