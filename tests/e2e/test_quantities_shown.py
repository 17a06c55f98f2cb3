"""One formatter for quantities: an analysis message, a diagram and the report show the same
amount the same way (issue 12: a message once said 15000元 where a diagram said 1.5万元)."""

from __future__ import annotations

from decimal import Decimal

from polc.compiler import ir, pipeline
from polc.compiler.analysis.messages import show_value
from polc.compiler.diagnostics import Span
from polc.compiler.quantities import MONEY
from polc.compiler.tools import build
from polc.viz.decisions import lit_text

HERE = Span("t.pol", 1, 1, 1, 2)
AMOUNT = ir.Type(ir.TypeKind.NUM, MONEY)


def test_a_message_and_a_diagram_show_one_amount_alike() -> None:
    for value in (15000, 5000, 150000000, Decimal("2500.5")):
        assert show_value(AMOUNT, value) == lit_text(ir.Lit(value, AMOUNT, HERE))
    ratio = ir.Type(ir.TypeKind.NUM)
    assert show_value(ratio, Decimal("0.05")) == lit_text(ir.Lit(Decimal("0.05"), ratio, HERE))


def test_the_report_shows_examples_as_the_diagram_does() -> None:
    text = ('文号 "测试〔2024〕1号"\n输入 x "x" : 金额\n'
            '决策 d "d" (x) : 金额 推导 "t" {\n  结果 查表 (x) {\n'
            '    [0元, 1万元) => 5000元\n    1万元以上 => 1.5万元\n  }\n}\n'
            '例 d(x = 2万元) => 1.5万元 推导 "t"\n')
    c = pipeline.compile_source(text, "t.pol", verify_sources=False)
    assert c.ok, [d.message for d in c.diagnostics]
    report = build.report(c, "t", sorted(c.diagrams))
    assert "| ✓ | `d` | x=2万元 | 1.5万元 | 1.5万元 |" in report
    assert "1.5万元" in c.diagrams["decision_d"] and "5000元" in c.diagrams["decision_d"]
