"""Which calculator a message names by what it computes (加班费, 补偿金, 年假 …).

The NLU chooses a calculator from the whole message, and context words can pull it to the
wrong one ("底薪2000加提成，一个月大概拿6000，辞退补偿按多少算" read as overtime because of the
pay words). When the message names exactly one calculator's subject and the NLU chose another,
the named one is meant. Words live in ``names.yml``.

Neither does an unsure calculator pick start a calculator by itself: "我54岁了，在这个厂干了17年，
现在说要裁员第一批就是我，他们能裁我吗" was read as the annual-leave calculator (0.2) because of
its length of service, and asks whether the dismissal is lawful, not for an amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Final

from knowledge_base.calculators import flow, texts
from knowledge_base.calculators.registry import CALCULATORS, calculator_for, calculator_for_topic
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.yaml_io import load_yaml_file
from nlu.tokenizer import normalize
from nlu.types import Entity

NAMES_PATH: Final = Path(__file__).with_name("names.yml")
#: Below this confidence the NLU's calculator is started only when the message names what it
#: computes or states at least ``MIN_FACTS_WHEN_UNSURE`` of its facts (一天250 国庆三天都上班了).
SURE_CONFIDENCE: Final = 0.6
MIN_FACTS_WHEN_UNSURE: Final = 2


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = load_yaml_file(NAMES_PATH)
    if not isinstance(raw, dict):
        raise ValueError(f"{NAMES_PATH.name}: expected intent: [words]")
    named = []
    for intent, words in raw.items():
        if intent not in CALCULATORS:
            raise ValueError(f"{NAMES_PATH.name}: {intent} is not a calculator intent")
        named.append((str(intent), tuple(normalize(str(w)) for w in words)))
    return tuple(named)


def named_calculator(text: str) -> str | None:
    """The intent of the one calculator ``text`` names, or None (none or several named)."""
    norm = normalize(text)
    named = {intent for intent, words in _names() if any(w in norm for w in words)}
    return named.pop() if len(named) == 1 else None


#: A request to compute is a short message (我要算补偿, 帮我算下年假); a longer one tells a story.
MAX_REQUEST_CHARS: Final = 15


def requested_calculator(text: str) -> str | None:
    """The calculator a short message asks to run (我要算补偿, 算年假), whatever the NLU read:
    it says a compute word and names exactly one calculator, and does not ask how the amount is
    computed (年假怎么算 is a question about the rule). None otherwise."""
    norm = normalize(text)
    if len(norm) > MAX_REQUEST_CHARS or any(w in norm for w in texts.words("parsing.how_words")):
        return None
    asks = norm.startswith("算") or any(w in norm for w in texts.words("parsing.compute_words"))
    if not asks:
        return None
    return named_calculator(text)


def calculator_meant(
    intent: str,
    text: str,
    entities: Sequence[Entity] = (),
    today: date | None = None,
) -> str:
    """``intent`` (a calculator intent), unless ``text`` names exactly one other calculator,
    or (with ``entities``) the NLU's calculator would read at most one fact from the message
    while another one finds every fact it needs there ("在广州番禺上班 底薪1900 合法吗" is the
    minimum-wage check, not overtime with only a wage)."""
    if intent not in CALCULATORS:
        return intent
    named = named_calculator(text)
    if named is not None:
        return named
    if not entities:
        return intent
    day = today or date.today()
    if len(flow.prefill(CALCULATORS[intent], entities, day, text).stated) > 1:
        return intent
    complete = [
        (len(prefill.stated), other)
        for other, spec in CALCULATORS.items()
        if other != intent
        and len((prefill := flow.prefill(spec, entities, day, text)).stated)
        >= MIN_FACTS_WHEN_UNSURE
        and not flow.missing(spec, prefill.answers, day)
    ]
    return max(complete)[1] if len(complete) == 1 else intent


def calculator_wanted(
    intent: str, text: str, confidence: float, entities: Sequence[Entity], today: date
) -> bool:
    """Whether a message the NLU gave a calculator intent asks for that computation: the NLU
    is sure, the message names what a calculator computes, or it states enough of the facts.
    Otherwise it is answered as a question (the answer offers the calculator)."""
    if intent not in CALCULATORS:
        return False
    if confidence >= SURE_CONFIDENCE or named_calculator(text) is not None:
        return True
    # Facts the entities carry (not what a calculator reads around them from the words).
    if len(flow.prefill(CALCULATORS[intent], entities, today).stated) >= MIN_FACTS_WHEN_UNSURE:
        return True
    # Or another calculator finds every fact it needs in the message.
    return calculator_meant(intent, text, entities, today) != intent


#: Facts told after an answer are short (我工作了8年, 月薪5000); a longer message asks something.
MAX_FACTS_CHARS: Final = 20


def calculator_continuing(
    topic: str | None,
    intent: str,
    confidence: float,
    text: str,
    entities: Sequence[Entity],
    today: date,
) -> str | None:
    """The calculator a short message of facts continues after an answer of ``topic``
    (年假怎么算 → 我工作了8年: the annual-leave calculator with 8 years filled in), or None.

    The NLU may read the facts as another calculator ("8年" is also a length of service for
    compensation); unless it is sure of another topic, the answer just given says which."""
    spec = calculator_for_topic(topic) if topic else None
    if spec is None or len(normalize(text)) > MAX_FACTS_CHARS:
        return None
    # Unless the NLU is sure the message is a question (国庆加班呢) or another calculator's.
    read = calculator_for(intent)
    if confidence >= SURE_CONFIDENCE and (read is None or read.topic != topic):
        return None
    # A fact the calculator reads, or any fact at all in so short a message (我在这个厂干了3年:
    # the calculator then asks for the total years itself).
    if entities or first_question_answer(spec, text, entities, today):
        return spec.intent
    return None


def first_question_answer(
    spec: CalculatorSpec, text: str, entities: Sequence[Entity], today: date
) -> str | None:
    """The words of ``text`` (all of it, or one fact in it) that answer the calculator's first
    question as if typed there (我工作了8年: "8年" at "你参加工作一共多少年了？"), or None."""
    question = flow.next_question(spec, {}, today)
    if question is None:
        return None
    employer = texts.words("parsing.this_employer_words")
    if question.field.kind == "years" and any(w in normalize(text) for w in employer):
        return None  # years at this employer are not the total years of work asked for
    for words in (text, *(e.text for e in entities)):
        if isinstance(flow.read_answer(spec, question.field, words, {}, today), flow.Accepted):
            return words
    return None
