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
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple

import bm25s
import numpy as np
import numpy.typing as npt

from knowledge_base.answers import AnswerBook, AnswerEntry
from knowledge_base.statutes import Article, StatuteLibrary
from knowledge_base.synonyms import Lexicon, default_lexicon, normalize
from knowledge_base.text import normalize_document
from nlu.tokenizer import WordCutter

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_USER_DICT: Final = PROJECT_ROOT / "nlu" / "dictionary" / "labour_law.txt"
DEFAULT_CACHE_DIR: Final = PROJECT_ROOT / "var" / "cache"
# Bump when tokenisation changes in a way the cache key (inputs' contents) cannot see.
_TOKENS_VERSION: Final = "3"  # 2: cut by jieba-rs; 3: its total as jieba's

_WORDLIKE: Final = re.compile(r"[\u4e00-\u9fff]|[a-z]{2,}")
# Every two CJK characters in a row (overlapping: a lookahead), left to right.
_CJK_BIGRAM: Final = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
_cutter_lock = threading.Lock()

FloatArray = npt.NDArray[np.float64]


class KbTokenizer:
    """jieba's cuts (jieba-rs, its own instance, so the NLU's is never changed) + lexicon words."""

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
        self._word_cutter: WordCutter | None = None

    def _cutter(self) -> WordCutter:
        # Built on first need: with cached index tokens that is the first question.
        with _cutter_lock:
            if self._word_cutter is None:
                dictionaries = [self._user_dict] if self._user_dict is not None else []
                self._word_cutter = WordCutter(
                    [path for path in dictionaries if path.is_file()], self._extra, freq=2000
                )
            return self._word_cutter

    def warm_up(self) -> None:
        """Build the word cutter (and jieba, for the rare text it cuts) now rather than on
        the first question."""
        self._cutter().warm_up()

    def words(self, normalized: str) -> list[str]:
        """Informative search-mode words of already normalised text (stop words removed)."""
        stop = self.lexicon.stopwords
        wordlike = _WORDLIKE.search
        cutter = self._word_cutter
        if cutter is None:  # built once: the lock is only needed until then
            cutter = self._cutter()
        return [w for w in cutter.cut_for_search(normalized) if w not in stop and wordlike(w)]

    def tokens(self, text: str, *, document: bool = False) -> list[str]:
        """Tokens used by the indexes: words, CJK character bigrams and synonym expansions.

        ``document=True`` is for edited text (statutes, answers): light normalisation only.
        """
        clean = normalize_document(text) if document else normalize(text, self.lexicon)
        return self.tokens_of_normalized(clean)

    def tokens_of_normalized(self, clean: str) -> list[str]:
        """``tokens`` of text that is already normalised."""
        tokens = self.words(clean)
        if self.bigrams:
            tokens.extend(["#" + bigram for bigram in _CJK_BIGRAM.findall(clean)])
        tokens.extend(self.expansions(clean))
        return tokens

    def expansions(self, clean: str) -> list[str]:
        """The synonym expansions of normalised text, as tokens (``=`` and the term)."""
        return [f"={term}" for term in self.lexicon.expansions(clean)]


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


class EntryHit(NamedTuple):
    """An answer entry that matches a question (a named tuple: a search makes dozens)."""

    entry_id: str
    topic: str
    score: float
    coverage: float


