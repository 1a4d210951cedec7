"""Curated answers: the YAML contract (knowledge_base/answers/<topic>.yml), validated at load.

Operators edit these files without Python, so every problem is reported with the file, the
entry id and the field, all at once, and nothing half-valid is ever served.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from knowledge_base.statutes import StatuteLibrary
from knowledge_base.topics import TOPICS
from knowledge_base.yaml_io import load_yaml_file

DEFAULT_ANSWERS_DIR: Final = Path(__file__).with_name("answers")

_ID: Final = re.compile(r"^(?P<topic>[a-z_]+)\.[a-z0-9]+(?:_[a-z0-9]+)*$")
_SENTENCE_END: Final = re.compile(r"[。！？!?]+")
_MAX_SHORT_SENTENCES: Final = 3
_MIN_SENTENCE: Final = 5
# A local_rules entry must tell the worker that the rule differs by place and where to check.
_LOCAL_HINTS: Final = ("当地", "各地", "本地", "所在地", "地方", "各省", "省", "城市", "12333")

#: ``fact``: what the law says on one point. ``situation``: what a worker living through it
#: should do now, step by step (evidence, whom to contact, cost, time, deadline, remedy);
#: retrieval may prefer these when a question describes a situation.
EntryKind = Literal["fact", "situation"]
#: Limitation periods a claim can run into (wording and rules in knowledge_base/deadlines.yml).
DeadlineKind = Literal["arbitration", "wage_arrears", "injury_recognition", "inspection"]
DEADLINE_KINDS: Final[tuple[str, ...]] = get_args(DeadlineKind)
#: A situation walks through now → evidence → whom to contact → cost → time → deadline → remedy.
MIN_SITUATION_STEPS: Final = 6


def _scalar_to_str(value: object) -> object:
    # YAML reads a bare 12348 or 996 as a number; in a text field the operator meant the text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[
    str, BeforeValidator(_scalar_to_str), StringConstraints(strip_whitespace=True, min_length=1)
]


class AnswerBookError(ValueError):
    """One or more answer files are invalid; ``problems`` lists "file: id: field: message"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid answer files:\n" + "\n".join(f"  - {p}" for p in problems))


