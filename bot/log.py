"""Structured logging with a processor that scrubs personal data before anything is written.

Rules it enforces: message text is never logged above DEBUG; phone numbers, Chinese ID
numbers and long secret-looking tokens (conversation ids) are masked wherever they appear.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,}")
_TEXT_KEYS = frozenset(
    {"text", "message", "message_text", "body", "content", "payload", "question"}
)
_SECRET_KEYS = frozenset(
    {"chat_id", "conversation_key", "conversation_id", "phone", "name", "address"}
)
REDACTED = "[redacted]"


def scrub_string(value: str) -> str:
    """Mask phone numbers, ID numbers and secret-looking tokens in one string."""
    value = _ID_NUMBER.sub("[id-number]", value)
    value = _PHONE.sub("[phone]", value)
    value = _LANDLINE.sub("[phone]", value)
    return _TOKEN.sub("[token]", value)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_string(value)
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(v) for v in value)
    return value


def scrub_personal_data(
    _logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: drop message text (unless DEBUG) and secrets, mask the rest."""
    for key in list(event_dict):
        if key in _SECRET_KEYS or (key in _TEXT_KEYS and method_name != "debug"):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _scrub_value(event_dict[key])
    return event_dict


class _ScrubbingFilter(logging.Filter):
    """Applies the same masking to records from the standard library (uvicorn, sqlalchemy)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub_string(record.getMessage())
        record.args = None
        return True


def configure_logging(level: str = "INFO", *, json_output: bool = False) -> None:
    """Set up structlog and stdlib logging with the scrubbing step in both chains."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_output
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            scrub_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ScrubbingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for noisy in ("jieba", "httpx", "httpcore", "bm25s", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger; keys like ``text`` are scrubbed automatically."""
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
