"""Read the Rasa 3.x YAML training data in ``nlu/data`` (the single source of truth).

Understands intents with examples (annotations ``[text](entity)``, ``[text](entity:value)`` and
``[text]{"entity": "money", "value": "3500"}``), synonyms, lookup tables and regexes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu.types import Entity, TrainingExample

ANNOTATION_EXTRACTOR = "annotation"
_YAML_SUFFIXES = (".yml", ".yaml")
_ANNOTATION_RE = re.compile(r"\[(?P<text>[^\]\[]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^{}]*\}))")


class TrainingDataError(ValueError):
    """The training data cannot be read; the message names the file and the problem."""


@dataclass(slots=True)
class TrainingData:
    """Everything the backends learn from: examples, synonyms, lookup tables, regexes."""

    examples: list[TrainingExample] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant text → canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)  # table name → entries
    regexes: dict[str, list[str]] = field(default_factory=dict)  # name → patterns

    @property
    def intents(self) -> list[str]:
        """Intent names, sorted."""
        return sorted({e.intent for e in self.examples})

    @property
    def entity_names(self) -> list[str]:
        """Entity names used in annotations, sorted."""
        return sorted({ent.entity for e in self.examples for ent in e.entities})


def parse_annotated(text: str) -> tuple[str, list[Entity]]:
    """Strip Rasa entity annotations from one example; entities get offsets in the plain text."""
    plain: list[str] = []
    entities: list[Entity] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION_RE.finditer(text):
        before = text[cursor : match.start()]
        plain.append(before)
        length += len(before)
        surface = match.group("text")
        name, value = _annotation_target(match)
        entities.append(
            Entity(
                entity=name,
                value=surface if value is None else value,
                start=length,
                end=length + len(surface),
                text=surface,
                extractor=ANNOTATION_EXTRACTOR,
            )
        )
        plain.append(surface)
        length += len(surface)
        cursor = match.end()
    plain.append(text[cursor:])
    return "".join(plain), entities


def _annotation_target(match: re.Match[str]) -> tuple[str, str | int | float | None]:
    short = match.group("short")
    if short is not None:
        name, _, value = short.partition(":")
        return name.strip(), (value.strip() or None)
    try:
        spec = json.loads(match.group("json"))
    except json.JSONDecodeError as exc:
        raise TrainingDataError(f"bad entity annotation {match.group()!r}: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("entity"), str):
        raise TrainingDataError(f"entity annotation without a name: {match.group()!r}")
    value = spec.get("value")
    if value is not None and not isinstance(value, str | int | float):
        raise TrainingDataError(f"entity value must be a string or number: {match.group()!r}")
    return spec["entity"], value


def _example_lines(raw: Any, where: str) -> Iterator[str]:
    if isinstance(raw, str):
        for line in raw.splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                yield stripped[2:].strip()
            elif stripped == "-" or not stripped:
                continue
            else:
                raise TrainingDataError(f"{where}: example line must start with '- ': {stripped!r}")
    elif isinstance(raw, list):
        for item in raw:
            text = item.get("text") if isinstance(item, dict) else item
            if not isinstance(text, str):
                raise TrainingDataError(f"{where}: example without text")
            yield text.strip()
    else:
        raise TrainingDataError(f"{where}: 'examples' must be a block or a list")


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.rglob("*")
        if p.suffix in _YAML_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def load_training_data(directory: Path | str) -> TrainingData:
    """Read the ``*.yml``/``*.yaml`` files under ``directory`` (skipping those without ``nlu:``)."""
    root = Path(directory)
    if not root.is_dir():
        raise TrainingDataError(f"training data directory not found: {root}")
    data = TrainingData()
    for path in _yaml_files(root):
        _load_file(path, root, data)
    # Rasa's EntitySynonymMapper also learns from annotations whose value differs from the text.
    for example in data.examples:
        for ent in example.entities:
            if isinstance(ent.value, str) and ent.value != ent.text:
                data.synonyms.setdefault(ent.text, ent.value)
    return data


def _load_file(path: Path, root: Path, data: TrainingData) -> None:
    name = str(path.relative_to(root))
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TrainingDataError(f"{name}: invalid YAML: {exc}") from exc
    if not isinstance(document, dict) or "nlu" not in document:
        return
    items = document["nlu"] or []
    if not isinstance(items, list):
        raise TrainingDataError(f"{name}: 'nlu' must be a list")
    for index, item in enumerate(items):
        where = f"{name} item {index + 1}"
        if not isinstance(item, dict):
            raise TrainingDataError(f"{where}: must be a mapping")
        lines = list(_example_lines(item.get("examples", ""), where))
        if "intent" in item:
            for line in lines:
                text, entities = parse_annotated(line)
                if text:
                    data.examples.append(TrainingExample(text, str(item["intent"]), entities))
        elif "synonym" in item:
            for line in lines:
                data.synonyms[line] = str(item["synonym"])
        elif "lookup" in item:
            data.lookups.setdefault(str(item["lookup"]), []).extend(lines)
        elif "regex" in item:
            data.regexes.setdefault(str(item["regex"]), []).extend(lines)
        else:
            raise TrainingDataError(f"{where}: expected intent, synonym, lookup or regex")


def content_hash(paths: Iterable[Path | str]) -> str:
    """SHA-256 over the names and bytes of all (non-hidden) files under the given paths."""
    digest = hashlib.sha256()
    for base in (Path(p) for p in paths):
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            relative = path.relative_to(base) if base.is_dir() else Path(path.name)
            if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                continue
            digest.update(str(relative).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()
