"""Whether a clause says work was done: a verb of working or of overtime (上班, 干了, 加班), and
the same with no negation right before it (没去上班 is no work).
"""

from __future__ import annotations

import re
from typing import Final

from nlu.phrase_rules import PhraseRules

#: How far before a verb of working a negation still denies it (没去上班).
_NEGATION_REACH: Final = 2


def says_worked(clause: str, rules: PhraseRules) -> bool:
    """Whether ``clause`` has a verb of working or of overtime (上班, 干了, 加班 …)."""
    return any(verb in clause for verb in (*rules.overtime_verbs, *rules.work_verbs))


def worked_unnegated(clause: str, rules: PhraseRules) -> bool:
    """A verb of working in ``clause`` with no negation right before it (中秋那天没去上班 is no
    work; 没休 is itself a verb of working)."""
    for verb in (*rules.overtime_verbs, *rules.work_verbs):
        for match in re.finditer(re.escape(verb), clause):
            before = clause[max(0, match.start() - _NEGATION_REACH) : match.start()]
            if verb.startswith(rules.off_negations) or not any(
                n in before for n in rules.off_negations
            ):
                return True
    return False
