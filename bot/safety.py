"""The right kind of help for each danger, and a gentle line when in doubt.

The NLU's safety layer says which dangers a message carries and whether they are happening now
(:class:`nlu.types.SafetySignal`); this module turns that into replies. Texts live in
``bot/prompts/safety.yml``.
"""

from __future__ import annotations

from bot.messages import Reply
from bot.prompts import load_prompts
from nlu.types import DANGER_KINDS, ParseResult, SafetySignal

_INTENT_KINDS = {"crisis_self_harm": ("self_harm",), "urgent_danger": ("injury",)}


def assess(parse: ParseResult) -> SafetySignal | None:
    """The message's safety signal: the backend's own, or one read off a safety top intent."""
    if parse.safety is not None:
        return parse.safety
    kinds = _INTENT_KINDS.get(parse.intent.name)
    if kinds is None:
        return None
    if parse.intent.name == "urgent_danger":
        kinds = tuple(k for k in DANGER_KINDS if k != "self_harm")
    return SafetySignal(kinds=kinds, emergency=True)


def help_replies(signal: SafetySignal) -> list[Reply]:
    """Immediate help for every danger in the message, most urgent first, in one reply."""
    prompts = load_prompts("safety")
    parts = [prompts.text("opening_" + ("self_harm" if "self_harm" in signal.kinds else "danger"))]
    parts += [prompts.text("help_" + kind) for kind in signal.kinds if kind in DANGER_KINDS]
    parts.append(prompts.text("closing"))
    return [Reply("\n".join(parts))]


def gentle_line(signal: SafetySignal) -> Reply:
    """One line offering help, added after a normal answer when a danger is possible."""
    prompts = load_prompts("safety")
    kind = "self_harm" if "self_harm" in signal.kinds else "danger"
    return Reply(prompts.text("gentle_" + kind))