class Citation(BaseModel):
    """A statute article an answer relies on; ``article`` is None only for unnumbered texts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    law: Text
    article: int | None = Field(ge=1)

    @property
    def key(self) -> tuple[str, int | None]:
        """(law, article) pair for comparisons."""
        return (self.law, self.article)


class AnswerEntry(BaseModel):
    """One curated answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Text
    title: Text
    questions: list[Text] = Field(min_length=5)
    short: Text
    details: str = ""
    citations: list[Citation] = Field(min_length=1)
    next_steps: list[Text] = Field(min_length=1)
    keywords: list[Text] = Field(default_factory=list)
    local_rules: bool = False
    kind: EntryKind = "fact"
    deadlines: list[DeadlineKind] = Field(default_factory=list)
    reviewed_on: dt.date

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        match = _ID.match(value)
        if not match or match.group("topic") not in TOPICS:
            raise ValueError("must look like <topic>.<snake_case_slug> with a known topic key")
        return value

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value:
            raise ValueError("must be one line")
        return value

    @field_validator("short")
    @classmethod
    def _short_is_short(cls, value: str) -> str:
        # A bare "有。" / "能。" opening the answer is not counted as a sentence.
        sentences = [s for s in _SENTENCE_END.split(value) if len(s.strip()) >= _MIN_SENTENCE]
        if len(sentences) > _MAX_SHORT_SENTENCES:
            raise ValueError(
                f"has {len(sentences)} sentences; keep it to {_MAX_SHORT_SENTENCES} "
                "and move the rest to details"
            )
        return value

    @field_validator("questions")
    @classmethod
    def _distinct_questions(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for question in value:
            if question in seen:
                raise ValueError(f"question listed twice: {question}")
            seen.add(question)
        return value

    @field_validator("citations")
    @classmethod
    def _distinct_citations(cls, value: list[Citation]) -> list[Citation]:
        seen: set[tuple[str, int | None]] = set()
        for citation in value:
            if citation.key in seen:
                raise ValueError(f"cites {citation.law} {citation.article} twice")
            seen.add(citation.key)
        return value

    @field_validator("deadlines")
    @classmethod
    def _distinct_deadlines(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a deadline kind is listed twice")
        return value

    @model_validator(mode="after")
    def _situation_walks_through_the_steps(self) -> AnswerEntry:
        if self.kind == "situation":
            if len(self.next_steps) < MIN_SITUATION_STEPS:
                raise ValueError(
                    f"kind situation needs at least {MIN_SITUATION_STEPS} next_steps in order: "
                    "now, evidence, whom to contact, cost, time, deadline, what you may get"
                )
            if not self.deadlines:
                raise ValueError("kind situation must name the deadlines that apply")
        return self

    @model_validator(mode="after")
    def _local_rules_explained(self) -> AnswerEntry:
        if self.local_rules and not any(h in self.short + self.details for h in _LOCAL_HINTS):
            raise ValueError(
                "local_rules is true: short or details must say the rule differs by place "
                "and where to check (e.g. 当地人社局, 12333)"
            )
        return self

    @property
    def topic(self) -> str:
        """The topic key (the part of the id before the dot)."""
        return self.id.split(".", 1)[0]


class AnswerFile(BaseModel):
    """One ``<topic>.yml`` file."""

    model_config = ConfigDict(extra="forbid")

    topic: Text
    entries: list[AnswerEntry] = Field(min_length=1)

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str) -> str:
        if value not in TOPICS:
            raise ValueError(f"unknown topic {value!r}; known: {', '.join(TOPICS)}")
        return value


@dataclass(frozen=True, slots=True)
class AnswerBook:
    """Every valid entry, by id and by topic."""

    entries: tuple[AnswerEntry, ...]
    files: tuple[Path, ...] = ()
    by_id: dict[str, AnswerEntry] = field(default_factory=dict)
    #: Problems of skipped files/entries (only with ``skip_invalid=True``).
    problems: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.by_id.update({entry.id: entry for entry in self.entries})

    def topic_entries(self, topic: str) -> list[AnswerEntry]:
        """Entries of one topic, in file order."""
        return [entry for entry in self.entries if entry.topic == topic]

    def topics(self) -> set[str]:
        """Topics that have at least one entry."""
        return {entry.topic for entry in self.entries}


def _loc_to_text(loc: tuple[int | str, ...], raw: Any) -> tuple[str, str]:
    """Turn a pydantic error location into (entry id or position, field path)."""
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
        index = loc[1]
        entry_name = f"entries[{index}]"
        entries = raw.get("entries") if isinstance(raw, dict) else None
        if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
            entry_id = entries[index].get("id")
            if entry_id:
                entry_name = str(entry_id)
        field_path = ".".join(str(part) for part in loc[2:]) or "(entry)"
        return entry_name, field_path
    return "(file)", ".".join(str(part) for part in loc) or "(file)"


def _check_citations(
    entry: AnswerEntry, library: StatuteLibrary, source: str
) -> tuple[AnswerEntry, list[str]]:
    """Resolve every citation to the canonical law name; report those that do not exist."""
    problems: list[str] = []
    resolved: list[Citation] = []
    for i, citation in enumerate(entry.citations):
        where = f"{source}: {entry.id}: citations.{i}"
        law = library.law(citation.law)
        if law is None:
            problems.append(f"{where}.law: unknown law {citation.law!r}")
            continue
        if law.superseded:
            problems.append(f"{where}.law: {law.name} is superseded; cite the current text")
            continue
        if library.article(law.name, citation.article) is None:
            if citation.article is None:
                problems.append(f"{where}.article: {law.name} has numbered articles; give one")
            else:
                problems.append(
                    f"{where}.article: {law.name} has no article {citation.article} "
                    f"(it has {len(law.articles)})"
                )
            continue
        resolved.append(Citation(law=law.name, article=citation.article))
    return entry.model_copy(update={"citations": resolved}), problems


def validate_answer_file(
    path: Path, library: StatuteLibrary
) -> tuple[list[AnswerEntry], list[str]]:
    """Validate one file; returns its entries and the problems found (empty when valid)."""
    source = str(path)
    try:
        raw = load_yaml_file(path)
    except yaml.YAMLError as exc:
        return [], [f"{source}: not valid YAML: {exc}"]
    try:
        parsed = AnswerFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            entry_name, field_path = _loc_to_text(tuple(error["loc"]), raw)
            problems.append(f"{source}: {entry_name}: {field_path}: {error['msg']}")
        return [], problems
    problems = []
    if path.stem != parsed.topic:
        problems.append(
            f"{source}: (file): topic: is {parsed.topic!r} but the file name says {path.stem!r}"
        )
    entries: list[AnswerEntry] = []
    for entry in parsed.entries:
        if entry.topic != parsed.topic:
            problems.append(f"{source}: {entry.id}: id: must start with {parsed.topic}.")
        checked, citation_problems = _check_citations(entry, library, source)
        problems.extend(citation_problems)
        entries.append(checked)
    return entries, problems


def load_answer_book(
    directory: Path = DEFAULT_ANSWERS_DIR,
    library: StatuteLibrary | None = None,
    files: Iterable[Path] | None = None,
    *,
    skip_invalid: bool = False,
) -> AnswerBook:
    """Load and validate every ``*.yml`` in ``directory``.

    Raises AnswerBookError listing every problem (file, entry id, field) at once. With
    ``skip_invalid`` (for authoring tools, never for serving) invalid files are left out and
    their problems kept in ``AnswerBook.problems``.
    """
    library = library or StatuteLibrary.load()
    paths = sorted(files) if files is not None else sorted(directory.glob("*.yml"))
    problems: list[str] = []
    entries: list[AnswerEntry] = []
    seen: dict[str, Path] = {}
    for path in paths:
        file_entries, file_problems = validate_answer_file(path, library)
        problems.extend(file_problems)
        if file_problems and skip_invalid:
            continue
        for entry in file_entries:
            if entry.id in seen:
                problems.append(f"{path}: {entry.id}: id: already used in {seen[entry.id]}")
                continue
            seen[entry.id] = path
            entries.append(entry)
    if problems and not skip_invalid:
        raise AnswerBookError(problems)
    return AnswerBook(entries=tuple(entries), files=tuple(paths), problems=tuple(problems))
