"""Typed side effects a flow asks the core to carry out after a step.

Flows stay pure: they return effects, the core performs them (database, deletion), and the
flow turns the outcome into replies (:meth:`bot.flows.base.Flow.on_effect`). The receipt of a
complaint, for example, is shown only after the case is committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Effect:
    """Base of every effect."""


@dataclass(frozen=True, slots=True)
class DeleteConversationData(Effect):
    """Forget the conversation: its state, snapshot, mailbox and registry row."""


@dataclass(frozen=True, slots=True)
class SubmitComplaint(Effect):
    """Turn a finished complaint draft into a case (idempotent by ``submission_id``)."""

    submission_id: str
    receipt: str
    categories: tuple[str, ...]
    province: str | None
    urgent: bool
    content: dict[str, Any] = field(hash=False)


@dataclass(frozen=True, slots=True)
class OpenCaseByReceipt(Effect):
    """Look a case up by the receipt the worker typed (rate-limited, slow hash)."""

    receipt: str


@dataclass(frozen=True, slots=True)
class ReplyToCase(Effect):
    """Attach the worker's message to their case."""

    case_id: str
    text: str


@dataclass(frozen=True, slots=True)
class DeleteCase(Effect):
    """Delete the worker's case after they confirmed."""

    case_id: str


@dataclass(frozen=True, slots=True)
class EffectResult:
    """What carrying out an effect gave: ``ok``, a reason key when not, and a value."""

    ok: bool
    problem: str | None = None
    value: Any = None