class ArticleHit(NamedTuple):
    """A statute article that matches a question (a named tuple, like :class:`EntryHit`)."""

    law: str
    number: int | None
    score: float
    coverage: float


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What the indexes found for one question, best first."""

    #: The question's words, then its synonym expansions ("=…"): its tokens but the bigrams.
    concepts: tuple[str, ...]
    entries: tuple[EntryHit, ...]
    articles: tuple[ArticleHit, ...]
    known_share: float
    #: The question after normalisation (knowledge_base.synonyms.normalize).
    text: str = ""
    #: Whether the question was also matched by its CJK character bigrams.
    bigrams: bool = True

    @property
    def tokens(self) -> tuple[str, ...]:
        """Every token the question was matched by, as ``KbTokenizer.tokens`` cuts it (the
        bigrams are matched as ids and only spelled out here, when asked)."""
        words = [t for t in self.concepts if t[0] != "="]
        expansions = self.concepts[len(words) :]
        bigrams = ["#" + b for b in _CJK_BIGRAM.findall(self.text)] if self.bigrams else []
        return (*words, *bigrams, *expansions)

    @property
    def best_entry(self) -> EntryHit | None:
        """The best entry hit, if any."""
        return self.entries[0] if self.entries else None


IntArray = npt.NDArray[np.int64]
_Triples = tuple[IntArray, IntArray, FloatArray]

# What a vocabulary term is, by its token (``KbTokenizer.tokens_of_normalized``): a CJK
# bigram ("#…"), a synonym expansion ("=…") or a word, and whether some index's phrasings
# or articles contain that word. Non-zero kinds are the question's concepts (coverage).
_BIGRAM: Final = 0
_EXPANSION: Final = 1
_WORD: Final = 2
_KNOWN_WORD: Final = 3


def _term_kind(token: str, known: bool) -> int:
    """``_BIGRAM``, ``_EXPANSION``, ``_WORD`` or ``_KNOWN_WORD`` for a vocabulary token."""
    if token[0] == "#":
        return _BIGRAM
    if token[0] == "=":
        return _EXPANSION
    return _KNOWN_WORD if known else _WORD


def _smoothed_idf(df: int | npt.NDArray[np.int64], size: int) -> FloatArray:
    """BM25's smoothed IDF (the same formula bm25s uses for its weights)."""
    return np.log(1.0 + (size - np.asarray(df, dtype=np.float64) + 0.5) / (df + 0.5))


class _Postings:
    """Per-key posting lists (key → documents, one value each), summed per query at once.

    The layout is compressed by key (like a CSC matrix with keys as columns), so a query
    gathers its keys' postings with a handful of numpy calls instead of a loop per key.
    """

    def __init__(
        self, terms: IntArray, docs: IntArray, values: FloatArray, shape: tuple[int, int]
    ) -> None:
        n_terms, self.n_docs = shape
        order = np.argsort(terms, kind="stable")
        self.docs = docs[order]
        self.values = values[order]
        self.lengths = np.bincount(terms, minlength=n_terms).astype(np.int64)
        self.indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.indptr[1:])

    @classmethod
    def stack(cls, parts: Sequence[_Triples], shape: tuple[int, int]) -> _Postings:
        """Postings from several (keys, documents, values) parts over the same key space."""
        terms, docs, values = (np.concatenate(column) for column in zip(*parts, strict=True))
        return cls(terms, docs, values, shape)

    def sums(self, term_ids: IntArray) -> FloatArray:
        """Per document: the sum of its values over ``term_ids`` (repeats count again).

        Each document's values are added in the order of ``term_ids``.
        """
        lengths = self.lengths[term_ids]
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(ends) else 0
        if total == 0:
            return np.zeros(self.n_docs)
        # Positions of every posting of every query key, without a Python loop.
        positions = np.repeat(self.indptr[term_ids] - (ends - lengths), lengths)
        positions += np.arange(total)
        sums = np.bincount(
            self.docs.take(positions), self.values.take(positions), minlength=self.n_docs
        )
        return sums.astype(np.float64, copy=False)


