"""The same migrations apply and revert on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from handoff.db import downgrade, upgrade
from handoff.models import Base


def test_schema_matches_models(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_base_and_up_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert "conversations" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "conversations" in inspect(engine).get_table_names()
