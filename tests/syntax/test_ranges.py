"""How ranges and conditions as values parse: 10万元以上20万元以下 with no subject is a
range, `A 至 B` takes expressions, `x 在 r` a range value, and a row's value may be a
condition (the post-word form only in parentheses, since the next row's pattern could
start its number)."""

from __future__ import annotations

from polc.compiler.diagnostics import Diagnostics
from polc.compiler.syntax import ast as A
from polc.compiler.syntax import parse_module

HEAD = '文号 "测试〔2024〕1号"\n输入 x "x" : 金额\n输入 n "n" : 计数(人)\n'


def decision(body: str, typ: str = "范围(金额)") -> A.Decision:
    diags = Diagnostics()
    module = parse_module(
        HEAD + f'决策 d "d" (x, n) : {typ} 推导 "t" {{\n{body}\n}}\n', "t.pol", diags
    )
    assert module is not None, [str(d) for d in diags]
    (dec,) = [i for i in module.items if isinstance(i, A.Decision)]
    return dec


def test_threshold_words_with_no_subject_are_a_range() -> None:
    r = decision("结果 10万元以上20万元以下").result
    assert isinstance(r, A.RangeLit)
    assert (r.lo_word, r.hi_word) == ("以上", "以下")
    assert isinstance(r.lo, A.Quantity) and r.lo.number == "10" and r.lo.unit == "万元"


def test_a_subject_before_the_words_is_still_a_condition() -> None:
    r = decision("结果 x 10万元以上20万元以下", "是否").result
    assert isinstance(r, A.CondValue) and isinstance(r.cond, A.PostCompare)


def test_to_takes_expressions_and_marks() -> None:
    r = decision("结果 x × 40% 至 x × 80%（不含）").result
    assert isinstance(r, A.RangeLit) and r.lo_word is None
    assert isinstance(r.lo, A.BinOp) and isinstance(r.hi, A.BinOp)
    assert (r.lo_mark, r.hi_mark) == (None, "（不含）")


def test_in_a_range_value_and_in_expressions() -> None:
    r = decision("结果 x 在 取 other", "是否").result
    assert isinstance(r, A.CondValue) and isinstance(r.cond, A.InValue)
    assert isinstance(r.cond.range, A.DecisionRef)
    r = decision("结果 x 在 x × 40% 至 x × 80%", "是否").result
    assert isinstance(r, A.CondValue) and isinstance(r.cond, A.InValue)
    assert isinstance(r.cond.range, A.RangeLit)
    # two literal ends keep their old form, an interval the analysis reads directly
    r = decision("结果 x 在 1元 至 2元", "是否").result
    assert isinstance(r, A.CondValue) and isinstance(r.cond, A.InInterval)


def test_rows_rules_otherwise_and_arguments_take_conditions() -> None:
    body = (
        "结果 查表 (n) {\n  1人 => x 达到 5元 且 n ≥ 1人\n  2人 => (n 2人以上)\n"
        "  3人 => 1元以上2元以下\n  否则 => n 3人以上\n}"
    )
    table = decision(body, "是否").result
    assert isinstance(table, A.Table)
    values = [row.expr for row in table.rows]
    assert isinstance(values[0], A.CondValue) and isinstance(values[0].cond, A.And)
    assert isinstance(values[1], A.CondValue) and isinstance(values[1].cond, A.PostCompare)
    assert isinstance(values[2], A.RangeLit)
    assert table.otherwise is not None and isinstance(table.otherwise.expr, A.CondValue)
    rules = decision("结果 依次 {\n  若 n 1人以上 => x 5元以下\n  否则 => 否\n}", "是否").result
    assert isinstance(rules, A.Rules) and isinstance(rules.rows[0].expr, A.CondValue)
    call = decision("结果 较大(x 5元以下, 否)", "是否").result
    assert isinstance(call, A.Call) and isinstance(call.args[0], A.CondValue)


def test_a_bare_post_word_condition_in_a_table_row_is_a_syntax_error() -> None:
    diags = Diagnostics()
    text = HEAD + (
        '决策 d "d" (x, n) : 是否 推导 "t" {\n  结果 查表 (n) {\n'
        "    1人 => n 400人以上\n    否则 => 否\n  }\n}\n"
    )
    assert parse_module(text, "t.pol", diags) is None
    (e,) = list(diags)
    # "400人以上" is read as the next row's pattern, which then lacks its "=>"
    assert e.code == "E002" and e.span.line == 7
