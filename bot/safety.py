"""The right kind of help for each danger, and a gentle line when in doubt.

The NLU's safety layer says which kinds of danger a message carries and whether one is
happening now (:class:`nlu.types.SafetySignal`); this module turns that into replies. Texts
live in ``bot/prompts/safety.yml``.
"""

from __future__ import annotations

from bot.messages import Reply
from bot.prompts import load_prompts
from nlu.types import DANGER_KINDS, ParseResult, SafetySignal

SELF_HARM = "self_harm"
# A safety intent on top of a parse that carries no signal (a tapped button, a backend that
# does not fill ``safety``): the kinds it may stand for, all of them, since none is known.
_INTENT_KINDS = {
    "crisis_self_harm": (SELF_HARM,),
    "urgent_danger": tuple(k for k in DANGER_KINDS if k != SELF_HARM),
}


def assess(parse: ParseResult) -> SafetySignal | None:
    """The message's safety signal: the backend's own, or one read off a safety top intent."""
    if parse.safety is not None:
        return parse.safety
    kinds = _INTENT_KINDS.get(parse.intent.name)
    return SafetySignal(kinds=kinds, emergency=True) if kinds is not None else None


def help_replies(signal: SafetySignal) -> list[Reply]:
    """Immediate help for every danger in the message, most urgent first, in one reply."""
    prompts = load_prompts("safety")
    tone = SELF_HARM if SELF_HARM in signal.kinds else "danger"
    kinds = [kind for kind in DANGER_KINDS if kind in signal.kinds] or _all_physical()
    parts = [prompts.text(f"opening_{tone}")]
    parts += [prompts.text(f"help_{kind}") for kind in kinds]
    parts.append(prompts.text(f"closing_{tone}"))
    return [Reply("\n".join(parts))]


def gentle_line(signal: SafetySignal) -> Reply:
    """One line offering help, added after a normal answer when a danger is possible."""
    prompts = load_prompts("safety")
    kinds = [kind for kind in DANGER_KINDS if kind in signal.kinds]
    if SELF_HARM in kinds:
        key = SELF_HARM
    elif len(kinds) == 1:
        key = kinds[0]
    else:
        key = "danger"
    return Reply(prompts.text(f"gentle_{key}"))


def _all_physical() -> list[str]:
    # A signal without kinds should not happen; if it does, every physical help is safest.
    return list(_INTENT_KINDS["urgent_danger"])
