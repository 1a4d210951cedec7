"""YAML reading for the knowledge base: the C safe loader when PyYAML has it (5–10× faster)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with a safe loader (no arbitrary Python objects)."""
    return yaml.load(text, Loader=_SafeLoader)


def load_yaml_file(path: Path) -> Any:
    """Parse a UTF-8 YAML file with a safe loader."""
    return load_yaml_text(path.read_text(encoding="utf-8"))
