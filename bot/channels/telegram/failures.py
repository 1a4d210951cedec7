"""What a Bot API error means for a message: retry (when), give up on it, or give up on the
chat (the worker blocked the bot)."""

from __future__ import annotations

import enum
import random
import warnings
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

_JITTER = 0.1
# Bad requests that mean the chat itself is gone, not this one message.
_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")


class Verdict(enum.Enum):
    """What to do after a failed send."""

    RETRY = "retry"  # later, at ``Failure.delay``
    FAILED = "failed"  # this message can never be sent; go on with the next one
    UNREACHABLE = "unreachable"  # the chat refuses everything (blocked bot, deleted account)


@dataclass(frozen=True, slots=True)
class Failure:
    """A classified error: the verdict, how long to wait for a retry, and a short reason
    for the outbox row (never message text)."""

    verdict: Verdict
    reason: str
    delay: timedelta = timedelta(0)


def backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Exponential backoff with full jitter: a random wait up to ``base × 2^attempts``."""
    ceiling = min(cap, base * (2 ** min(attempts, 30)))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - not secret


def classify(exc: TelegramError, attempts: int, *, base: float, cap: float) -> Failure:
    """The verdict on ``exc`` for a message already tried ``attempts`` times."""
    reason = f"{type(exc).__name__}: {exc.message}"[:200]
    if isinstance(exc, RetryAfter):
        seconds = retry_after_seconds(exc)
        jitter = random.uniform(0, _JITTER * seconds + 0.05)  # noqa: S311 - not secret
        return Failure(Verdict.RETRY, reason, timedelta(seconds=seconds + jitter))
    if isinstance(exc, Forbidden):
        return Failure(Verdict.UNREACHABLE, reason)
    if isinstance(exc, BadRequest):  # before NetworkError: PTB derives it from NetworkError
        gone = any(marker in exc.message.lower() for marker in _GONE)
        return Failure(Verdict.UNREACHABLE if gone else Verdict.FAILED, reason)
    if isinstance(exc, ChatMigrated):
        return Failure(Verdict.FAILED, reason)  # only groups migrate; we never write to one
    # Network errors, timeouts, Telegram's own 5xx, a rejected token (an operator can fix it):
    # keep the message and try again later.
    delay = backoff(attempts, base=base, cap=cap)
    if isinstance(exc, InvalidToken):
        delay = max(delay, timedelta(seconds=cap / 2))
    return Failure(Verdict.RETRY, reason, delay)


def retry_after_seconds(exc: RetryAfter) -> float:
    """Telegram's ``retry_after``, in seconds."""
    with warnings.catch_warnings():
        # PTB 22 announces that the attribute will become a timedelta; both are read here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def is_entity_error(exc: TelegramError) -> bool:
    """Telegram could not read the HTML (a bug on our side): the text is resent plain."""
    return isinstance(exc, BadRequest) and "can't parse entities" in exc.message.lower()
