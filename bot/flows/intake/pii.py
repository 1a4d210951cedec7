"""Find and mask what could identify someone in a worker's own words: phone numbers, ID
numbers and what looks like a person's name (the worker is asked before anything is masked)."""

from __future__ import annotations

import re
import threading
from functools import cache

import jieba.posseg

from handoff.places import find_places
from nlu.tokenizer import get_tokenizer

MASK = "***"
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# "我叫王小明", "名字是…", "主管刘强": a name after words that introduce one.
_NAMED = re.compile(
    r"(?:我叫|我是|名字(?:是|叫)|姓名(?:是|:|：)?|叫做)([\u4e00-\u9fff]{2,3})(?=[，。,\s的]|$)"
)
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤"
)
_lock = threading.Lock()


@cache
def _tagger() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(get_tokenizer())


def _names(text: str) -> set[str]:
    found = {m.group(1) for m in _NAMED.finditer(text)}
    with _lock:
        pairs = list(_tagger().cut(text))
    for pair in pairs:
        word, flag = pair.word, pair.flag
        if flag == "nr" and 2 <= len(word) <= 3 and word[0] in _SURNAMES and not find_places(word):
            found.add(word)  # 张家港 is tagged as a name, but it is a city
    return found


def identifying_kinds(text: str) -> list[str]:
    """Which kinds of identifying data the text seems to hold: phone, id_number, name."""
    kinds = []
    if _PHONE.search(text) or _LANDLINE.search(text):
        kinds.append("phone")
    if _ID_NUMBER.search(text):
        kinds.append("id_number")
    if _names(text):
        kinds.append("name")
    return kinds


def mask_identifying(text: str) -> str:
    """The text with phone numbers, ID numbers and names replaced by ``***``."""
    masked = _ID_NUMBER.sub(MASK, text)
    masked = _PHONE.sub(MASK, masked)
    masked = _LANDLINE.sub(MASK, masked)
    for name in sorted(_names(masked), key=len, reverse=True):
        masked = masked.replace(name, MASK)
    return masked
