"""Shared fixtures of the knowledge-base tests: the shipped statutes and curated answers."""

from __future__ import annotations

import pytest

from knowledge_base.answers import AnswerBook, load_answer_book
from knowledge_base.service import KnowledgeBase
from knowledge_base.statutes import StatuteLibrary


@pytest.fixture(scope="session")
def library() -> StatuteLibrary:
    """The statute library from knowledge_base/laws, loaded once."""
    return StatuteLibrary.load()


@pytest.fixture(scope="session")
def book(library: StatuteLibrary) -> AnswerBook:
    """The curated answers from knowledge_base/answers, loaded once."""
    return load_answer_book(library=library)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The whole knowledge base (statutes, answers, indexes), loaded once."""
    return KnowledgeBase.load()
