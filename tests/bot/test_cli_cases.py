"""`gongyou org/user/case/purge`: an organisation made on the command line receives a complaint
filed in the chat, a coordinator reads and answers it, the worker reads the answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app
from bot.config import load_settings
from bot.runtime import build_runtime
from handoff.db import make_engine, session_factory
from handoff.errors import AccessDeniedError
from handoff.orgs.service import OrganisationService
from nlu.types import NluBackend
from tests.bot.conftest import ROOT
from tests.helpers import Chat, receipt_in, said

PASSWORD = "a long coordinator password"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with the cheap Argon2 profile, a fresh SQLite file and a secret key."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["gongyou"]["handoff"]["argon2"] = {"time_cost": 1, "memory_kib": 64, "parallelism": 1}
    config_path = tmp_path / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GONGYOU_CONFIG", str(config_path))
    monkeypatch.setenv("GONGYOU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GONGYOU_SECRET_KEY", "cli-test-secret-" * 3)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("GONGYOU_MODE", raising=False)
    return tmp_path


def invoke(*args: str, stdin: str = "") -> str:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_command_line_loop(cli_env: Path, nlu_backend: NluBackend) -> None:
    out = invoke(
        "org", "add", "珠三角工友中心", "--coordinator", "lin", "--default", stdin=PASSWORD
    )
    assert "RECOVERY KEY" in out
    invoke(
        "user",
        "add",
        "--org",
        "珠三角工友中心",
        "--role",
        "caseworker",
        "--name",
        "wu",
        stdin="another long password",
    )
    invoke("user", "grant", "wu", "--by", "lin", stdin=PASSWORD)

    settings = load_settings()
    runtime = build_runtime(settings, nlu=nlu_backend)
    chat = Chat(runtime)

    async def file_complaint() -> str:
        await chat.say("我要投诉")
        await chat.tap("/pick{consent:yes}")
        await chat.tap("/pick{categories:wages}")
        await chat.tap("/done")
        for _ in range(11):
            await chat.tap("/skip")
        receipt = receipt_in(await chat.tap("/submit"))
        assert receipt is not None
        await chat.tap("/saved")
        return receipt

    receipt = asyncio.run(file_complaint())
    listing = invoke("case", "list", "--user", "wu", stdin="another long password")
    case_id = listing.split()[0]
    assert "wages" in listing
    shown = invoke("case", "show", case_id, "--user", "lin", stdin=PASSWORD)
    assert "工资低或拖欠工资" in shown
    invoke(
        "case", "reply", case_id, "--user", "lin", "--text", "请问拖欠了几个月？", stdin=PASSWORD
    )

    async def read_reply() -> str:
        await chat.tap("/check_case_status")
        return said(await chat.say(receipt))

    assert "请问拖欠了几个月" in asyncio.run(read_reply())
    assert "deleted" in invoke("purge")
    asyncio.run(runtime.close())


def test_wrong_password_is_refused(cli_env: Path) -> None:
    invoke("org", "add", "机构甲", "--coordinator", "lin", stdin=PASSWORD)
    result = CliRunner().invoke(app, ["case", "list", "--user", "lin"], input="wrong password\n")
    assert result.exit_code == 3


def test_ungranted_caseworker_cannot_read(cli_env: Path) -> None:
    invoke("org", "add", "机构甲", "--coordinator", "lin", stdin=PASSWORD)
    invoke(
        "user",
        "add",
        "--org",
        "机构甲",
        "--role",
        "caseworker",
        "--name",
        "wu",
        stdin="another long password",
    )
    result = CliRunner().invoke(
        app, ["case", "list", "--user", "wu"], input="another long password\n"
    )
    assert result.exit_code == 3


def test_accounts_and_keys_on_the_command_line(cli_env: Path) -> None:
    out = invoke("org", "add", "职业安全小组", "--coordinator", "lin", stdin=PASSWORD)
    first_recovery = out.strip().splitlines()[-1].strip()
    invoke(
        "user", "add", "--org", "职业安全小组", "--role", "caseworker", "--name", "wu",
        stdin="another long password",
    )  # fmt: skip
    invoke("user", "grant", "wu", "--by", "lin", stdin=PASSWORD)
    rotated = invoke("org", "rotate-key", "--by", "lin", stdin=PASSWORD)
    assert "re-granted 2 accounts" in rotated
    new_recovery = rotated.strip().splitlines()[-1].strip()
    refused = CliRunner().invoke(
        app, ["org", "recover", "职业安全小组", "--to", "wu"], input=first_recovery
    )
    assert refused.exit_code == 3
    invoke("org", "recover", "职业安全小组", "--to", "wu", stdin=new_recovery)
    invoke(
        "user", "password", "wu",
        stdin="another long password\nthird long password\nthird long password\n",
    )  # fmt: skip
    invoke("user", "totp-reset", "wu")
    settings = load_settings()
    engine = make_engine(settings.database_url)
    orgs = OrganisationService(session_factory(engine), settings.config.handoff.argon2)
    try:
        assert orgs.unlock("wu", "third long password").org_key
        invoke("user", "remove", "wu")
        with pytest.raises(AccessDeniedError):
            orgs.unlock("wu", "third long password")
    finally:
        engine.dispose()
