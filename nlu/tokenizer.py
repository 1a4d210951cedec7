"""Text normalisation (Traditional → Simplified, full-width → half-width) and jieba tokenising.

``normalize`` keeps the length of the text, character for character, so offsets found in the
normalised text are offsets in the worker's original message too.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from math import log
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import opencc
import rjieba

with warnings.catch_warnings():
    # jieba 0.42 has invalid escape sequences in its regexes. Without cached bytecode
    # (PYTHONDONTWRITEBYTECODE) compiling it warns each time, and pytest's warnings-as-errors
    # would turn that into a SyntaxError: the warning is jieba's, not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba

PROJECT_ROOT = Path(__file__).resolve().parents[1]
_T = TypeVar("_T")


class FastTokenizer(jieba.Tokenizer):  # type: ignore[misc]
    """jieba's tokenizer with the same cuts, found with less Python work per character.

    jieba builds a graph of the dictionary words at each position (``get_DAG``) and takes the
    most probable route through it (``calc``), computing ``log(freq) - log(total)`` for every
    candidate word of every message. Here each word's weight is computed once (a word of the
    dictionary, or a single character, never a message) and the route is chosen with the same
    arithmetic in the same order, so every cut is exactly jieba's. The weights are dropped
    whenever the dictionary changes (``add_word``, ``load_userdict``, ``initialize``).
    """

    def __init__(self, dictionary: str | None = None) -> None:
        self._weights: dict[str, float] = {}
        if dictionary is None:
            super().__init__()
        else:
            super().__init__(dictionary)

    def initialize(self, dictionary: str | None = None) -> None:
        """jieba's ``initialize``; forgets the word weights."""
        self._weights = {}
        super().initialize(dictionary)

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """jieba's ``add_word`` (``load_userdict`` and ``del_word`` use it); forgets weights."""
        self._weights = {}
        super().add_word(word, freq, tag)

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802 - jieba's name
        """Per position, the ends of the dictionary words starting there (jieba's DAG)."""
        self.check_initialized()
        freq = self.FREQ
        dag: dict[int, list[int]] = {}
        length = len(sentence)
        for start in range(length):
            ends = []
            end = start
            fragment = sentence[start]
            while fragment in freq:
                if freq[fragment]:
                    ends.append(end)
                end += 1
                if end >= length:
                    break
                fragment = sentence[start : end + 1]
            dag[start] = ends or [start]
        return dag

    def calc(
        self,
        sentence: str,
        DAG: dict[int, list[int]],  # noqa: N803 - jieba's name (it is passed by keyword nowhere)
        route: dict[int, tuple[float, int]],
    ) -> None:
        """The most probable route (jieba's ``calc``: same values, same ties)."""
        length = len(sentence)
        route[length] = (0, 0)
        weights = self._weights
        freq = self.FREQ
        log_total = log(self.total)
        for start in range(length - 1, -1, -1):
            best_value = 0.0
            best_end = -1
            for end in DAG[start]:
                word = sentence[start : end + 1]
                weight = weights.get(word)
                if weight is None:
                    weight = log(freq.get(word) or 1) - log_total
                    if end == start or word in freq:
                        weights[word] = weight
                value = weight + route[end + 1][0]
                # As max() over (value, end) pairs: of equal values, the longer word wins.
                if best_end < 0 or value > best_value or (value == best_value and end > best_end):
                    best_value, best_end = value, end
            route[start] = (best_value, best_end)


# ASCII letters or digits joined by jieba's in-word punctuation ("gy-7k3p", "n+1", "6.a"):
# the one place where jieba-rs cuts differently (it keeps such a run whole where jieba
# splits it at the punctuation), so text containing one is cut by jieba itself.
_ASCII_JOINED = re.compile(r"[A-Za-z0-9][-_.+#&%]+[A-Za-z0-9]")
# A run jieba cuts on its own (its ``re_han_default``): cutting text block by block is cutting it.
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")


