"""The seam between the conversation core and whatever answers legal questions."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply
from bot.prompts import load_prompts
from bot.session import ConversationState
from knowledge_base.topics import topic_for_intent
from nlu.types import ParseResult


class QuestionAnswerer(Protocol):
    """Turns a worker's question into replies (with citations once the knowledge base exists)."""

    def answer(self, text: str, parse: ParseResult, state: ConversationState) -> list[Reply]:
        """Replies for one question; may record context (e.g. the last law) in ``state``."""
        ...


class PlaceholderAnswerer:
    """Says honestly that legal answers are not available yet, naming the recognised topic."""

    def answer(self, text: str, parse: ParseResult, state: ConversationState) -> list[Reply]:
        """A placeholder reply that points to 12333 / 12348."""
        prompts = load_prompts("core")
        topic = topic_for_intent(parse.intent.name) or "other"
        label = prompts.mapping("topic_labels").get(topic, topic)
        return [
            Reply(
                prompts.text("question_placeholder", topic_label=label),
                prompts.buttons("menu_buttons"),
            )
        ]
