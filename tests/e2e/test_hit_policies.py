"""Table hit policies (查表 按首条 / 按全部 / 按合计 / 按最大 / 按最小), end to end:
compile, evaluate, explain, diagram, analyse, fmt, and generated code ruff/mypy clean."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from polc.compiler.pipeline import Compilation, compile_source
from polc.compiler.tools.examples import run_examples
from polc.compiler.tools.fmt import format_text

from ..generated import assert_ruff_and_mypy_clean

HERE = Path(__file__).resolve().parent / "constructs"
HEAD = '文号 "测试〔2024〕1号"\n输入 n "人数" : 计数(人) 取值 [0人, ∞)\n'


def compiled(text: str) -> Compilation:
    return compile_source(text, "t.pol", verify_sources=False)


def codes(text: str) -> list[str]:
    return [d.code for d in compiled(text).diagnostics]


def fixture() -> Compilation:
    path = HERE / "hit_policies.pol"
    return compile_source(path.read_text(encoding="utf-8"), "hit_policies.pol",
                          verify_sources=False)


def test_examples_pass_and_nothing_is_reported() -> None:
    c = fixture()
    assert c.ok and list(c.diagnostics) == []
    results = run_examples(c)
    assert len(results) == 9 and all(r.passed for r in results), [r.line() for r in results]


def test_first_takes_the_first_row_that_applies() -> None:
    f = fixture().module.responder
    assert f(grade="larger", level="county").name == "city"
    assert f(grade="larger", level="province").name == "province"


def test_collect_lists_every_row_in_order_and_aggregates() -> None:
    m = fixture().module
    assert m.subsidies(area=Decimal(600)) == [Decimal(5000), Decimal(20000), Decimal(300)]
    assert m.subsidies(area=Decimal(5000)) == [Decimal(5000), Decimal(20000)]
    assert m.subsidy_total(area=Decimal(600)) == Decimal(25000)
    assert m.subsidy_total(area=Decimal(50)) == 0
    assert m.subsidy_max(area=Decimal(600)) == Decimal(20000)


def test_explanation_lists_every_row_that_applied() -> None:
    ex = fixture().module.explain_subsidies(area=Decimal(600))
    rows = [s.text for s in ex.steps if s.kind == "row"]
    assert rows == ["100平方米以上", "500平方米以上", "[0平方米, 1000平方米)"]
    first = fixture().module.explain_responder(grade="larger", level="county")
    assert [s.text for s in first.steps if s.kind == "row"] == ["larger, county"]


def test_diagram_names_the_policy() -> None:
    diagrams = fixture().diagrams
    assert "查表 按首条" in diagrams["decision_responder"]
    # overlapping rows are drawn in order, not as a grid that would hide which row wins
    assert "逐行尝试" in diagrams["decision_responder"]
    assert "<TABLE" not in diagrams["decision_responder"]
    assert "查表 按全部" in diagrams["decision_subsidies"]
    assert "查表 按合计" in diagrams["decision_subsidy_total"]


def test_fmt_is_idempotent_and_keeps_the_policy() -> None:
    text = (HERE / "hit_policies.pol").read_text(encoding="utf-8")
    squeezed = text.replace("查表 按首条 (", "查表\u3000 按首条   (").replace("  结果 查表 按全部", "结果 查表 按全部")
    assert squeezed != text
    once = format_text(squeezed)
    assert once == text and format_text(once) == once


def test_generated_code_is_ruff_and_mypy_clean(tmp_path: Path) -> None:
    assert_ruff_and_mypy_clean(fixture().python, tmp_path, 'hit.py')


def test_overlap_is_an_error_by_default_and_allowed_by_first() -> None:
    rows = ('决策 d "d" (n) : 金额 推导 "t" {\n  结果 查表 {hit}(n) {\n'
            '    20人以上 => 2元 推导 "t"\n    10人以上 => 1元 推导 "t"\n'
            '    否则 => 0元 推导 "t"\n  }\n}\n')
    assert "E602" in codes(HEAD + rows.replace("{hit}", ""))
    assert "E602" in codes(HEAD + rows.replace("{hit}", "按唯一 "))
    assert codes(HEAD + rows.replace("{hit}", "按首条 ")) == []
    assert codes(HEAD + rows.replace("{hit}", "按合计 ")) == []


def test_first_reports_a_shadowed_row() -> None:
    text = HEAD + ('决策 d "d" (n) : 金额 推导 "t" {\n  结果 查表 按首条 (n) {\n'
                   '    10人以上 => 1元 推导 "t"\n    20人以上 => 2元 推导 "t"\n'
                   '    否则 => 0元 推导 "t"\n  }\n}\n')
    (w,) = [d for d in compiled(text).diagnostics if d.code == "W605"]
    assert w.span.line == 6 and "遮蔽" in w.message


def test_first_and_aggregates_report_gaps_collect_does_not() -> None:
    body = ('决策 d "d" (n) : {t} 推导 "t" {\n  结果 查表 {hit} (n) {\n'
            '    10人以上 => 1元 推导 "t"\n  }\n}\n')
    assert codes(HEAD + body.replace("{t}", "金额").replace("{hit}", "按首条")) == ["W601"]
    assert codes(HEAD + body.replace("{t}", "金额").replace("{hit}", "按最小")) == ["W601"]
    assert codes(HEAD + body.replace("{t}", "列表(金额)").replace("{hit}", "按全部")) == []