class WordCutter:
    """jieba's cuts, from jieba-rs (the ``rjieba`` package) where it agrees with jieba.

    jieba-rs has jieba's dictionary, route through it and HMM for unknown words, and is
    about fifteen times faster than jieba in Python (0.15 → 0.01 ms per question, search
    mode). Its one known difference (``_ASCII_JOINED``) is sent to jieba (``FastTokenizer``
    with the same words, built on first need), so every cut is jieba's; a test checks this
    on every example and question we hold and a fuzz test on made-up text. Dictionary lines
    are read as jieba reads them: ``word [freq] [tag]``.
    """

    def __init__(
        self,
        dictionaries: Iterable[Path] = (),
        extra_words: Iterable[str] = (),
        freq: int = 2000,
        *,
        jieba_itself: Callable[[], jieba.Tokenizer] | None = None,
    ) -> None:
        """``jieba_itself``: jieba with the same words, where one is kept already (else one is
        built from the same lines on first need)."""
        self._jieba = rjieba.Jieba()
        self._shared_fallback = jieba_itself
        self._lines: list[str] = []
        lines = [
            line for path in dictionaries for line in path.read_text(encoding="utf-8").splitlines()
        ]
        lines += [f"{word} {freq}" for word in extra_words]
        parsed = [parts for parts in map(_dictionary_line, lines) if parts is not None]
        # jieba adds a re-added word's new frequency to its total; jieba-rs first takes the old
        # one off. What it takes off is given back, so both weigh every route alike.
        in_main = {
            word for word, freq, _ in parsed if freq is not None and self._jieba.has_word(word)
        }
        known = dict(_main_dictionary_freqs(frozenset(in_main)))
        taken_off = 0
        for word, word_freq, tag in parsed:
            if word_freq is not None and self._jieba.has_word(word):
                taken_off += known.get(word, 0)
            if word_freq is not None:
                known[word] = word_freq
            self._jieba.add_word(word, word_freq, tag)
            self._lines.append(_line_text(word, word_freq, tag))
        if taken_off > 0:
            self._jieba.add_word(_TOTAL_BALANCE_WORD, taken_off, None)
        self._fallback: jieba.Tokenizer | None = None
        self._fallback_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load jieba for the rare text it cuts (about a second) now, not on a message."""
        self._jieba_itself()

    def _jieba_itself(self) -> jieba.Tokenizer:
        if self._shared_fallback is not None:
            return self._shared_fallback()
        with self._fallback_lock:
            if self._fallback is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = FastTokenizer()
                tokenizer.initialize()
                tokenizer.load_userdict(io.BytesIO("\n".join(self._lines).encode("utf-8")))
                self._fallback = tokenizer
            return self._fallback

    def cut(self, text: str) -> list[str]:
        """jieba's ``lcut(text, HMM=True)``: the pieces, whitespace included."""
        if not _ASCII_JOINED.search(text):
            pieces: list[str] = self._jieba.cut(text, True)
            return pieces
        parts = self._by_part(
            text, lambda part: self._jieba.cut(part, True), lambda j, part: j.lcut(part, HMM=True)
        )
        return [word for _, words in parts for word in words]

    def cut_for_search(self, text: str) -> list[str]:
        """jieba's search-mode cut (long words followed by the dictionary words inside)."""
        if not _ASCII_JOINED.search(text):
            pieces: list[str] = self._jieba.cut_for_search(text, True)
            return pieces
        parts = self._by_part(
            text,
            lambda part: self._jieba.cut_for_search(part, True),
            lambda j, part: j.cut_for_search(part, HMM=True),
        )
        return [word for _, words in parts for word in words]

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's ``tokenize``: each piece of ``cut`` with its start and end offsets."""
        if not _ASCII_JOINED.search(text):
            spans: list[tuple[str, int, int]] = self._jieba.tokenize(text, "default", True)
            return spans
        parts = self._by_part(
            text,
            lambda part: self._jieba.tokenize(part, "default", True),
            lambda j, part: j.tokenize(part, HMM=True),
        )
        return [(w, start + at, end + at) for at, found in parts for w, start, end in found]

    def _by_part(
        self,
        text: str,
        fast: Callable[[str], list[_T]],
        by_jieba: Callable[[jieba.Tokenizer, str], Iterable[_T]],
    ) -> list[tuple[int, list[_T]]]:
        """(offset, pieces) of each of :func:`_parts`, cut by jieba-rs (``fast``) or, for the
        block holding an ASCII-joined run, by jieba itself."""
        jieba_itself = self._jieba_itself()
        cut: list[tuple[int, list[_T]]] = []
        offset = 0
        for part, needs_jieba in _parts(text):
            cut.append((offset, list(by_jieba(jieba_itself, part)) if needs_jieba else fast(part)))
            offset += len(part)
        return cut


def _parts(text: str) -> list[tuple[str, bool]]:
    """``text`` in consecutive parts, each marked True when jieba itself must cut it: a jieba
    block (jieba cuts each block on its own) that holds an ASCII-joined run. Only those go to
    Python jieba; the text around them is cut by jieba-rs, fifteen times faster."""
    parts: list[tuple[str, bool]] = []
    last = 0
    for block in _JIEBA_BLOCK.finditer(text):
        if _ASCII_JOINED.search(block.group()):
            if block.start() > last:
                parts.append((text[last : block.start()], False))
            parts.append((block.group(), True))
            last = block.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


#: Never in text (Unicode private use): carries jieba-rs's total up to jieba's.
_TOTAL_BALANCE_WORD = "\U000f0000"


