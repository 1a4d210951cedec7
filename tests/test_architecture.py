"""Dependencies point one way: nlu, knowledge_base and handoff never import bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["nlu", "knowledge_base", "handoff"])
def test_package_never_imports_bot(package: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / package).rglob("*.py")
        if "bot" in imported_top_levels(path)
    ]
    assert offenders == []


def test_checker_sees_a_bot_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from bot.core import ConversationCore\nimport json\n", encoding="utf-8")
    assert imported_top_levels(sample) == {"bot", "json"}
