"""The seam between the conversation core and whatever answers legal questions."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply
from bot.session import ConversationState
from nlu.types import ParseResult


class QuestionAnswerer(Protocol):
    """Turns a worker's question into replies that cite the law."""

    def handles_directly(self, text: str, state: ConversationState) -> str | None:
        """``"article"`` (a named statute article), ``"details"`` or ``"law"`` (more about the
        last answer) when the text asks for that regardless of the NLU's reading, else None."""
        ...

    def answer(self, text: str, parse: ParseResult, state: ConversationState) -> list[Reply]:
        """Replies for one question; may record context (e.g. the last law) in ``state``."""
        ...

    def answer_if_sure(
        self, text: str, parse: ParseResult, state: ConversationState
    ) -> list[Reply]:
        """The answer when the answerer is sure of one, else nothing: for a legal question a
        message about a danger also asks (the help goes first), and for a message the NLU
        could not place (the caller then says it is not sure)."""
        ...

    def details(self, state: ConversationState) -> list[Reply]:
        """The longer explanation and next steps of the last answer."""
        ...

    def show_articles(self, state: ConversationState) -> list[Reply]:
        """The statute text behind the last answer."""
        ...