def _dictionary_line(line: str) -> tuple[str, int | None, str | None] | None:
    """``word [freq] [tag]`` as jieba reads a user dictionary line (None: a blank line)."""
    parts = line.strip().lstrip("\ufeff").split()
    if not parts:
        return None
    word, rest = parts[0], parts[1:]
    freq = int(rest.pop(0)) if rest and rest[0].isdigit() else None
    return word, freq, rest[0] if rest else None


def _line_text(word: str, freq: int | None, tag: str | None) -> str:
    """The dictionary line again, for jieba itself (the fallback)."""
    return " ".join([word, *([str(freq)] if freq is not None else []), *([tag] if tag else [])])


@lru_cache(maxsize=8)
def _main_dictionary_freqs(words: frozenset[str]) -> Mapping[str, int]:
    """The frequencies jieba's own dictionary gives ``words`` (read once per set of words:
    every cutter built from the same dictionaries asks for the same ones)."""
    freqs: dict[str, int] = {}
    if not words:
        return freqs
    with jieba.get_dict_file() as handle:
        for line in handle.read().decode("utf-8").splitlines():
            word, _, rest = line.partition(" ")
            if word in words:
                freq = rest.split(" ", 1)[0]
                if freq.isdigit():
                    freqs[word] = int(freq)
    return MappingProxyType(freqs)


DEFAULT_DICTIONARY_DIR = PROJECT_ROOT / "nlu" / "dictionary"

_lock = threading.Lock()
_tokenizers: dict[Path, jieba.Tokenizer] = {}
_cutters: dict[Path, WordCutter] = {}


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _fold_char(char: str) -> str:
    # NFKC turns full-width digits/letters (３０００, ｋ) into ASCII; a char that would expand
    # (e.g. ㈠ → (一)) is kept as is so the text keeps its length.
    folded = unicodedata.normalize("NFKC", char).lower()
    return folded if len(folded) == 1 else char


class _FoldTable(dict[int, str]):
    """``str.translate`` table of ``_fold_char``, filled per character on first sight.

    A parse normalises its text about a dozen times, and one Python call per character made
    that a visible part of each parse. Keyed by character, so it stays small (one entry per
    distinct character ever seen) and never holds any message text.
    """

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def normalize(text: str) -> str:
    """Simplified-Chinese, half-width, lower-case form of ``text``, with the same length."""
    folded = text.translate(_FOLD)
    converted: str = _t2s().convert(folded)
    if len(converted) == len(folded):
        return converted
    # A phrase-level conversion changed the length: fall back to one character at a time.
    return "".join(c2 if len(c2 := _t2s().convert(c)) == 1 else c for c in folded)


def _user_dictionaries(dictionary_dir: Path) -> list[Path]:
    return sorted(p for p in dictionary_dir.glob("*.txt") if p.is_file())


@lru_cache(maxsize=16)
def _resolved(directory: Path) -> Path:
    # Path.resolve() is a handful of system calls, and get_tokenizer runs several times per
    # message: about a fifth of py-spy's samples of the chat server under load.
    return directory.resolve()


def get_tokenizer(dictionary_dir: Path | None = None) -> jieba.Tokenizer:
    """A jieba tokenizer of our own (not jieba's global one) with the project user dictionary.

    Built once per dictionary directory and shared; jieba's chatty start-up log is silenced.
    """
    directory = _resolved(dictionary_dir or DEFAULT_DICTIONARY_DIR)
    with _lock:
        tokenizer = _tokenizers.get(directory)
        if tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            tokenizer = FastTokenizer()
            tokenizer.initialize()
            for path in _user_dictionaries(directory):
                # Given a path, jieba opens the file and never closes it.
                with path.open("rb") as handle:
                    tokenizer.load_userdict(handle)
            _tokenizers[directory] = tokenizer
    return tokenizer


def get_cutter(dictionary_dir: Path | None = None) -> WordCutter:
    """The fast cutter with the project user dictionary, built once per directory and shared
    (what parsing uses; ``get_tokenizer`` is jieba itself, for part-of-speech tagging)."""
    directory = _resolved(dictionary_dir or DEFAULT_DICTIONARY_DIR)
    with _lock:
        cutter = _cutters.get(directory)
        if cutter is None:
            cutter = WordCutter(
                _user_dictionaries(directory), jieba_itself=lambda: get_tokenizer(directory)
            )
            _cutters[directory] = cutter
    return cutter


def tokenize(text: str, dictionary_dir: Path | None = None) -> list[str]:
    """Normalise ``text`` and cut it into jieba words, dropping whitespace-only pieces."""
    words = get_cutter(dictionary_dir).cut(normalize(text))
    return [w for w in words if w.strip()]
