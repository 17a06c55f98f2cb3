"""Scoped conventions (约定 … 适用于 CLAUSE), end to end: the innermost applicable 约定
decides each threshold word; explanations, diagrams and findings name it; a use the
document leaves open is W310; fmt keeps the syntax."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from polc.compiler import ir
from polc.compiler.pipeline import Compilation, compile_source
from polc.compiler.tools.examples import run_examples
from polc.compiler.tools.fmt import format_text

HERE = Path(__file__).resolve().parent / "constructs"
HEAD = '文号 "测试〔2024〕1号"\n输入 n "人数" : 计数(人)\n'


def compiled(text: str) -> Compilation:
    return compile_source(text, "t.pol", verify_sources=False)


def fixture() -> Compilation:
    path = HERE / "scoped_conventions.pol"
    return compile_source(path.read_text(encoding="utf-8"), "scoped_conventions.pol",
                          verify_sources=False)


def decision(cited: str, cond: str = "n 10人以下") -> str:
    return f'决策 d "d" (n) : 是否 引 {cited} 「10人以下的」 {{\n  结果 {cond}\n}}\n'


def op(c: Compilation) -> ir.CompareOp:
    assert c.ir is not None
    result = c.ir.decision("d").result
    assert isinstance(result, ir.CondE) and isinstance(result.cond, ir.Compare)
    return result.cond.op


def test_examples_pass_and_only_the_open_use_is_flagged() -> None:
    c = fixture()
    assert c.ok
    assert [(d.code, d.span.line) for d in c.diagnostics] == [("W310", 25)]
    results = run_examples(c)
    assert len(results) == 5 and all(r.passed for r in results), [r.line() for r in results]


def test_the_innermost_scope_wins() -> None:
    scopes = ("约定 以下 不含本数 适用于 一 引 一 「q」\n"
              "约定 以下 含本数 适用于 一（二） 引 一（二） 「q」\n"
              "约定 以下 不含本数 适用于 一（二）3 引 一（二）3 「q」\n")
    assert op(compiled(HEAD + scopes + decision("一（一）"))) is ir.CompareOp.LT
    assert op(compiled(HEAD + scopes + decision("一（二）"))) is ir.CompareOp.LE
    assert op(compiled(HEAD + scopes + decision("一（二）1"))) is ir.CompareOp.LE
    assert op(compiled(HEAD + scopes + decision("一（二）3（1）"))) is ir.CompareOp.LT
    # 一（二）3 does not contain 一（二）30, nor 一 contain 十一
    assert op(compiled(HEAD + scopes + decision("一（二）30"))) is ir.CompareOp.LE
    c = compiled(HEAD + scopes + decision("十一"))
    assert op(c) is ir.CompareOp.LE and [d.code for d in c.diagnostics] == ["W310"]


def test_a_mark_and_the_document_convention_decide_outside_the_scopes() -> None:
    scoped = "约定 以下 不含本数 适用于 一 引 一 「q」\n"
    marked = compiled(HEAD + scoped + decision("二", "n 10人以下（含）"))
    assert op(marked) is ir.CompareOp.LE and list(marked.diagnostics) == []
    whole = compiled(HEAD + scoped + "约定 以下 不含本数 引 序言 「q」\n" + decision("二"))
    assert op(whole) is ir.CompareOp.LT and list(whole.diagnostics) == []


def test_a_document_without_scopes_reads_as_before() -> None:
    c = compiled(HEAD + "约定 以下 不含本数 引 序言 「q」\n" + decision("二"))
    assert op(c) is ir.CompareOp.LT
    assert c.ir is not None
    result = c.ir.decision("d").result
    assert isinstance(result, ir.CondE) and result.cond.text == "n 10人以下"


def test_explanation_and_diagram_name_the_convention() -> None:
    c = fixture()
    steps = c.module.explain_serious(income=Decimal(1)).steps
    assert [s.text for s in steps] == ["income 10万元以下（以下 不含本数，依 第十条 的约定）"]
    rows = c.module.explain_fine(income=Decimal(1)).steps
    assert rows[0].text == "10万元以下（以下 不含本数，依 第十条 的约定）"
    assert "依 第十条（二） 的约定" in c.diagrams["decision_minor"]
    assert "依民法典 第一千二百五十九条" in c.diagrams["decision_other"]


def test_analysis_works_on_the_scoped_meaning() -> None:
    # under 第十条 以下 excludes 10万元, so the two rows of `fine` meet nowhere
    assert "E602" not in [d.code for d in fixture().diagnostics]
    text = (HERE / "scoped_conventions.pol").read_text(encoding="utf-8")
    loose = text.replace("适用于 第十条 引", "适用于 第九条 引")
    assert "E602" in [d.code for d in compiled(loose).diagnostics]


def test_fmt_is_idempotent() -> None:
    text = (HERE / "scoped_conventions.pol").read_text(encoding="utf-8")
    squeezed = text.replace("不含本数 适用于 第十条 引", "不含本数   适用于\u3000第十条 引")
    assert squeezed != text
    once = format_text(squeezed)
    assert once == text and format_text(once) == once
