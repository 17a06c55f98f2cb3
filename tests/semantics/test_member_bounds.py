"""`grade III以上`: a member of an ordered enum with the threshold word after it, read
like `grade 不低于 III` (the members it admits), by the same rules for what the word
includes: the law, the document's 约定, （含）/（不含）."""

from __future__ import annotations

import pytest

from polc.compiler import ir

from .stage import HEAD, codes, errors, policy

ENUMS = ('枚举 Grade "等级" 由重到轻 推导 "t" { I "特别重大" 推导 "t"  II "重大" 推导 "t"\n'
         '  III "较大" 推导 "t"  IV "一般" 推导 "t" }\n'
         '枚举 Gov "层级" 由低到高 推导 "t" { county "县" 推导 "t"  city "市" 推导 "t"\n'
         '  province "省" 推导 "t" }\n'
         '输入 g "等级" : Grade\n输入 v "层级" : Gov\n')


def admitted(cond: ir.Cond) -> set[str]:
    """The members a lowered enum comparison admits."""
    items = cond.items if isinstance(cond, ir.OrC) else (cond,)
    out = set()
    for c in items:
        assert isinstance(c, ir.Compare) and isinstance(c.right, ir.EnumVal)
        out.add(c.right.member)
    return out


def result(text: str, name: str = "d") -> ir.Cond:
    r = policy(HEAD + text).decision(name).result
    assert isinstance(r, ir.CondE)
    return r.cond


@pytest.mark.parametrize(("cond", "members"), [
    ("g III以上", {"I", "II", "III"}),
    ("g II以下", {"II", "III", "IV"}),
    ("g II以下（不含）", {"III", "IV"}),
    ("g III以上（不含）", {"I", "II"}),
    ("v city以上", {"city", "province"}),   # 由低到高: the last member is the top
    ("v city以下", {"county", "city"}),
])
def test_the_members_a_bound_admits(cond: str, members: set[str]) -> None:
    subject = "g" if cond.startswith("g") else "v"
    got = result(ENUMS + f'决策 d "d" ({subject}) : 是否 推导 "t" {{ 结果 {cond} }}\n')
    assert admitted(got) == members


def test_a_document_convention_decides_what_the_word_includes() -> None:
    got = result('约定 以下 不含本数 推导 "t"\n' + ENUMS +
                 '决策 d "d" (g) : 是否 推导 "t" { 结果 g II以下 }\n')
    assert admitted(got) == {"III", "IV"}


def test_the_same_as_the_word_before_the_member() -> None:
    after = result(ENUMS + '决策 d "d" (g) : 是否 推导 "t" { 结果 g III以上 }\n')
    before = result(ENUMS + '决策 d "d" (g) : 是否 推导 "t" { 结果 g 不低于 III }\n')
    assert admitted(after) == admitted(before)


def test_a_member_of_another_enum_or_no_member() -> None:
    # city is a member of Gov, not of Grade; V of neither
    assert codes(HEAD + ENUMS + '决策 d "d" (g) : 是否 推导 "t" { 结果 g city以上 }\n') == ["E203"]
    (e,) = errors(HEAD + ENUMS + '决策 d "d" (g) : 是否 推导 "t" { 结果 g V以上 }\n')
    assert (e.code, e.span.line, e.span.end_col - e.span.col) == ("E110", 8, 1)


def test_a_name_after_a_condition_is_still_the_next_row() -> None:
    # only the glued form is a bound: II after a condition starts the next 取最严重 row
    p = policy(HEAD + ENUMS + '输入 big "大" : 是否\n'
               '决策 d "d" (big, g) : Grade 推导 "t" {\n'
               '  结果 取最严重 { I 若 big 推导 "t"\n  II 若 g III以上 推导 "t"\n'
               '  否则 => IV }\n}\n')
    assert p.decision("d").type.enum == "Grade"
