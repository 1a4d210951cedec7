"""Ranking curated answers and statute articles for a question (jieba + bm25s).

Three BM25 indexes:
- *questions*: one document per way of asking (each question, the title, the keywords) → the
  best-matching phrasing of each entry;
- *content*: one document per entry with its short answer and details, a lighter second signal;
- *articles*: one document per statute article, so a question can be grounded in the law even
  where no curated entry fits.

Both queries and documents are normalised (knowledge_base.text) and expanded with the synonym
lexicon, so 炒鱿鱼 meets 辞退 and 五险一金 meets 社会保险 on either side.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import bm25s
import numpy as np
import numpy.typing as npt

from knowledge_base.answers import AnswerBook, AnswerEntry
from knowledge_base.statutes import Article, StatuteLibrary
from knowledge_base.synonyms import Lexicon, default_lexicon
from knowledge_base.text import normalize, normalize_document

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences in its regexes; without cached bytecode
    # (PYTHONDONTWRITEBYTECODE) compiling it warns on every import, and pytest's
    # warnings-as-errors would make that a SyntaxError. The warning is jieba's, not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_USER_DICT: Final = PROJECT_ROOT / "nlu" / "dictionary" / "labour_law.txt"
DEFAULT_CACHE_DIR: Final = PROJECT_ROOT / "var" / "cache"
# Bump when tokenisation changes in a way the cache key (inputs' contents) cannot see.
_TOKENS_VERSION: Final = "1"

_WORDLIKE: Final = re.compile(r"[\u4e00-\u9fff]|[a-z]{2,}")
_CJK_RUN: Final = re.compile(r"[\u4e00-\u9fff]+")
_jieba_lock = threading.Lock()

FloatArray = npt.NDArray[np.float64]


class KbTokenizer:
    """jieba (its own instance, so the NLU's tokenizer is never changed) + lexicon words."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        user_dict: Path | None = DEFAULT_USER_DICT,
        extra_words: Iterable[str] = (),
        *,
        bigrams: bool = True,
    ) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.bigrams = bigrams
        extra = sorted({*self.lexicon.words(), *extra_words})
        digest = hashlib.sha256(f"{_TOKENS_VERSION}|{bigrams}".encode())
        lex = self.lexicon
        shape = (
            [(r.pattern.pattern, r.replace) for r in lex.typos],
            [(g.terms, g.variants) for g in lex.groups],
            sorted(lex.stopwords),
            extra,
        )
        digest.update(json.dumps(shape, ensure_ascii=False).encode())
        if user_dict is not None and user_dict.is_file():
            digest.update(user_dict.read_bytes())
        #: Changes whenever anything that shapes tokens changes (for the token cache).
        self.signature = digest.hexdigest()[:16]
        self._user_dict = user_dict
        self._extra = extra
        self._jieba: jieba.Tokenizer | None = None

    def _cutter(self) -> jieba.Tokenizer:
        # jieba's dictionary takes ~0.5 s to load; with cached index tokens it is first needed
        # by the first question, so it is loaded then, once.
        with _jieba_lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                cutter = jieba.Tokenizer()
                cutter.initialize()
                if self._user_dict is not None and self._user_dict.is_file():
                    # A file object, because jieba leaves a path it opened unclosed.
                    with self._user_dict.open("rb") as handle:
                        cutter.load_userdict(handle)
                for word in self._extra:
                    cutter.add_word(word, freq=2000)
                self._jieba = cutter
            return self._jieba

    def warm_up(self) -> None:
        """Load the jieba dictionary now rather than on the first question."""
        self._cutter()

    def words(self, normalized: str) -> list[str]:
        """Informative search-mode words of already normalised text (stop words removed)."""
        stop = self.lexicon.stopwords
        return [
            w
            for w in self._cutter().cut_for_search(normalized, HMM=True)
            if w not in stop and _WORDLIKE.search(w)
        ]

    def tokens(self, text: str, *, document: bool = False) -> list[str]:
        """Tokens used by the indexes: words, CJK character bigrams and synonym expansions.

        ``document=True`` is for edited text (statutes, answers): light normalisation only.
        """
        clean = normalize_document(text) if document else normalize(text, self.lexicon)
        tokens = self.words(clean)
        if self.bigrams:
            for run in _CJK_RUN.findall(clean):
                tokens.extend(f"#{run[i : i + 2]}" for i in range(len(run) - 1))
        tokens.extend(f"={term}" for term in self.lexicon.expansions(clean))
        return tokens


