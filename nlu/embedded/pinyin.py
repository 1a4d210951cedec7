"""Reading danger words typed in pinyin (bei guan qi lai le jiu ming) as Chinese characters.

A worker without a Chinese keyboard, or in a hurry, may type pinyin without tones. The safety
rules are written in characters, so runs of pinyin syllables are rewritten with the words of
``safety.yml``'s ``pinyin_words`` list wherever their syllables match (every reading of each
character is tried: 血 is xue or xie); syllables no word matches stay as typed. Syllables typed
joined (buxianghuole) are split by the longest known syllable first. Readings come from
``pypinyin`` (MIT, its dictionary inside the package), used only when the rules are loaded.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# A run of Latin letters and the spaces or apostrophes between them (pinyin as typed).
_LATIN_RUN: Final = re.compile(r"[a-z]+(?:[\s']+[a-z]+)*")
_LATIN_WORD: Final = re.compile(r"[a-z]+")
# A syllable typed with its tone as a digit (wo3 xiang3, ta1cong2): round 40.
_TONE_DIGIT: Final = re.compile(r"(?<=[a-z])[1-5](?![0-9])")
_TONE_NUMBERED_SYLLABLE: Final = re.compile(r"(?<![a-z0-9])([a-z]{1,6})[1-5](?![0-9])")
#: At least this many tone-numbered syllables before the digits are read as tones (mp3 stays).
MIN_TONE_NUMBERED: Final = 3
# A run is read as pinyin when it holds at least this many syllables, every word splitting
# into known syllables: a lone "a" or an English word is left alone.
MIN_SYLLABLES: Final = 2
LONGEST_SYLLABLE: Final = 6  # zhuang, shuang
#: At least this share of a run's words must be pinyin for the run to be read as pinyin.
_PINYIN_SHARE_NUMERATOR: Final = 2
_PINYIN_SHARE_DENOMINATOR: Final = 3


# Tone marks off (and ü as v, as it is typed): 血 xuè → xue, 绿 lǜ → lv.
_TONELESS: Final = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ēéěèếề", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("üǖǘǚǜ", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
        "ê": "e",
        "\u0300": None,
        "\u0304": None,
        "\u030c": None,
    }
)


def _toneless(reading: str) -> str:
    return reading.translate(_TONELESS)


@functools.cache
def _all_syllables() -> frozenset[str]:
    """Every toneless syllable of Mandarin (read once per process)."""
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(
        _toneless(reading) for readings in pinyin_dict.values() for reading in readings.split(",")
    )


def _readings(word: str) -> list[tuple[str, ...]]:
    """Every toneless reading of ``word``: each character's readings alone, combined (in a
    phrase the dictionary gives one reading, 流血 liu xie, but workers type liu xue)."""
    from pypinyin import Style, pinyin

    per_char = [
        sorted({_toneless(r) for r in pinyin(char, style=Style.TONE, heteronym=True)[0]})
        for char in word
    ]
    return list(itertools.product(*per_char))


@dataclass(frozen=True, slots=True)
class PinyinReader:
    """Rewrites pinyin runs with known words; built once from the rule file's word list."""

    words: dict[tuple[str, ...], str]
    syllables: frozenset[str]
    longest: int

    @classmethod
    def build(cls, words: Iterable[str]) -> PinyinReader:
        """A reader for ``words`` (Chinese characters), every reading of each."""
        table: dict[tuple[str, ...], str] = {}
        for word in words:
            for reading in _readings(word):
                table.setdefault(reading, word)
        longest = max((len(key) for key in table), default=0)
        return cls(table, _all_syllables(), longest)

    def is_pinyin(self, word: str) -> bool:
        """Whether ``word`` (lower-case letters) is Mandarin syllables run together (wodeshou),
        not a keyboard mash (qwpoeiruty)."""
        return self._split(word) is not None

    def read(self, text: str) -> str:
        """``text`` with its pinyin runs rewritten (the same text when there is none)."""
        if not self.words:
            return text
        return _LATIN_RUN.sub(self._rewrite_run, self._without_tone_digits(text))

    def _without_tone_digits(self, text: str) -> str:
        """``text`` with tone digits dropped where several syllables carry one (wo3 xian4 zai4)."""
        numbered = _TONE_NUMBERED_SYLLABLE.findall(text)
        syllables = sum(syllable in self.syllables for syllable in numbered)
        return _TONE_DIGIT.sub("", text) if syllables >= MIN_TONE_NUMBERED else text

    def _rewrite_run(self, match: re.Match[str]) -> str:
        run = match.group(0)
        latin = _LATIN_WORD.findall(run)
        splits = [self._split(word) for word in latin]
        # A word that is no pinyin (a typo: buranghchuqu) stays as typed when most of the run
        # is pinyin (round 39); a run mostly of other words (English) is left alone.
        pinyin_words = sum(split is not None for split in splits)
        if pinyin_words * _PINYIN_SHARE_DENOMINATOR < len(latin) * _PINYIN_SHARE_NUMERATOR:
            return run
        if sum(len(split) for split in splits if split is not None) < MIN_SYLLABLES:
            return run
        out: list[str] = []
        syllables: list[str] = []
        for word, split in zip(latin, splits, strict=True):
            if split is None:
                out.append(self._words_of(syllables))
                out.append(f" {word} ")
                syllables = []
            else:
                syllables += split
        out.append(self._words_of(syllables))
        return "".join(out)

    def _words_of(self, syllables: list[str]) -> str:
        """Syllables read as the longest known words, the rest kept as syllables."""
        out: list[str] = []
        i = 0
        while i < len(syllables):
            for size in range(min(self.longest, len(syllables) - i), 0, -1):
                word = self.words.get(tuple(syllables[i : i + size]))
                if word is not None:
                    out.append(word)
                    i += size
                    break
            else:
                out.append(f" {syllables[i]} ")
                i += 1
        return "".join(out)

    def _split(self, word: str) -> list[str] | None:
        """``word`` as the fewest known syllables, the longest first where several splits are
        as short (None: not pinyin). Longest first alone fails on qunian (qun + ian)."""
        size = len(word)
        # fewest[i]: the fewest syllables word[i:] splits into (None: it does not split).
        fewest: list[int | None] = [None] * size + [0]
        for start in range(size - 1, -1, -1):
            counts = [
                rest + 1
                for end in range(start + 1, min(start + LONGEST_SYLLABLE, size) + 1)
                if word[start:end] in self.syllables and (rest := fewest[end]) is not None
            ]
            fewest[start] = min(counts, default=None)
        if fewest[0] is None:
            return None
        parts: list[str] = []
        start = 0
        while start < size:
            for end in range(min(start + LONGEST_SYLLABLE, size), start, -1):
                rest = fewest[end]
                known = word[start:end] in self.syllables
                if known and rest is not None and rest + 1 == fewest[start]:
                    parts.append(word[start:end])
                    start = end
                    break
        return parts
