"""A chat turn logs no message text, phone number, ID number or conversation id."""

from __future__ import annotations

import logging
import secrets

import pytest
import structlog

from bot.log import configure_logging, get_logger, scrub_string
from bot.messages import Inbound
from bot.runtime import Runtime

pytestmark = pytest.mark.anyio

PHONE = "13912345678"
ID_NUMBER = "44030119900101123X"
SENTENCE = f"我叫王小明电话{PHONE}身份证{ID_NUMBER}老板欠我工资"


def test_scrub_string_masks_numbers() -> None:
    scrubbed = scrub_string(f"call {PHONE} or +86 139-1234-5678, id {ID_NUMBER}, 020-87654321")
    assert PHONE not in scrubbed and ID_NUMBER not in scrubbed
    assert "1234-5678" not in scrubbed and "87654321" not in scrubbed


async def test_chat_turn_logs_nothing_personal(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("DEBUG")
    key = secrets.token_urlsafe(24)
    try:
        get_logger("test").info("probe", text=SENTENCE, conversation_key=key)
        await runtime.core.handle(Inbound("test", key, text=SENTENCE))
        await runtime.core.handle(Inbound("test", key, text="我不想活了"))
    finally:
        structlog.reset_defaults()
        root.handlers, root.level = saved[0], saved[1]
    err = capsys.readouterr().err
    assert "turn" in err  # the turn was logged at all
    for secret in (PHONE, ID_NUMBER, "王小明", "老板欠我工资", key, "不想活"):
        assert secret not in err