class _Block:
    """One group of documents in the shared matrices: where it starts and its own IDF."""

    def __init__(self, docs: Sequence[list[str]], offset: int, vocab: dict[str, int]) -> None:
        self.size = len(docs)
        self.offset = offset
        self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self.bm25.index([doc or [""] for doc in docs], show_progress=False)
        df = np.zeros(len(vocab), dtype=np.int64)
        for doc in docs:
            df[[vocab[t] for t in set(doc)]] += 1
        self.present = df > 0
        #: IDF per term id; a term the block never saw weighs as one seen once.
        self.idf = _smoothed_idf(np.maximum(df, 1), self.size)
        self.unseen_idf = float(_smoothed_idf(1, self.size))

    def weight_postings(self, vocab: dict[str, int]) -> _Triples:
        """bm25s's precomputed (term, document, weight) triples in shared term ids."""
        scores = self.bm25.scores
        counts = np.diff(scores["indptr"])
        # bm25s lists its "" placeholder in the vocabulary even when no posting uses it.
        local_to_shared = np.full(len(counts), -1, dtype=np.int64)
        for token, local in self.bm25.vocab_dict.items():
            if local < len(counts):
                local_to_shared[local] = vocab.get(token, -1)
        terms = np.repeat(local_to_shared, counts)
        docs = np.asarray(scores["indices"], dtype=np.int64) + self.offset
        keep = terms >= 0  # the "" placeholder of empty documents
        values = np.asarray(scores["data"], dtype=np.float64)
        return terms[keep], docs[keep], values[keep]


def _membership(
    doc_sets: Sequence[Iterable[str]], vocab: dict[str, int], idf: FloatArray, offset: int
) -> _Triples:
    """(term, document, IDF of the term) for every distinct term of every document."""
    terms: list[int] = []
    docs: list[int] = []
    for index, tokens in enumerate(doc_sets):
        ids = sorted({vocab[t] for t in tokens})
        terms += ids
        docs += [index + offset] * len(ids)
    term_array = np.asarray(terms, dtype=np.int64)
    return term_array, np.asarray(docs, dtype=np.int64), idf[term_array]


def _entry_phrasings(entry: AnswerEntry) -> list[str]:
    return [entry.title, *entry.questions, " ".join(entry.keywords)]


def _article_text(article: Article) -> str:
    return f"{article.law} {article.chapter} {article.text}"