class TokenCache:
    """Tokens of indexed documents kept on disk between runs (statutes take ~1 s to cut).

    Keyed by the tokenizer's signature and the text itself, so any change to a statute, an
    answer, the lexicon or the user dictionary simply misses the cache. A cache that cannot
    be read or written is ignored.
    """

    def __init__(self, tokenizer: KbTokenizer, cache_dir: Path | None) -> None:
        self.tokenizer = tokenizer
        self.path = cache_dir / f"kb_tokens_{tokenizer.signature}.json" if cache_dir else None
        self._data: dict[str, list[str]] = {}
        self._dirty = False
        if self.path is not None and self.path.is_file():
            with contextlib.suppress(OSError, ValueError):
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._data = loaded

    def tokens(self, text: str, *, document: bool) -> list[str]:
        """Cached ``KbTokenizer.tokens``."""
        key = hashlib.sha1(f"{document}|{text}".encode(), usedforsecurity=False).hexdigest()
        found = self._data.get(key)
        if found is None:
            found = self.tokenizer.tokens(text, document=document)
            self._data[key] = found
            self._dirty = True
        return found

    def save(self) -> None:
        """Write new entries back (atomically); stale cache files of other signatures go."""
        if self.path is None or not self._dirty:
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for old in self.path.parent.glob("kb_tokens_*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
            self._dirty = False


@dataclass(frozen=True, slots=True)
class EntryHit:
    """An answer entry that matches a question."""

    entry_id: str
    topic: str
    score: float
    coverage: float


@dataclass(frozen=True, slots=True)
class ArticleHit:
    """A statute article that matches a question."""

    law: str
    number: int | None
    score: float
    coverage: float


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What the indexes found for one question, best first."""

    tokens: tuple[str, ...]
    entries: tuple[EntryHit, ...]
    articles: tuple[ArticleHit, ...]
    known_share: float

    @property
    def best_entry(self) -> EntryHit | None:
        """The best entry hit, if any."""
        return self.entries[0] if self.entries else None


class _Index:
    """A bm25s index with its own document frequencies (for coverage/IDF arithmetic)."""

    def __init__(self, docs: Sequence[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(docs)
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        self.bm25.index([doc or [""] for doc in docs], show_progress=False)
        self.doc_sets = [frozenset(doc) for doc in docs]
        df: Counter[str] = Counter()
        for doc in self.doc_sets:
            df.update(doc)
        self.df = df

    def idf(self, token: str) -> float:
        """Smoothed IDF; unseen tokens get the IDF of a token seen once."""
        n = self.df.get(token, 1)
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))

    def scores(self, tokens: list[str]) -> FloatArray:
        """BM25 score of every document."""
        known = [t for t in tokens if t in self.df]
        if not known:
            return np.zeros(self.size)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float64)

    def coverage_of(self, tokens: list[str], contained: frozenset[str]) -> float:
        """IDF-weighted share of the query's distinct tokens found in ``contained``."""
        distinct = set(tokens)
        total = sum(self.idf(t) for t in distinct)
        if total <= 0:
            return 0.0
        return sum(self.idf(t) for t in distinct if t in contained) / total


def _entry_phrasings(entry: AnswerEntry) -> list[str]:
    return [entry.title, *entry.questions, " ".join(entry.keywords)]


def _article_text(article: Article) -> str:
    return f"{article.law} {article.chapter} {article.text}"


class Retriever:
    """Scores entries and articles for a question."""

    def __init__(
        self,
        book: AnswerBook,
        library: StatuteLibrary,
        tokenizer: KbTokenizer,
        *,
        content_weight: float = 1.0,
        cache_dir: Path | None = DEFAULT_CACHE_DIR,
    ) -> None:
        self.book = book
        self.library = library
        self.tokenizer = tokenizer
        self.content_weight = content_weight
        self.entries: list[AnswerEntry] = list(book.entries)
        cache = TokenCache(tokenizer, cache_dir)
        phrasing_docs: list[list[str]] = []
        self._phrasing_owner: list[int] = []
        for index, entry in enumerate(self.entries):
            for phrasing in _entry_phrasings(entry):
                if phrasing.strip():
                    phrasing_docs.append(cache.tokens(phrasing, document=False))
                    self._phrasing_owner.append(index)
        self._owner = np.asarray(self._phrasing_owner, dtype=np.int64)
        self.phrasings = _Index(phrasing_docs)
        content_docs = [
            cache.tokens(f"{e.title} {e.short} {e.details}", document=True) for e in self.entries
        ]
        self.content = _Index(content_docs)
        # Every token an entry contains anywhere, for coverage ("how much of the question
        # does this entry speak to").
        entry_sets: list[set[str]] = [set(doc) for doc in content_docs]
        for doc, owner in zip(phrasing_docs, self._phrasing_owner, strict=True):
            entry_sets[owner].update(doc)
        self._entry_sets = [frozenset(tokens) for tokens in entry_sets]
        self.articles: list[Article] = library.all_articles()
        self.article_index = _Index(
            [cache.tokens(_article_text(a), document=True) for a in self.articles]
        )
        cache.save()

    @classmethod
    def build(
        cls,
        book: AnswerBook,
        library: StatuteLibrary,
        lexicon: Lexicon | None = None,
        user_dict: Path | None = DEFAULT_USER_DICT,
        cache_dir: Path | None = DEFAULT_CACHE_DIR,
    ) -> Retriever:
        """Build the tokenizer (with law names as words) and all three indexes."""
        law_words = [alias for law in library.laws.values() for alias in (law.name, *law.aliases)]
        tokenizer = KbTokenizer(lexicon, user_dict, extra_words=law_words)
        return cls(book, library, tokenizer, cache_dir=cache_dir)

    def _entry_scores(self, tokens: list[str]) -> FloatArray:
        """Per entry: its best phrasing's score plus the weighted content score."""
        best = np.zeros(len(self.entries))
        np.maximum.at(best, self._owner, self.phrasings.scores(tokens))
        return best + self.content_weight * self.content.scores(tokens)

    def search(self, text: str, *, k_entries: int = 10, k_articles: int = 10) -> Retrieval:
        """Rank entries and articles for one question."""
        tokens = self.tokenizer.tokens(text)
        words = [t for t in tokens if not t.startswith(("#", "="))]
        concepts = [t for t in tokens if not t.startswith("#")]
        known = [t for t in words if t in self.phrasings.df or t in self.article_index.df]
        known_share = len(known) / len(words) if words else 0.0
        entry_hits: list[EntryHit] = []
        if self.entries and tokens:
            totals = self._entry_scores(tokens)
            for index in np.argsort(-totals, kind="stable")[:k_entries]:
                if totals[index] <= 0:
                    break
                entry = self.entries[int(index)]
                coverage = self.phrasings.coverage_of(concepts, self._entry_sets[int(index)])
                entry_hits.append(EntryHit(entry.id, entry.topic, float(totals[index]), coverage))
        article_hits: list[ArticleHit] = []
        if tokens:
            scores = self.article_index.scores(tokens)
            for index in np.argsort(-scores, kind="stable")[:k_articles]:
                if scores[index] <= 0:
                    break
                article = self.articles[int(index)]
                coverage = self.article_index.coverage_of(
                    concepts, self.article_index.doc_sets[int(index)]
                )
                article_hits.append(
                    ArticleHit(article.law, article.number, float(scores[index]), coverage)
                )
        return Retrieval(tuple(tokens), tuple(entry_hits), tuple(article_hits), known_share)
