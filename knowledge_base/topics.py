"""The 21 labour-law topic keys, used by answers, NLU intents (``ask_<topic>``) and evaluation."""

from typing import Final

TOPICS: Final[tuple[str, ...]] = (
    "labor_contract",
    "probation",
    "overtime",
    "wages_arrears",
    "minimum_wage",
    "social_insurance",
    "housing_fund",
    "resignation",
    "dismissal",
    "economic_compensation",
    "work_injury",
    "occupational_disease",
    "annual_leave",
    "holidays_rest",
    "female_protection",
    "student_intern",
    "labor_dispatch",
    "arbitration_procedure",
    "discrimination_harassment",
    "child_or_forced_labor",
    "other",
)

TOPIC_INTENT_PREFIX: Final = "ask_"


def intent_for_topic(topic: str) -> str:
    """Return the NLU intent name for a topic key (``overtime`` → ``ask_overtime``)."""
    return f"{TOPIC_INTENT_PREFIX}{topic}"


_TOPIC_BY_INTENT: Final[dict[str, str]] = {f"{TOPIC_INTENT_PREFIX}{t}": t for t in TOPICS}


def topic_for_intent(intent: str) -> str | None:
    """Return the topic key an ``ask_<topic>`` intent stands for, or None for other intents."""
    # A dictionary lookup: this runs for every intent of every NLU ranking.
    return _TOPIC_BY_INTENT.get(intent)
