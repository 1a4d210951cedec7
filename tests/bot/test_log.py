"""Logs: nothing personal or secret is written, the words that make a log readable are kept,
and the service, uvicorn and libraries share one format (key=value lines or JSON)."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from bot.log import configure_logging, get_logger, scrub_string
from bot.messages import Inbound
from bot.runtime import Runtime

PHONE = "13912345678"
ID_NUMBER = "44030119900101123X"
SENTENCE = f"我叫王小明电话{PHONE}身份证{ID_NUMBER}老板欠我工资"
TELEGRAM_USER = "1234567890"
TELEGRAM_GROUP = "-1001234567890"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back after the test."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    structlog.reset_defaults()
    for handler in root.handlers:
        if handler not in saved[0]:
            handler.close()
    root.handlers, root.level = saved[0], saved[1]


def test_scrub_string_masks_numbers() -> None:
    scrubbed = scrub_string(f"call {PHONE} or +86 139-1234-5678, id {ID_NUMBER}, 020-87654321")
    assert PHONE not in scrubbed and ID_NUMBER not in scrubbed
    assert "1234-5678" not in scrubbed and "87654321" not in scrubbed


@pytest.mark.parametrize(
    ("line", "kept", "masked"),
    [
        (
            f"telegram_update_received user={TELEGRAM_USER} chat={TELEGRAM_GROUP}",
            ["telegram_update_received"],
            [TELEGRAM_USER, TELEGRAM_GROUP, "1001234567890"],
        ),
        (
            "embedded_model_trained examples=2252 intents=42",
            ["embedded_model_trained", "examples=2252", "intents=42"],
            [],
        ),
        (
            "turn intent=ask_economic_compensation error=StoreUnavailableError",
            ["ask_economic_compensation", "StoreUnavailableError"],
            [],
        ),
        ("need GONGYOU_SECRET_KEY", ["GONGYOU_SECRET_KEY"], []),
        ("postgresql://gongyou:hunter2-secret@db/gongyou", ["postgresql://gongyou:"], ["hunter2"]),
        (f"seconds=0.{TELEGRAM_USER}", [f"0.{TELEGRAM_USER}"], []),
    ],
)
def test_scrub_keeps_words_and_masks_identifiers(
    line: str, kept: list[str], masked: list[str]
) -> None:
    scrubbed = scrub_string(line)
    for word in kept:
        assert word in scrubbed
    for secret in masked:
        assert secret not in scrubbed


@pytest.mark.parametrize(
    "token", [secrets.token_urlsafe(16), secrets.token_urlsafe(32)], ids=["16-bytes", "32-bytes"]
)
def test_scrub_masks_random_tokens(token: str) -> None:
    assert token not in scrub_string(f"conversation={token} key={secrets.token_hex(16)}")
    assert scrub_string(token) == "[token]"


def test_log_line_keeps_event_name_and_masks_telegram_ids(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")
    get_logger("test").info(
        "telegram_update_received", user=int(TELEGRAM_USER), group=TELEGRAM_GROUP, updates=3
    )
    err = capsys.readouterr().err
    assert "telegram_update_received" in err
    assert "updates=3" in err
    assert TELEGRAM_USER not in err and "1001234567890" not in err


def test_uvicorn_and_library_records_share_the_format(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")
    get_logger("bot.test").info("service_started", port=8000)
    logging.getLogger("uvicorn.error").info("Started server for %s", TELEGRAM_USER)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    ours, theirs = lines
    assert "[info" in ours and "[bot.test]" in ours
    assert "[info" in theirs and "[uvicorn.error]" in theirs
    assert TELEGRAM_USER not in theirs  # stdlib records are scrubbed as well


def test_no_access_log_even_through_the_root_logger(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("DEBUG")
    access = logging.getLogger("uvicorn.access")
    assert not access.hasHandlers()  # uvicorn then writes no access lines at all
    access.info('127.0.0.1:5000 - "GET /api/chat/%s/events HTTP/1.1" 200', "x" * 43)
    assert "/api/chat" not in capsys.readouterr().err


def test_json_output_for_every_logger(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json_output=True)
    get_logger("bot.test").info("service_started", text=SENTENCE)
    logging.getLogger("sqlalchemy.engine").warning("slow query for %s", PHONE)
    try:
        raise ValueError(f"bad input {PHONE}")
    except ValueError:
        get_logger("bot.test").exception("unhandled_error")
    entries = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [e["event"] for e in entries][0::2] == ["service_started", "unhandled_error"]
    assert {e["logger"] for e in entries} == {"bot.test", "sqlalchemy.engine"}
    assert entries[0]["text"] == "[redacted]"
    assert "ValueError" in entries[2]["exception"]
    assert all(PHONE not in json.dumps(e, ensure_ascii=False) for e in entries)


def test_log_file_with_only_warnings_on_stderr(
    restore_logging: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "chat.log"
    configure_logging("INFO", log_file=log_file, stderr_level="WARNING")
    get_logger("bot.test").info("turn", intent="greet")
    get_logger("bot.test").warning("session_store_unavailable")
    err = capsys.readouterr().err
    assert "turn" not in err and "session_store_unavailable" in err
    written = log_file.read_text(encoding="utf-8")
    assert "turn" in written and "session_store_unavailable" in written


@pytest.mark.anyio
async def test_chat_turn_logs_nothing_personal(
    runtime: Runtime, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("DEBUG")
    key = secrets.token_urlsafe(24)
    get_logger("test").info("probe", text=SENTENCE, conversation_key=key)
    await runtime.core.handle(Inbound("test", key, text=SENTENCE))
    await runtime.core.handle(Inbound("test", key, text="我不想活了"))
    err = capsys.readouterr().err
    assert "turn" in err  # the turn was logged at all
    for secret in (PHONE, ID_NUMBER, "王小明", "老板欠我工资", key, "不想活"):
        assert secret not in err
