"""Ordered enums (枚举 … 由重到轻 / 由低到高): comparisons in the declared order (高于,
不低于, >=) and 上一级 / 下一级, end to end: compile, evaluate, explain, diagram,
analyse, fmt, and generated code ruff/mypy clean."""

from __future__ import annotations

from pathlib import Path

from polc.compiler.pipeline import Compilation, compile_source
from polc.compiler.tools.examples import run_examples
from polc.compiler.tools.fmt import format_text

from ..generated import assert_ruff_and_mypy_clean

HERE = Path(__file__).resolve().parent / "constructs"
ENUM = ('文号 "测试〔2024〕1号"\n枚举 G "等级" {order} 推导 "t" {{\n'
        '  I "特别重大" 推导 "t"\n  II "重大" 推导 "t"\n  III "较大" 推导 "t"\n}}\n'
        '输入 g "等级" : G\n输入 n "人数" : 计数(人) 取值 [0人, ∞)\n')


def compiled(text: str) -> Compilation:
    return compile_source(text, "t.pol", verify_sources=False)


def fixture() -> Compilation:
    path = HERE / "ordered_enums.pol"
    return compile_source(path.read_text(encoding="utf-8"), "ordered_enums.pol",
                          verify_sources=False)


def test_examples_pass_and_nothing_is_reported() -> None:
    c = fixture()
    assert c.ok and list(c.diagnostics) == []
    results = run_examples(c)
    assert len(results) == 11 and all(r.passed for r in results), [r.line() for r in results]


def test_comparisons_follow_the_declared_order() -> None:
    m = fixture().module
    assert [m.report_up(grade=g) for g in ("I", "II", "III", "IV")] == [True, True, False, False]
    assert [m.serious(grade=g) for g in ("I", "III", "IV")] == [True, True, False]
    # 由低到高: the first member written is the bottom
    assert [m.at_least_city(gov=g) for g in ("county", "city", "state")] == [False, True, True]


def test_steps_and_their_ends() -> None:
    m = fixture().module
    assert m.next_level(gov="city").name == "province"
    assert m.next_level(gov="state") is None
    assert m.milder(grade="III").name == "IV" and m.milder(grade="IV") is None


def test_the_order_reverses_when_declared_mildest_first() -> None:
    base = ENUM + '决策 d "d" (g) : 是否 推导 "t" {{ 结果 g 高于 II }}\n'
    high = compiled(base.format(order="由重到轻")).module.d
    low = compiled(base.format(order="由轻到重")).module.d
    assert (high(g="I"), high(g="III")) == (True, False)
    assert (low(g="I"), low(g="III")) == (False, True)


def test_most_severe_follows_the_declared_order() -> None:
    text = ENUM.format(order="由轻到重") + (
        '决策 d "d" (n) : G 推导 "t" {\n  结果 取最严重 {\n'
        '    III 若 n 10人以上 推导 "t"\n    II 若 n 3人以上 推导 "t"\n'
        '    否则 => I 推导 "t"\n  }\n}\n')
    c = compiled(text)
    # W501: the shared header declares g, which this decision does not use
    assert c.ok and [d.code for d in c.diagnostics] == ["W501"]
    assert c.module.d(n=20).name == "III" and c.module.d(n=5).name == "II"


def test_two_values_compare_member_by_member() -> None:
    text = ENUM.format(order="由重到轻") + (
        '输入 h "等级" : G\n决策 d "d" (g, h) : 是否 推导 "t" { 结果 g > h }\n')
    d = compiled(text).module.d
    assert (d(g="I", h="II"), d(g="II", h="II"), d(g="III", h="I")) == (True, False, False)


def test_explanation_names_the_member_that_made_it_hold() -> None:
    ex = fixture().module.explain_report_up(grade="II")
    held = [s.text for s in ex.steps if s.kind == "condition" and s.result]
    assert held == ["grade 高于 III（grade 为 II）"]


def test_analysis_sees_an_unreachable_level_behind_a_comparison() -> None:
    text = ENUM.format(order="由重到轻") + (
        '决策 d "d" (g) : 金额 推导 "t" {\n  结果 依次 {\n'
        '    若 g >= III => 1元 推导 "t"\n    若 g 为 II => 2元 推导 "t"\n'
        '    否则 => 0元 推导 "t"\n  }\n}\n')
    found = [d for d in compiled(text).diagnostics if d.code != "W501"]  # n is unused
    assert [(d.code, d.span.line) for d in found] == [("W605", 12)]


def test_diagram_and_fmt() -> None:
    c = fixture()
    # 上一级 is drawn as the table it is: each member and its neighbour
    shown = c.diagrams["decision_next_level"]
    assert "county" in shown and "city" in shown and "state" in shown
    text = (HERE / "ordered_enums.pol").read_text(encoding="utf-8")
    squeezed = text.replace('"事故等级" 由重到轻', '"事故等级"   由重到轻').replace(
        "grade >= III", "grade>=III")
    once = format_text(squeezed)
    assert format_text(once) == once and compiled(once).ok


def test_generated_code_is_ruff_and_mypy_clean(tmp_path: Path) -> None:
    assert_ruff_and_mypy_clean(fixture().python, tmp_path, 'oe.py')
