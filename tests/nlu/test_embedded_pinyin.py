"""Danger words typed in pinyin are read as characters before the safety rules are applied."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.embedded.pinyin import PinyinReader
from nlu.embedded.safety import SafetyLayer


@pytest.fixture(scope="module")
def reader() -> PinyinReader:
    return PinyinReader.build(["流血", "救命", "关起来", "不想活了", "我", "被", "了", "着火了"])


def test_a_run_of_syllables_is_read_with_the_known_words(reader: PinyinReader) -> None:
    assert reader.read("bei guan qi lai le jiu ming") == "被关起来了救命"


def test_every_reading_of_a_character_is_tried(reader: PinyinReader) -> None:
    # 血 is xue or xie; in the phrase 流血 the dictionary gives only xie.
    assert "流血" in reader.read("liu xue le")
    assert "流血" in reader.read("liu xie le")


def test_syllables_typed_joined_are_split(reader: PinyinReader) -> None:
    assert reader.read("buxianghuole") == "不想活了"


def test_joined_syllables_split_into_the_fewest(reader: PinyinReader) -> None:
    # Longest first alone reads qunian as qun + ... and gives up (round 30).
    assert reader.read("qunian liuxue le").endswith("流血了")
    assert PinyinReader.build(["去年"]).read("wo qunian") == " wo 去年"


def test_tones_typed_as_digits_are_read(reader: PinyinReader) -> None:
    # Round 40: wo3 bu4 xiang3 huo2 le, the tone after each syllable.
    assert reader.read("wo3 bu4 xiang3 huo2 le") == "我不想活了"
    assert reader.read("bei4 guan1 qi3 lai2 le jiu4 ming4") == "被关起来了救命"


@pytest.mark.parametrize("text", ["mp3 mp4 2号线", "a4 纸 b2 签证", "liu2"])
def test_a_few_digits_after_letters_are_no_tones(reader: PinyinReader, text: str) -> None:
    assert reader.read(text) == text


def test_a_word_with_a_typo_stays_and_the_rest_is_read(reader: PinyinReader) -> None:
    # Round 39: one word of a mostly pinyin run is no pinyin (a typo): it stays as typed.
    read = reader.read("woliuxuele jiuminggg bei guan qi lai le")
    assert read.startswith("我流血了") and "jiuminggg" in read and read.endswith("被关起来了")


@pytest.mark.parametrize("text", ["my hand is bleeding liuxue", "I got a tan at the beach"])
def test_a_run_mostly_of_other_words_is_left_alone(reader: PinyinReader, text: str) -> None:
    assert reader.read(text) == text


def test_unknown_syllables_stay_as_typed(reader: PinyinReader) -> None:
    read = reader.read("wo de gong zi")
    assert read.startswith("我")
    assert "gong" in read and "zi" in read


@pytest.mark.parametrize("text", ["hello boss ok", "4k", "a", "ok", "app 打不开", "我被打了"])
def test_english_and_lone_syllables_are_left_alone(reader: PinyinReader, text: str) -> None:
    assert reader.read(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_read_without_error(text: str) -> None:
    read = PinyinReader.build(["救命"]).read(text.lower())
    assert isinstance(read, str)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F).filter(str.isalpha).map(str.upper)))
def test_text_without_lower_case_latin_is_unchanged(text: str) -> None:
    # Rules see normalised (lower-case) text; nothing else is touched.
    assert PinyinReader.build(["救命"]).read(text) == text


@pytest.fixture(scope="module")
def layer() -> SafetyLayer:
    return SafetyLayer.load()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bei guan qi lai le jiu ming", "violence_confinement"),
        ("shou bei ya le hao tong liu xue", "injury"),
        ("bu xiang huo le", "self_harm"),
        ("zhao huo le kuai pao", "fire_chemical"),
    ],
)
def test_the_safety_layer_reads_pinyin_dangers(layer: SafetyLayer, text: str, kind: str) -> None:
    signal = layer.signal(text)
    assert signal is not None and signal.emergency and kind in signal.kinds


@pytest.mark.parametrize(
    "text",
    [
        "wo de gong zi mei fa zen me ban",
        "ni hao",
        "lao ban bu gei jia ban fei",
        "wo xiang si ni le",  # 我想死你了: I miss you
        "lei si le jin tian you jia ban",  # 累死了: a figure of speech
    ],
)
def test_everyday_pinyin_raises_nothing(layer: SafetyLayer, text: str) -> None:
    assert layer.signal(text) is None


@pytest.mark.parametrize(("word", "pinyin"), [("liuxuebuzhi", True), ("qwpoeiruty", False)])
def test_pinyin_run_together_is_told_from_a_keyboard_mash(
    reader: PinyinReader, word: str, pinyin: bool
) -> None:
    assert reader.is_pinyin(word) is pinyin
