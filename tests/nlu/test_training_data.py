"""Reading Rasa YAML training data (nlu/training_data.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge_base.topics import TOPICS, intent_for_topic
from nlu.settings import PROJECT_ROOT
from nlu.training_data import (
    TrainingDataError,
    content_hash,
    load_training_data,
    parse_annotated,
)
from tests.nlu.conftest import SMALL_DATA_DIR


@pytest.mark.parametrize(
    ("annotated", "plain", "entities"),
    [
        ("干了[三个月]{\"entity\": \"duration\", \"value\": \"3\"}没发",
         "干了三个月没发", [("duration", "3", 2, 5, "三个月")]),
        ("在[东莞](city)上班", "在东莞上班", [("city", "东莞", 1, 3, "东莞")]),
        ("加班[80小时](hours:80)", "加班80小时", [("hours", "80", 2, 6, "80小时")]),
        ("[深圳](city)月薪[3k5]{\"entity\": \"money\", \"value\": 3500}",
         "深圳月薪3k5", [("city", "深圳", 0, 2, "深圳"), ("money", 3500, 4, 7, "3k5")]),
        ("没有标注的句子", "没有标注的句子", []),
    ],
)  # fmt: skip
def test_parse_annotated_strips_markup_and_keeps_offsets(
    annotated: str, plain: str, entities: list[tuple[object, ...]]
) -> None:
    text, found = parse_annotated(annotated)
    assert text == plain
    assert [(e.entity, e.value, e.start, e.end, e.text) for e in found] == entities
    assert all(text[e.start : e.end] == e.text for e in found)


def test_bad_json_annotation_names_the_problem() -> None:
    with pytest.raises(TrainingDataError, match="bad entity annotation"):
        parse_annotated('[三个月]{"entity": duration}')


def test_small_fixture_loads_everything() -> None:
    data = load_training_data(SMALL_DATA_DIR)
    assert data.intents == ["ask_overtime", "ask_wages_arrears", "calc_min_wage", "greet"]
    assert len(data.examples) == 16
    assert data.lookups == {"city": ["深圳", "东莞"], "province": ["广东", "湖南"]}
    assert data.regexes == {"employer": ["富[士土]康"]}
    # Synonym blocks, and annotations whose value differs from their text (as Rasa learns them).
    assert data.synonyms["鹏城"] == "深圳"
    assert data.synonyms["廣東"] == "广东"
    assert data.synonyms["深圳市"] == "深圳"
    assert data.entity_names == ["city", "duration", "hours", "money", "province"]
    listed = [e for e in data.examples if e.intent == "calc_min_wage"]
    assert [e.text for e in listed][:2] == ["深圳市最低工资多少", "广东最低工资标准"]


def test_example_lines_must_be_list_items(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    你好\n', encoding="utf-8"
    )
    with pytest.raises(TrainingDataError, match=r"bad\.yml item 1: example line must start"):
        load_training_data(tmp_path)


def test_invalid_yaml_and_missing_directory(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("nlu: [\n", encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"broken\.yml: invalid YAML"):
        load_training_data(tmp_path)
    with pytest.raises(TrainingDataError, match="not found"):
        load_training_data(tmp_path / "missing")


def test_content_hash_follows_content(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(SMALL_DATA_DIR, copy)
    before = content_hash([copy])
    assert content_hash([copy]) == before
    assert content_hash([SMALL_DATA_DIR]) == before  # names are relative: location does not count
    with (copy / "intents.yml").open("a", encoding="utf-8") as handle:
        handle.write("    - 加班不给钱\n")
    after_edit = content_hash([copy])
    assert after_edit != before
    (copy / ".hidden.yml").write_text("ignored", encoding="utf-8")
    assert content_hash([copy]) == after_edit


def test_real_data_covers_every_topic() -> None:
    data = load_training_data(PROJECT_ROOT / "nlu" / "data")
    missing = {intent_for_topic(t) for t in TOPICS} - set(data.intents)
    assert missing == set()
    for example in data.examples:
        for entity in example.entities:
            assert example.text[entity.start : entity.end] == entity.text
