"""Nothing leaks: a complaint with unique markers is filed, answered and replied to; then the raw
database files (with -wal/-journal), a pg_dump, every Redis key and the logs are searched for
the markers, the chat id and the receipt — as text, JSON escapes and base64 — and a copy of the
database opened with the configuration and the secret key, but no member's password, yields
none of them."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, LargeBinary, create_engine, select

from bot.log import configure_logging
from bot.runtime import build_runtime
from handoff.crypto import DecryptionError, Vault
from handoff.db import make_engine, upgrade
from handoff.schema import metadata
from nlu.types import NluBackend
from tests.bot.conftest import COORDINATOR, PASSWORD, add_organisation, make_settings
from tests.conftest import TEST_DATABASE_URL
from tests.faults import OwnRedis
from tests.helpers import Chat, receipt_in

pytestmark = pytest.mark.anyio


def forms_of(secret: str) -> list[bytes]:
    """How a secret could appear: text, JSON escapes, base64 at any alignment."""
    raw = secret.encode("utf-8")
    found = [raw, json.dumps(secret).encode("ascii")[1:-1]]
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\x00" * pad + raw)
            # Drop the characters that mix with the padding bytes and the unaligned tail.
            found.append(encoded[4 * ((pad + 2) // 3) : -4])
    return [f for f in found if len(f) >= 6]


def leaks(haystack: bytes, secrets_: dict[str, str]) -> list[str]:
    """The names of the secrets found in ``haystack``."""
    return [name for name, value in secrets_.items() if any(f in haystack for f in forms_of(value))]


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'leak.db'}"
        engine = make_engine(url)
        upgrade(engine)
        yield engine, url
        engine.dispose()
        return
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    engine = request.getfixturevalue("postgres_engine")
    upgrade(engine)
    yield engine, TEST_DATABASE_URL


def raw_database(engine: Engine, url: str, tmp_path: Path) -> bytes:
    """Every byte the database holds: the SQLite files, or a pg_dump of the test schema."""
    if url.startswith("sqlite"):
        base = Path(url.removeprefix("sqlite:///"))
        return b"".join(
            p.read_bytes() for p in (base, *base.parent.glob(base.name + "-*")) if p.exists()
        )
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("SHOW search_path").scalar()
    dump = shutil.which("pg_dump")
    assert dump is not None, "pg_dump is needed for the leak test"
    out = tmp_path / "dump.sql"
    subprocess.run(  # noqa: S603 - a fixed local binary
        [dump, "--schema", str(schema), "--file", str(out), url.replace("+psycopg", "")],
        check=True,
    )
    return out.read_bytes()


def raw_redis(url: str) -> bytes:
    client = redis.Redis.from_url(url)
    chunks: list[bytes] = []
    for key in client.scan_iter(count=1000):
        chunks.append(key)
        kind = client.type(key)
        if kind == b"string":
            chunks.append(client.get(key) or b"")
        elif kind == b"stream":
            for _id, fields in client.xrange(key):
                chunks.extend(v for pair in fields.items() for v in pair)
        elif kind == b"hash":
            chunks.extend(v for pair in client.hgetall(key).items() for v in pair)
        elif kind in (b"list", b"set", b"zset"):
            chunks.append(client.dump(key) or b"")
    client.close()
    return b"\n".join(chunks)


async def test_a_stolen_database_redis_or_log_reveals_nothing(
    database: tuple[Engine, str],
    own_redis: OwnRedis,
    tmp_path: Path,
    nlu_backend: NluBackend,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine, url = database
    configure_logging("INFO")
    caplog.set_level(logging.INFO)
    settings = make_settings(tmp_path, redis_url=own_redis.url)
    runtime = build_runtime(settings, nlu=nlu_backend, engine=engine)
    add_organisation(runtime)
    marks = {
        name: f"{name}标记{secrets.token_hex(4)}"
        for name in (
            "employer",
            "brands",
            "district",
            "description",
            "wants",
            "contact",
            "staff",
            "reply",
        )
    }
    chat_key = "chat" + secrets.token_hex(12)
    chat = Chat(runtime, channel="web", key=chat_key)
    await chat.say("我要投诉")
    await chat.tap("/pick{consent:yes}")
    await chat.tap("/pick{categories:wages}")
    await chat.tap("/done")
    await chat.say(marks["employer"])
    await chat.say(marks["brands"])
    await chat.say("广东东莞")
    await chat.say(marks["district"])
    await chat.say("去年三月")
    await chat.tap("/pick{ongoing:still}")
    await chat.tap("/pick{affected:few}")
    await chat.say(marks["description"])
    await chat.tap("/skip")
    await chat.say(marks["wants"])
    await chat.tap("/done")
    await chat.tap("/pick{contact:detail}")
    await chat.say(marks["contact"])
    receipt = receipt_in(await chat.tap("/submit"))
    assert receipt is not None
    await chat.tap("/saved")
    case_id = runtime.cases.find_by_receipt(receipt)
    assert case_id is not None
    runtime.cases.add_message(case_id, "staff", marks["staff"])
    await chat.tap("/check_case_status")
    await chat.say(receipt)
    await chat.tap("/pick{case:reply}")
    await chat.say(marks["reply"])
    unlocked = runtime.organisations.unlock(COORDINATOR, PASSWORD)
    view = runtime.cases.read_for_org(case_id, unlocked.org_id, unlocked.org_key)
    assert marks["reply"] in [m.text for m in view.messages]  # the organisation can read all
    assert view.content["answers"]["contact_detail"] == marks["contact"]
    await runtime.close()

    hidden = {**marks, "chat_id": chat_key, "receipt": receipt}
    captured = capsys.readouterr()
    logs = (captured.out + captured.err + caplog.text).encode("utf-8")
    assert b"case_submitted" in logs  # the logs were captured, so their silence means something
    assert leaks(logs, hidden) == []
    assert leaks(raw_redis(own_redis.url), hidden) == []
    assert leaks(raw_database(engine, url, tmp_path), hidden) == []

    # The thief has the database, config.yml and GONGYOU_SECRET_KEY, but no member's password.
    vault = Vault(settings.secrets.secret_key.get_secret_value())
    thief = create_engine(engine.url) if url.startswith("sqlite") else engine
    opened: list[bytes] = []
    with thief.connect() as connection:
        for table in metadata.sorted_tables:
            binary = [c for c in table.columns if isinstance(c.type, LargeBinary)]
            for row in connection.execute(select(*binary)) if binary else []:
                for value in row:
                    try:
                        opened.append(vault.decrypt(bytes(value)).encode("utf-8"))
                    except (DecryptionError, TypeError):
                        continue
    assert leaks(b"\n".join(opened), {k: v for k, v in hidden.items() if k != "chat_id"}) == []


@pytest.mark.parametrize("prefix", [b"", b"x", b"xy", b"xyz", b'{"a":"'])
def test_the_search_finds_a_marker_in_every_form(prefix: bytes) -> None:
    marker = "标记" + secrets.token_hex(4)
    payload = prefix + marker.encode("utf-8") + b"tail"
    for blob in (
        payload,
        json.dumps({"v": marker}).encode("ascii"),
        base64.b64encode(payload),
        base64.urlsafe_b64encode(payload),
    ):
        assert leaks(b"noise" + blob + b"noise", {"m": marker}) == ["m"]
