"""Units a policy declares (单位): lexed wherever a built-in unit is, converted exactly to
their base, and checked like the built-in ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from polc.compiler import ir
from polc.compiler.ir import CompareOp as C
from polc.compiler.quantities import Unit

from .stage import HEAD, checked, codes, errors, policy

UNITS = ('单位 垧 = 15亩 推导 "t"\n单位 标准箱 "标准集装箱" : 计数 推导 "t"\n'
         '单位 托 = 40标准箱 推导 "t"\n单位 斤 = 0.5千克 推导 "t"\n单位 药剂 : 数量 推导 "t"\n')


def result_compares(p: ir.Policy, name: str = "d") -> list[ir.Compare]:
    result = p.decision(name).result
    assert isinstance(result, ir.CondE)
    cond = result.cond
    parts = cond.items if isinstance(cond, (ir.AndC, ir.OrC)) else (cond,)
    assert all(isinstance(c, ir.Compare) for c in parts)
    return list(parts)  # type: ignore[arg-type]


def test_a_derived_unit_converts_exactly_to_its_base() -> None:
    p = policy(HEAD + UNITS + '输入 a "面积" : 数量(亩)\n输入 w "重量" : 数量(吨)\n'
               '决策 d "d" (a, w) : 是否 推导 "t" { 结果 a 2.5垧以上 且 w 3斤以下 }\n')
    area, weight = result_compares(p)
    assert isinstance(area.right, ir.Lit) and isinstance(weight.right, ir.Lit)
    assert (area.op, area.right.value, area.right.type.unit) == (C.GE, Decimal("37.5"),
                                                                 Unit.base("亩"))
    # 3斤 = 1.5千克 = 0.0015吨, exactly: no float ever holds it
    assert (weight.op, weight.right.value, weight.right.type.unit) == \
        (C.LE, Decimal("0.0015"), Unit.base("吨"))
    assert area.text == "a 2.5垧以上（2.5垧 = 37.5亩）"


def test_a_new_dimension_and_units_of_it() -> None:
    # 托 is 40 标准箱: 2托 is 80 of them, and 元/标准箱 times 标准箱 is 元
    p = policy(HEAD + UNITS + '输入 n "箱数" : 计数(标准箱)\n'
               '决策 d "d" (n) : 是否 推导 "t" { 结果 n 2托以上 }\n'
               '决策 pay "p" (n) : 金额 推导 "t" { 结果 n × 100元/标准箱 最高 5万元 }\n'
               '例 d(n = 2托) => 是 推导 "t"\n例 d(n = 79标准箱) => 否 推导 "t"\n'
               '例 pay(n = 3标准箱) => 300元 推导 "t"\n')
    (cmp,) = result_compares(p)
    assert isinstance(cmp.right, ir.Lit)
    assert (cmp.right.value, cmp.right.type) == (80, ir.Type(ir.TypeKind.COUNT,
                                                             Unit.base("标准箱")))
    assert [ex.args for ex in p.examples] == [(("n", 80),), (("n", 79),), (("n", 3),)]
    assert p.decision("pay").type == ir.Type(ir.TypeKind.NUM, Unit.base("元"))


@pytest.mark.parametrize("cond", [
    "n 3标准箱以上5标准箱以下",       # post-words after a declared unit
    "n 在 3标准箱（含）至 5标准箱",    # 至 right after the unit
    "n 超过 3标准箱",                 # a pre-word
    "n 超过 3标准箱 且 n 低于 1托",    # 且 after the unit
    "n 在 [3标准箱, 1托)",
])
def test_a_declared_unit_never_swallows_the_word_after_it(cond: str) -> None:
    assert codes(HEAD + UNITS + '输入 n "箱数" : 计数(标准箱)\n'
                 f'决策 d "d" (n) : 是否 推导 "t" {{ 结果 {cond} }}\n') == []


def test_declared_units_are_checked_like_built_in_ones() -> None:
    found = errors(HEAD + UNITS + '输入 a "面积" : 数量(亩)\n输入 n "箱数" : 计数(标准箱)\n'
                   '决策 d "d" (a, n) : 是否 推导 "t" { 结果 a 1托以上 或 n 2垧以上 }\n')
    assert [(e.code, e.span.col) for e in found] == [("E204", 36), ("E204", 45)]
    assert "亩 与 标准箱" in found[0].message and "标准箱 与 亩" in found[1].message


def test_a_type_in_a_derived_unit_is_refused_like_万元() -> None:
    (e,) = errors(HEAD + UNITS + '输入 a "面积" : 计数(垧)\n'
                  '决策 d "d" (a) : 是否 推导 "t" { 结果 a 1垧以上 }\n')
    assert e.code == "E104" and "垧" in e.message


def test_an_unknown_unit_is_named_with_the_declarations_that_would_make_it() -> None:
    (e,) = errors(HEAD + '输入 n "箱数" : 计数(个)\n'
                  '决策 d "d" (n) : 是否 推导 "t" { 结果 n 3标准箱以上 }\n')
    assert e.code == "E143" and "'标准箱'" in e.message and (e.span.line, e.span.col) == (3, 33)
    assert "单位 标准箱 : 计数" in e.hint and "单位 标准箱 = 15亩" in e.hint


def test_a_counted_unit_takes_whole_numbers_only_in_its_base() -> None:
    # 0.5托 is 20 标准箱, a whole number; 0.01托 is 0.4 of one
    assert codes(HEAD + UNITS + '输入 n "箱数" : 计数(标准箱)\n'
                 '决策 d "d" (n) : 是否 推导 "t" { 结果 n 0.5托以上 }\n') == []
    assert codes(HEAD + UNITS + '输入 n "箱数" : 计数(标准箱)\n'
                 '决策 d "d" (n) : 是否 推导 "t" { 结果 n 0.01托以上 }\n') == ["E147"]
    # a measured unit (: 数量) takes fractions
    assert codes(HEAD + UNITS + '输入 v "药剂" : 数量(药剂)\n'
                 '决策 d "d" (v) : 是否 推导 "t" { 结果 v 0.25药剂以上 }\n') == []


def test_a_unit_declaration_owes_a_citation() -> None:
    _, diags = checked(HEAD + '单位 垧 = 15亩\n')
    assert [(d.code, d.span.line) for d in diags] == [("E401", 2)]
    assert "单位 垧" in diags[0].message


def test_a_keyword_glued_to_a_unit_is_still_a_keyword() -> None:
    # 否则 right after 万元, 且 right after 标准箱, and an item on the next line: a unit is
    # a run of Han characters that holds no word of the language
    p = policy(HEAD + UNITS + '输入 n "箱数" : 计数(标准箱)\n'
               '决策 d "d" (n) : 金额 推导 "t" { 结果 若 n 3标准箱以上且n 低于 1托 则 5万元否则0元 }\n'
               '常量 c "c" = 3标准箱\n  推导 "t"\n决策 e "e" (n) : 是否 推导 "t" { 结果 n 超过 c }\n')
    assert p.decision("d").type == ir.Type(ir.TypeKind.NUM, Unit.base("元"))
    assert [c.name for c in p.consts] == ["c"]
