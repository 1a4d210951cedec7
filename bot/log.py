"""Structured logging with a processor that scrubs personal data before anything is written.

Rules it enforces: message text is never logged above DEBUG; phone numbers, Chinese ID
numbers, long numeric ids (Telegram user and group ids), credentials in URLs and long
random-looking tokens (conversation ids, keys) are masked wherever they appear. Words that make
a log readable — snake_case event names, intent names, class names — are kept.

One format for everything: structlog's own events and the standard library's records
(uvicorn, SQLAlchemy, alembic, …) go through the same ``ProcessorFormatter``, as key=value
lines or, with ``logging.json: true``, one JSON object per line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import structlog

_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
# Telegram user ids have 9-10 digits (and growing), group ids look like -100xxxxxxxxxx.
_LONG_NUMBER = re.compile(r"(?<![\w.-])-?\d{9,}(?!\w)")
_URL_CREDENTIALS = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")
_TOKEN_CANDIDATE = re.compile(r"[A-Za-z0-9_-]{16,}")
# What a person wrote on purpose: snake_case / kebab-case, CamelCase, UPPER_CASE. A random
# token matches none of these except with negligible probability.
_READABLE_WORD = re.compile(
    r"(?:[a-z]+\d{0,3}|\d{1,4})(?:[_.-](?:[a-z]+\d{0,3}|\d{1,4}))*"
    r"|(?:[A-Z][a-z]+\d{0,3})+"
    r"|[A-Z]+\d{0,3}(?:_(?:[A-Z]+\d{0,3}|\d{1,4}))*"
)
_LONG_INT = 10**8  # integers of nine or more digits are treated as ids
_TEXT_KEYS = frozenset(
    {"text", "message", "message_text", "body", "content", "payload", "question"}
)
_SECRET_KEYS = frozenset(
    {
        "chat_id",
        "user_id",
        "conversation_key",
        "conversation_id",
        "phone",
        "name",
        "username",
        "address",
        "email",
        "contact",
        "password",
        "secret",
        "secret_key",
        "token",
        "receipt",
    }
)
_UNSCRUBBED_KEYS = frozenset({"exc_info", "_record", "_from_structlog", "level", "timestamp"})
_NOISY_LIBRARIES = ("jieba", "httpx", "httpcore", "bm25s", "alembic", "urllib3", "asyncio")
_OURS = "_gongyou_handler"
REDACTED = "[redacted]"


def _mask_token(match: re.Match[str]) -> str:
    word = match.group(0)
    return word if _READABLE_WORD.fullmatch(word) else "[token]"


def scrub_string(value: str) -> str:
    """Mask phone numbers, ID numbers, long ids, URL passwords and random tokens in a string."""
    value = _ID_NUMBER.sub("[id-number]", value)
    value = _PHONE.sub("[phone]", value)
    value = _LANDLINE.sub("[phone]", value)
    value = _URL_CREDENTIALS.sub(r"\1[redacted]@", value)
    value = _LONG_NUMBER.sub("[id]", value)
    return _TOKEN_CANDIDATE.sub(_mask_token, value)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_string(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONG_INT:
        return "[id]"
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
        if key in _UNSCRUBBED_KEYS:
            continue
        if key in _SECRET_KEYS or (key in _TEXT_KEYS and method_name != "debug"):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _scrub_value(event_dict[key])
    return event_dict


def _shared_processors() -> list[Any]:
    """Steps every entry takes, from structlog or from the standard library."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        # Tracebacks become text before scrubbing, so exception messages are masked too.
        structlog.processors.format_exc_info,
        scrub_personal_data,
    ]


def log_formatter(*, json_output: bool = False) -> structlog.stdlib.ProcessorFormatter:
    """The one formatter of every handler: key=value lines, or JSON objects."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_output
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def configure_logging(
    level: str = "INFO",
    *,
    json_output: bool = False,
    log_file: Path | None = None,
    stderr_level: str | None = None,
) -> None:
    """Route structlog and standard-library logging through one scrubbing formatter.

    Entries go to stderr, or with ``log_file`` to that file and only those at
    ``stderr_level`` or above to stderr (the terminal chat keeps the screen for the chat).
    """
    formatter = log_formatter(json_output=json_output)
    handlers: list[logging.Handler] = []
    stderr = logging.StreamHandler(sys.stderr)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        stderr.setLevel(stderr_level or "WARNING")
    elif stderr_level is not None:
        stderr.setLevel(stderr_level)
    handlers.append(stderr)
    for handler in handlers:
        handler.setFormatter(formatter)

    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    for old in root.handlers:
        if getattr(old, _OURS, False):
            old.close()  # a log file opened by an earlier call
    for handler in handlers:
        setattr(handler, _OURS, True)
    root.handlers = handlers
    root.setLevel(level)
    # uvicorn configures its own handlers when given a log config; ours must win everywhere.
    for name in ("uvicorn", "uvicorn.error"):
        library_logger = logging.getLogger(name)
        library_logger.handlers = []
        library_logger.propagate = True
    # Never an access log: URLs carry conversation ids. (uvicorn logs access lines whenever
    # this logger has a handler, its own or the root's through propagation.)
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
    access.disabled = True
    for noisy in _NOISY_LIBRARIES:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger; keys like ``text`` are scrubbed automatically."""
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
