"""The grammar and the vocabulary name the same words (compiler/vocabulary.py)."""

from __future__ import annotations

from polc.compiler import vocabulary as V
from polc.compiler.syntax.grammar import LISTS, get_parser, grammar_text
from polc.compiler.syntax.parser import parse


def _han(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_keyword_of_the_rules_is_in_the_vocabulary_and_back() -> None:
    literals = {t.pattern.value for t in get_parser().terminals
                if type(t.pattern).__name__ == "PatternStr" and _han(t.pattern.value)}
    assert literals == {k.value for k in V.Keyword}


def test_every_list_directive_is_replaced() -> None:
    text = grammar_text()
    assert "%vocabulary" not in text.replace("%vocabulary LIST", "")
    for name in LISTS:
        assert f"%vocabulary {name}" not in text


def test_a_longer_word_is_never_lexed_as_the_shorter_one_it_starts_with() -> None:
    # 超过 before 超, 达到 before 达, 个工作日 before 个: the alternations are longest first
    from polc.compiler.diagnostics import Diagnostics
    for word in ("超过", "达到", "不超过"):
        text = ('文号 "测试〔2024〕1号"\n输入 n "n" : 计数(人)\n'
                f'决策 d "d" (n) : 是否 推导 "t" {{ 结果 n {word} 3人 }}\n')
        tree = parse(text, "t.pol", Diagnostics())
        assert tree is not None
        words = [str(t) for t in tree.scan_values(lambda v: getattr(v, "type", "") == "WORD")]
        assert words == [word]
    tree = parse('文号 "测试〔2024〕1号"\n常量 c = 15个工作日 推导 "t"\n', "t.pol", Diagnostics())
    assert tree is not None
    assert [str(t) for t in tree.scan_values(lambda v: getattr(v, "type", "") == "UNIT")] == \
        ["个工作日"]


def test_each_threshold_word_has_one_meaning() -> None:
    assert len(V.THRESHOLD) == len(V.THRESHOLDS)
    assert set(V.THRESHOLD_EXAMPLES) <= set(V.THRESHOLD)
    assert set(V.UNIT_EXAMPLES) <= set(V.UNITS)