class Retriever:
    """Scores entries and articles for a question.

    Everything that does not depend on the question is computed once here: one vocabulary
    for all three indexes, their BM25 weights as one term-major posting matrix, every entry's
    and article's token set with IDF weights (for coverage), and where each entry's
    phrasings start. A question is then a few numpy gathers.
    """

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
        # (id, topic) per entry: ``AnswerEntry.topic`` splits the id on every call.
        self._entry_keys = _labels([(entry.id, entry.topic) for entry in self.entries])
        self.articles: list[Article] = library.all_articles()
        self._article_keys = _labels([(a.law, a.number) for a in self.articles])
        cache = TokenCache(tokenizer, cache_dir)
        phrasing_docs: list[list[str]] = []
        starts: list[int] = []
        for entry in self.entries:
            starts.append(len(phrasing_docs))
            phrasing_docs += [
                cache.tokens(phrasing, document=False)
                for phrasing in _entry_phrasings(entry)
                if phrasing.strip()
            ]
        content_docs = [
            cache.tokens(f"{e.title} {e.short} {e.details}", document=True) for e in self.entries
        ]
        article_docs = [cache.tokens(_article_text(a), document=True) for a in self.articles]
        cache.save()
        self._build(phrasing_docs, starts, content_docs, article_docs)

    def _build(
        self,
        phrasing_docs: list[list[str]],
        starts: list[int],
        content_docs: list[list[str]],
        article_docs: list[list[str]],
    ) -> None:
        vocab: dict[str, int] = {}
        for doc in (*phrasing_docs, *content_docs, *article_docs):
            for token in doc:
                vocab.setdefault(token, len(vocab))
        self._vocab = vocab
        self.phrasings = _Block(phrasing_docs, 0, vocab)
        self.content = _Block(content_docs, len(phrasing_docs), vocab)
        self.article_block = _Block(article_docs, len(phrasing_docs) + len(content_docs), vocab)
        blocks = (self.phrasings, self.content, self.article_block)
        n_scored = sum(block.size for block in blocks)
        # An entry's phrasings are consecutive (``starts``), so its best one is a reduceat.
        self._phrasing_starts = np.asarray(starts, dtype=np.int64)
        # Every token an entry contains anywhere, for coverage ("how much of the question
        # does this entry speak to"), weighted by the phrasings' IDF; articles by their own.
        entry_sets: list[set[str]] = [set(doc) for doc in content_docs]
        bounds = [*starts, len(phrasing_docs)]
        for index, entry_tokens in enumerate(entry_sets):
            for doc in phrasing_docs[bounds[index] : bounds[index + 1]]:
                entry_tokens.update(doc)
        n_entries = len(entry_sets)
        entry_part = _membership(entry_sets, vocab, self.phrasings.idf, 0)
        article_part = _membership(article_docs, vocab, self.article_block.idf, n_entries)
        # One posting matrix for both sums a question needs, so they are one gather: key
        # 2·term holds the term's BM25 weights (documents 0 … n_scored: phrasings, content,
        # articles), key 2·term + 1 its coverage IDF (entries, then articles, after those).
        self._postings = _Postings.stack(
            [
                *(_keyed(block.weight_postings(vocab), 0, 0) for block in blocks),
                _keyed(entry_part, 1, n_scored),
                _keyed(article_part, 1, n_scored),
            ],
            shape=(2 * len(vocab), n_scored + n_entries + len(article_docs)),
        )
        self._entry_coverage = slice(n_scored, n_scored + n_entries)
        self._article_coverage = slice(
            n_scored + n_entries, n_scored + n_entries + len(article_docs)
        )
        self._bigram_ids = _BigramIds(vocab)
        known = (self.phrasings.present | self.article_block.present).tolist()
        # Python lists: indexing them per token is several times cheaper than numpy arrays.
        self._term_kinds: list[int] = [
            _term_kind(token, known[term]) for token, term in vocab.items()
        ]

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

    def search(self, text: str, *, k_entries: int = 10, k_articles: int = 10) -> Retrieval:
        """Rank entries and articles for one question."""
        clean = normalize(text, self.tokenizer.lexicon)
        # Cut exactly as the indexed phrasings were (jieba's guessing of unknown words
        # included), so a question and a phrasing that share a word share its token.
        words = self.tokenizer.words(clean)
        bigram_ids = self._bigram_ids(clean) if self.tokenizer.bigrams else _NO_IDS
        parts = _QuestionParts(words, bigram_ids, self.tokenizer.expansions(clean))
        return self._ranked(clean, parts, k_entries, k_articles)

    def rank(
        self, clean: str, tokens: list[str], *, k_entries: int = 10, k_articles: int = 10
    ) -> Retrieval:
        """Rank entries and articles for a question already normalised and cut into tokens
        (``KbTokenizer.tokens_of_normalized``: words, bigrams, expansions)."""
        bigrams = [self._vocab.get(token) for token in tokens if token[0] == "#"]
        parts = _QuestionParts(
            [token for token in tokens if token[0] not in "#="],
            np.array([term for term in bigrams if term is not None], dtype=np.int64),
            [token for token in tokens if token[0] == "="],
        )
        return self._ranked(clean, parts, k_entries, k_articles)

    def _ranked(
        self, clean: str, parts: _QuestionParts, k_entries: int, k_articles: int
    ) -> Retrieval:
        concepts = (*parts.words, *parts.expansions)
        bigrams = self.tokenizer.bigrams
        query = self._question_terms(parts)
        if not len(query.keys):
            return Retrieval(concepts, (), (), query.known_share, clean, bigrams)
        sums = self._postings.sums(query.keys)
        entry_hits = self._entry_hits(sums, query, k_entries)
        article_hits = self._article_hits(sums, query, k_articles)
        return Retrieval(concepts, entry_hits, article_hits, query.known_share, clean, bigrams)

    def _question_terms(self, parts: _QuestionParts) -> _Query:
        """The question's posting keys: every indexed token's weights (repeats count again:
        words, bigrams, expansions, in that order), then the distinct concepts' coverage (words
        and synonym expansions, not bigrams); with the number of concepts no index knows and
        the share of words some index knows."""
        get = self._vocab.get
        word_ids = [term for term in map(get, parts.words) if term is not None]
        expansion_ids = [term for term in map(get, parts.expansions) if term is not None]
        concepts = list(dict.fromkeys(word_ids + expansion_ids))
        known = list(map(self._term_kinds.__getitem__, word_ids)).count(_KNOWN_WORD)
        unseen: set[str] = set()
        if len(word_ids) < len(parts.words) or len(expansion_ids) < len(parts.expansions):
            unseen.update(t for t in (*parts.words, *parts.expansions) if t not in self._vocab)
        n_words = len(parts.words)
        keys = np.concatenate(
            (
                np.array(word_ids, dtype=np.int64),
                parts.bigram_ids,
                np.array(expansion_ids + concepts, dtype=np.int64),
            )
        )
        keys *= 2
        keys[len(keys) - len(concepts) :] += 1
        return _Query(
            keys,
            np.array(concepts, dtype=np.int64),
            len(unseen),
            known / n_words if n_words else 0.0,
        )

    @staticmethod
    def _concept_weight(block: _Block, query: _Query) -> float:
        """IDF mass of the question's distinct concepts in one block (coverage denominator)."""
        return float(block.idf[query.concept_ids].sum()) + query.unseen * block.unseen_idf

    def _entry_hits(self, sums: FloatArray, query: _Query, k: int) -> tuple[EntryHit, ...]:
        """The ``k`` best entries: best phrasing plus weighted content, with coverage."""
        best = np.maximum.reduceat(sums[: self.phrasings.size], self._phrasing_starts)
        content = sums[self.content.offset : self.content.offset + self.content.size]
        totals = best + self.content_weight * content
        denominator = self._concept_weight(self.phrasings, query)
        rows = _best(totals, sums[self._entry_coverage], denominator, k, self._entry_keys)
        return tuple(map(EntryHit._make, rows))

    def _article_hits(self, sums: FloatArray, query: _Query, k: int) -> tuple[ArticleHit, ...]:
        """The ``k`` best statute articles, with coverage."""
        block = self.article_block
        scores = sums[block.offset : block.offset + block.size]
        denominator = self._concept_weight(block, query)
        rows = _best(scores, sums[self._article_coverage], denominator, k, self._article_keys)
        return tuple(map(ArticleHit._make, rows))


