"""Diagram label wrapping (polc.viz.common.wrap): CJK-aware, and never splitting a word, a
number or a short bracketed group; nothing is lost or reordered."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from polc.viz.common import wrap

WORD = re.compile(r"[0-9A-Za-z_./%:+\-]+")
CLOSERS = "）》」』〕】、，。；：？！)"


def test_numbers_and_words_stay_whole() -> None:
    for width in range(2, 12):
        lines = wrap("年满1/8周岁的未成年人，参加bank_count项考核，比例3.5%以上", width).split("\n")
        for piece in ("1/8", "bank_count", "3.5%"):
            assert any(piece in line for line in lines), (width, lines)
    assert wrap("年满1/8周岁", 3).split("\n")[0] in ("年满", "年满1/8")


def test_breaks_prefer_the_end_of_a_clause() -> None:
    text = "书面报告时间最迟不得超过事发后15分钟，电话报告时间不得超过事发后10分钟。"
    assert wrap(text, 10) == "书面报告时间最迟不得\n超过事发后15分钟，\n电话报告时间不得超过\n事发后10分钟。"


def test_a_short_bracketed_type_is_not_split() -> None:
    lines = wrap("has_any_license: 持有机构编制、教育、民政、市场监管等部门颁发的证照（是否）",
                 36).split("\n")
    assert lines[-1].endswith("（是否）") and all("（是" not in x[-2:] for x in lines)


@given(st.text(alphabet="年满周岁的人员，、。；（）「」1/8.%abc_ 元万", max_size=80),
       st.integers(min_value=1, max_value=30))
def test_nothing_is_lost_and_no_line_starts_with_a_closing_mark(text: str, width: int) -> None:
    text = text.replace("\n", "")
    out = wrap(text, width)
    assert out.replace("\n", "") == text
    lines = out.split("\n")
    for before, line in itertools.pairwise(lines):
        assert not line[:1] or line[0] not in CLOSERS, (before, line)
        # a Latin word or number never runs across a break
        assert not (before[-1:] and WORD.fullmatch(before[-1]) and WORD.fullmatch(line[:1])), \
            (before, line)


def test_a_chinese_word_is_not_split() -> None:
    # the 63 flow's start event broke as 每年集中办理一 / 次
    assert wrap("年度申报（每年集中办理一次）", 12) == "年度申报（每年集中办理\n一次）"
    for width in range(4, 16):
        lines = wrap("对照问题清单形成《审计整改任务清单》，随同审计结果文书送达", width).split("\n")
        for word in ("问题", "清单", "审计", "整改", "任务", "随同", "结果", "文书", "送达"):
            assert any(word in line for line in lines), (width, lines)


def test_a_label_that_fits_needs_no_segmenter() -> None:
    # short labels, the most of them, never load the dictionary
    from polc.viz import common

    common._segmenter.cache_clear()
    assert wrap("审核认定", 12) == "审核认定"
    assert common._segmenter.cache_info().currsize == 0
