"""The semantics stage on small programs: each defect reported at its place, with its code,
and what a threshold word, a unit or a 约定 means in the IR."""

from __future__ import annotations

from decimal import Decimal

from polc.compiler import ir
from polc.compiler.ir import CompareOp as C
from polc.compiler.quantities import MONEY

from .stage import HEAD, checked, codes, errors, policy


def result_compare(p: ir.Policy, name: str = "d") -> ir.Compare:
    result = p.decision(name).result
    assert isinstance(result, ir.CondE) and isinstance(result.cond, ir.Compare)
    return result.cond


def test_people_compared_with_money_is_a_unit_error() -> None:
    (e,) = errors(HEAD + '输入 n "人数" : 计数(人)\n'
                  '决策 d "d" (n) : 是否 推导 "t" {\n  结果 n 400元以上\n}\n')
    assert (e.code, e.span.line) == ("E204", 4)
    assert "人" in e.message and "元" in e.message


def test_wan_yuan_converts_exactly() -> None:
    p = policy(HEAD + '输入 m "金额" : 金额\n'
               '决策 d "d" (m) : 是否 推导 "t" { 结果 m 1.5万元以上 }\n'
               '例 d(m = 15000元) => 是 推导 "t"\n例 d(m = 14999.99元) => 否 推导 "t"\n')
    cmp = result_compare(p)
    assert isinstance(cmp.right, ir.Lit)
    assert (cmp.op, cmp.right.value, cmp.right.type.unit) == (C.GE, 15000, MONEY)
    assert [ex.args for ex in p.examples] == [(("m", 15000),), (("m", Decimal("14999.99")),)]


def test_undefined_name_suggests_the_close_one() -> None:
    (e,) = errors(HEAD + '输入 deaths "死亡" : 计数(人)\n'
                  '决策 d "d" (deaths) : 是否 推导 "t" { 结果 death 3人以上 }\n')
    assert e.code == "E110" and "did you mean 'deaths'" in e.hint


def test_duplicate_names_and_missing_citation_are_all_reported() -> None:
    got = codes(HEAD + '输入 a "a" : 计数\n输入 a "a" : 计数\n'
                '决策 d "d" (a) : 是否 { 结果 a 3以上 }\n')
    assert sorted(got) == ["E101", "E401"]


def test_threshold_word_before_number_placement() -> None:
    got = codes(HEAD + '输入 a "a" : 金额\n决策 d "d" (a) : 是否 推导 "t" { 结果 a 3元低于 }\n')
    assert got == ["E302"]


def test_two_words_that_disagree_need_a_mark() -> None:
    got = codes(HEAD + '输入 a "a" : 金额\n'
                '决策 d "d" (a) : 是否 推导 "t" { 结果 a 超过 20亿元 以上 }\n')
    assert got == ["E304"]
    marked = policy(HEAD + '输入 a "a" : 金额\n'
                    '决策 d "d" (a) : 是否 推导 "t" { 结果 a 超过 20亿元 以上（不含） }\n')
    assert result_compare(marked).op is C.GT


def test_document_convention_changes_what_yixia_means() -> None:
    body = '输入 n "n" : 计数(人)\n决策 d "d" (n) : 是否 推导 "t" { 结果 n 200人以下 }\n'
    assert result_compare(policy(HEAD + body)).op is C.LE  # 民法典: 以下 includes its number
    redefined = policy(HEAD + '约定 以下 不含本数 推导 "t"\n' + body)
    assert result_compare(redefined).op is C.LT
    assert redefined.conventions[0][:2] == ("以下", False)


def test_a_mark_overrides_the_convention() -> None:
    p = policy(HEAD + '约定 以下 不含本数 推导 "t"\n输入 n "n" : 计数(人)\n'
               '决策 d "d" (n) : 是否 推导 "t" { 结果 n 200人以下（含） }\n')
    assert result_compare(p).op is C.LE


def test_decisions_are_lowered_callee_first_but_kept_in_file_order() -> None:
    p = policy(HEAD + '输入 n "n" : 计数(人)\n'
               '决策 a "a" (n) : 计数(人) 推导 "t" { 结果 取 b + 1人 }\n'
               '决策 b "b" (n) : 计数(人) 推导 "t" { 结果 n }\n')
    assert [d.name for d in p.decisions] == ["a", "b"]
    assert p.decision("a").calls == ("b",)
    assert p.decision("a").type == ir.Type(ir.TypeKind.COUNT, p.input("n").type.unit)


def test_unused_declarations_are_warned() -> None:
    _, diags = checked(HEAD + '角色 r "某领导" 推导 "t"\n输入 n "n" : 计数\n输入 m "m" : 计数\n'
                       '常量 k "k" = 3 推导 "t"\n决策 d "d" (n) : 计数 推导 "t" { 结果 n }\n')
    assert sorted((d.code, d.span.line) for d in diags) == [("W501", 4), ("W502", 5),
                                                           ("W503", 2)]