class _QuestionParts(NamedTuple):
    """A normalised question cut as the indexes were: its words, the vocabulary ids of its
    CJK bigrams (found with numpy: ``_BigramIds``), its synonym expansions ("=…")."""

    words: list[str]
    bigram_ids: IntArray
    expansions: list[str]


_NO_IDS: Final[IntArray] = np.zeros(0, dtype=np.int64)
_CJK_FIRST: Final = 0x4E00
_CJK_SPAN: Final = 0x9FFF - 0x4E00 + 1  # [\u4e00-\u9fff], as _CJK_BIGRAM


class _BigramIds:
    """The vocabulary ids of a text's CJK character bigrams (those the indexes hold), left to
    right: what looking up ``"#" + bigram`` for each of ``_CJK_BIGRAM.findall`` gives, with a
    few numpy calls instead of a string and a dictionary lookup per bigram (a long
    question's bigrams are most of its tokens)."""

    def __init__(self, vocab: dict[str, int]) -> None:
        pairs = sorted(
            (code, term)
            for token, term in vocab.items()
            if (code := _bigram_code(token)) is not None
        )
        self._codes = np.array([code for code, _ in pairs], dtype=np.int64)
        self._ids = np.array([term for _, term in pairs], dtype=np.int64)

    def __call__(self, clean: str) -> IntArray:
        """Ids of the bigrams of ``clean`` that the vocabulary holds, in text order."""
        if not len(self._codes) or len(clean) < 2:
            return _NO_IDS
        points = np.frombuffer(clean.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        offsets = points.astype(np.int64) - _CJK_FIRST
        cjk = (offsets >= 0) & (offsets < _CJK_SPAN)
        pair = cjk[:-1] & cjk[1:]
        codes = offsets[:-1][pair] * _CJK_SPAN + offsets[1:][pair]
        at = np.searchsorted(self._codes, codes)
        at[at == len(self._codes)] = 0
        held = self._codes[at] == codes
        found: IntArray = self._ids[at[held]]
        return found


def _bigram_code(token: str) -> int | None:
    """A bigram token's ("#" and two CJK characters) number, or None for other tokens."""
    if len(token) != 3 or token[0] != "#":
        return None
    first, second = ord(token[1]) - _CJK_FIRST, ord(token[2]) - _CJK_FIRST
    if not (0 <= first < _CJK_SPAN and 0 <= second < _CJK_SPAN):
        return None
    return first * _CJK_SPAN + second


class _Query(NamedTuple):
    """What ranking needs of a question's tokens (``Retriever._question_terms``)."""

    #: Posting keys: 2·term per indexed token, then 2·term + 1 per distinct concept.
    keys: IntArray
    concept_ids: IntArray
    #: How many distinct concepts (words, expansions) no index knows.
    unseen: int
    known_share: float


def _keyed(part: _Triples, kind: int, offset: int) -> _Triples:
    """(term, document, value) triples as (2·term + kind, document + offset, value)."""
    terms, docs, values = part
    return 2 * terms + kind, docs + offset, values


ObjectArray = npt.NDArray[np.object_]


def _labels(keys: Sequence[tuple[object, object]]) -> tuple[ObjectArray, ObjectArray]:
    """Documents' two-part keys ((id, topic) or (law, number)) as two object arrays, so the
    best documents' keys are two gathers."""
    first, second = (np.empty(len(keys), dtype=object) for _ in range(2))
    first[:] = [key[0] for key in keys]
    second[:] = [key[1] for key in keys]
    return first, second


def _best(
    scores: FloatArray,
    covered: FloatArray,
    denominator: float,
    k: int,
    labels: tuple[ObjectArray, ObjectArray],
) -> Iterator[tuple[Any, Any, float, float]]:
    """(*label, score, coverage) of the ``k`` best documents, best first."""
    top = _top(scores, k)
    # Clipped: the two IDF sums add the same terms in different orders (1.0000000000000002).
    shares = (
        np.minimum(covered[top] / denominator, 1.0).tolist()
        if denominator > 0
        else [0.0] * len(top)
    )
    first, second = labels
    return zip(first[top].tolist(), second[top].tolist(), scores[top].tolist(), shares, strict=True)


def _top(scores: FloatArray, k: int) -> IntArray:
    """Indexes of the ``k`` best positive scores, best first (ties: lower index first)."""
    if k <= 0 or not len(scores):
        return np.zeros(0, dtype=np.int64)
    # Scores below 1e-300 never count (unless every document may: then any positive one).
    candidates = np.flatnonzero(scores >= 1e-300 if k < len(scores) else scores > 0)
    values = scores[candidates]
    if len(candidates) > 8 * k + 256:
        # Only the candidates at or above the k-th score need sorting (a few hundred sort
        # faster than they partition). Partitioning the positive scores alone: numpy's
        # partition is slow on the many ties at zero.
        kth = np.partition(values, len(values) - k)[len(values) - k]
        keep = np.flatnonzero(values >= kth)
        candidates, values = candidates[keep], values[keep]
    order = np.argsort(-values, kind="stable")
    return candidates[order[:k]]
