"""Statute texts as article-addressable records.

Each file in knowledge_base/laws/ has a YAML header (title, version, source …) and the source
text verbatim below it. Article headings are ``第X条`` in Chinese numerals at the start of a line.
Stray line breaks inside sentences (a quirk of some sources, see laws/README.md) are joined when
building paragraphs; the files themselves are never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from knowledge_base.numerals import NUMERAL_CHARS, chinese_to_int, int_to_chinese
from knowledge_base.text import fold_law_name

DEFAULT_LAWS_DIR: Final = Path(__file__).with_name("laws")
DEFAULT_NAMES_PATH: Final = Path(__file__).with_name("law_names.yml")

_HEADING: Final = re.compile(rf"^\s*第([{NUMERAL_CHARS}]+)条(?:[\s\u3000]+|$)(.*)$")
# Chapter/section headings, Markdown headings, HTML comments, annexes and rules end an article.
_CHAPTER: Final = re.compile(rf"^\s*(?:#+\s*)?第[{NUMERAL_CHARS}]+[编章节]")
_BREAK: Final = re.compile(r"^\s*(?:#|<!--|附录|附件|-{3,}\s*$)")
_BULLET: Final = re.compile(r"^[*\-]\s+")
# A paragraph that ends like this is complete; anything else was broken by a stray newline.
_SENTENCE_END: Final = tuple("。；：！？;:!?”」）)")
# Item markers that always start a new paragraph: （一） (一) 一、 1. 1、
_ITEM_START: Final = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、])"
)


class StatuteError(ValueError):
    """A statute file or the name table is malformed; the message names the file."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article of one instrument (``number`` is None for a text without numbered articles)."""

    law: str
    title: str
    number: int | None
    text: str
    paragraphs: tuple[str, ...]
    version: str
    file: str
    chapter: str = ""

    @property
    def heading(self) -> str:
        """``第四十七条`` (or the empty string for an unnumbered text)."""
        return f"第{int_to_chinese(self.number)}条" if self.number is not None else ""

    @property
    def label(self) -> str:
        """Human citation: ``《劳动合同法》第四十七条``."""
        return f"《{self.law}》{self.heading}"


@dataclass(frozen=True, slots=True)
class Law:
    """One instrument: header metadata, its articles and any annex text."""

    name: str
    title: str
    version: str
    file: str
    header: dict[str, Any]
    articles: dict[int, Article]
    full_text: str
    appendix: str = ""
    superseded: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def whole(self) -> Article:
        """The whole text as one pseudo-article (for texts without numbered articles)."""
        paragraphs = tuple(_plain_paragraphs(self.full_text))
        return Article(
            law=self.name,
            title=self.title,
            number=None,
            text="\n".join(paragraphs),
            paragraphs=paragraphs,
            version=self.version,
            file=self.file,
        )


@dataclass(frozen=True, slots=True)
class _NameEntry:
    file: str
    name: str
    aliases: tuple[str, ...]
    version: str
    superseded: bool


def split_header(raw: str, source: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML header and body; the header must be a mapping with a title."""
    lines = raw.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise StatuteError(f"{source}: missing YAML header (first line must be ---)")
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            header = yaml.safe_load("".join(lines[1:end]))
            if not isinstance(header, dict) or "title" not in header:
                raise StatuteError(f"{source}: header has no title")
            return header, "".join(lines[end + 1 :])
    raise StatuteError(f"{source}: YAML header is not closed with ---")


def _paragraphs(lines: list[str]) -> list[str]:
    """Non-empty lines as paragraphs, joining lines a stray break split mid-sentence."""
    paragraphs: list[str] = []
    for raw_line in lines:
        line = _BULLET.sub("", raw_line.strip().replace("\u3000", " ").strip())
        if not line:
            continue
        if (
            paragraphs
            and not paragraphs[-1].endswith(_SENTENCE_END)
            and not _ITEM_START.match(line)
        ):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return paragraphs


def _plain_paragraphs(text: str) -> list[str]:
    """Lines of a text without numbered articles: headings unmarked, the page footer dropped."""
    paragraphs: list[str] = []
    for raw_line in text.splitlines():
        if re.match(r"^\s*-{3,}\s*$", raw_line):
            break
        line = raw_line.strip().lstrip("#").strip()
        if line:
            paragraphs.append(line)
    return paragraphs


def parse_articles(body: str) -> tuple[list[tuple[int, list[str], str]], str]:
    """Split a body into (number, lines, chapter) per article, plus the text after the last one."""
    articles: list[tuple[int, list[str], str]] = []
    current: list[str] | None = None
    chapter = ""
    trailing: list[str] = []
    for line in body.splitlines():
        heading = _HEADING.match(line)
        if heading:
            number = chinese_to_int(heading.group(1))
            if number is None:  # pragma: no cover - the regex only admits numeral characters
                continue
            current = [heading.group(2)]
            articles.append((number, current, chapter))
            trailing = []
            continue
        if _CHAPTER.match(line):
            chapter = line.strip().lstrip("#").strip()
            current = None
            continue
        if _BREAK.match(line):
            current = None
        if current is not None:
            current.append(line)
        elif articles:
            trailing.append(line)
    return articles, "\n".join(trailing).strip()


def parse_law(path: Path, entry: _NameEntry) -> Law:
    """Parse one statute file."""
    raw = path.read_text(encoding="utf-8")
    header, body = split_header(raw, str(path))
    title = str(header["title"])
    parsed, trailing = parse_articles(body)
    articles: dict[int, Article] = {}
    for number, lines, chapter in parsed:
        if number in articles:
            raise StatuteError(f"{path}: article {number} appears twice")
        paragraphs = tuple(_paragraphs(lines))
        articles[number] = Article(
            law=entry.name,
            title=title,
            number=number,
            text="\n".join(paragraphs),
            paragraphs=paragraphs,
            version=entry.version,
            file=path.name,
            chapter=chapter,
        )
    expected = header.get("article_count")
    if isinstance(expected, int) and expected != len(articles):
        raise StatuteError(f"{path}: header says {expected} articles, parsed {len(articles)}")
    return Law(
        name=entry.name,
        title=title,
        version=entry.version,
        file=path.name,
        header=header,
        articles=articles,
        full_text=body.split("<!-- INFO END -->")[-1].strip(),
        appendix=trailing,
        superseded=entry.superseded,
        aliases=entry.aliases,
    )


def _load_names(path: Path) -> list[_NameEntry]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("laws"), list):
        raise StatuteError(f"{path}: expected a top-level 'laws' list")
    entries: list[_NameEntry] = []
    for i, item in enumerate(data["laws"]):
        if not isinstance(item, dict) or not {"file", "name"} <= item.keys():
            raise StatuteError(f"{path}: laws[{i}] needs 'file' and 'name'")
        entries.append(
            _NameEntry(
                file=str(item["file"]),
                name=str(item["name"]),
                aliases=tuple(str(a) for a in item.get("aliases") or ()),
                version=str(item.get("version", "")),
                superseded=bool(item.get("superseded", False)),
            )
        )
    return entries


@dataclass(slots=True)
class StatuteLibrary:
    """All statute texts, addressable by law name (any alias) and article number."""

    laws: dict[str, Law]
    _alias_index: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for law in self.laws.values():
            for name in (law.name, *law.aliases):
                key = fold_law_name(name)
                other = self._alias_index.get(key)
                if other is not None and other != law.name:
                    raise StatuteError(f"alias {name!r} names both {other} and {law.name}")
                self._alias_index[key] = law.name

    @classmethod
    def load(
        cls, laws_dir: Path = DEFAULT_LAWS_DIR, names_path: Path = DEFAULT_NAMES_PATH
    ) -> StatuteLibrary:
        """Parse every statute listed in the name table (cached per directory)."""
        return _load_cached(laws_dir.resolve(), names_path.resolve())

    def resolve_law(self, name: str) -> str | None:
        """Canonical short name for any accepted way of writing a law's name, else None."""
        return self._alias_index.get(fold_law_name(name))

    def law(self, name: str) -> Law | None:
        """The instrument a name stands for, or None."""
        canonical = self.resolve_law(name)
        return self.laws.get(canonical) if canonical else None

    def article(self, law_alias: str, number: int | None) -> Article | None:
        """One article, or None when the law or the article does not exist.

        ``number=None`` returns the whole text, but only for a text without numbered articles.
        """
        law = self.law(law_alias)
        if law is None:
            return None
        if number is None:
            return law.whole if not law.articles else None
        return law.articles.get(number)

    def current_laws(self) -> list[Law]:
        """Every instrument that may be cited (superseded texts left out)."""
        return [law for law in self.laws.values() if not law.superseded]

    def all_articles(self, *, include_superseded: bool = False) -> list[Article]:
        """Every article of every (current) instrument, in table order."""
        out: list[Article] = []
        for law in self.laws.values():
            if law.superseded and not include_superseded:
                continue
            out.extend(law.articles.values() if law.articles else [law.whole])
        return out

    def aliases(self) -> dict[str, str]:
        """Folded alias → canonical name (current and superseded)."""
        return dict(self._alias_index)


@lru_cache(maxsize=4)
def _load_cached(laws_dir: Path, names_path: Path) -> StatuteLibrary:
    laws: dict[str, Law] = {}
    for entry in _load_names(names_path):
        path = laws_dir / entry.file
        if not path.is_file():
            raise StatuteError(f"{names_path}: {entry.file} not found in {laws_dir}")
        laws[entry.name] = parse_law(path, entry)
    return StatuteLibrary(laws)
