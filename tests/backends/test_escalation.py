"""The Python backend's 逐级 data: an EscalationSpec per 逐级 node, titled by the levels'
bodies; labels enter only as literals; modules without 逐级 keep their functions (no
`chain`, no `inputs`)."""

from __future__ import annotations

import ast
import inspect

from polc.compiler.pipeline import compile_source

TEXT = (
    '文号 "测试〔2024〕1号"\n'
    '机构 cg "县级\\"人民政府" 推导 "t"\n'
    '层级 Gov "层级" 推导 "t" {\n  county "县级" 机构 cg 推导 "t"\n'
    '  city "市级\'); import os; (\'" 推导 "t"\n  province "省级" 推导 "t"\n}\n'
    '流程 f "f" 推导 "t" {\n  事件 s "发生" 推导 "t"\n'
    '  逐级 up "上报" 沿 Gov 从 county 至 province 每级 1日 顺延 推导 "t"\n  转 s -> up\n}\n'
)


def test_escalation_spec_carries_the_chain_titled_by_bodies() -> None:
    c = compile_source(TEXT, "t.pol", verify_sources=False)
    assert c.ok, [str(d) for d in c.diagnostics]
    (step,) = [s for s in c.module.FLOWS["f"].steps if s.kind == "escalation"]
    esc = step.escalation
    assert esc.levels == ("county", "city", "province")
    # a level's 机构 names it; a level without one keeps its own label, verbatim
    assert esc.titles == ('县级"人民政府', "市级'); import os; ('", "省级")
    assert (esc.target, esc.via, esc.amount, esc.how, esc.deadline, esc.roll) == (
        "province",
        None,
        1,
        "days",
        "1日",
        True,
    )
    assert esc.where == "t.pol:10:3"


def test_labels_enter_only_as_literals() -> None:
    code = compile_source(TEXT, "t.pol", verify_sources=False).python
    tree = ast.parse(code)
    assert not [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom)) and any(a.name == "os" for a in n.names)
    ]


def test_a_module_without_escalation_keeps_its_functions() -> None:
    text = TEXT.replace(
        '  逐级 up "上报" 沿 Gov 从 county 至 province 每级 1日 顺延 推导 "t"\n  转 s -> up\n',
        '  结束 up "完毕" 推导 "t"\n  转 s -> up\n',
    )
    m = compile_source(text, "t.pol", verify_sources=False).module
    assert not hasattr(m, "chain")
    assert {"next_steps", "responsible", "due_dates", "explain_due_dates"} <= set(m.__all__)
    assert "inputs" not in inspect.signature(m.due_dates).parameters
    assert "inputs" not in inspect.signature(m.explain_due_dates).parameters


def test_a_module_with_escalation_takes_inputs_by_keyword() -> None:
    m = compile_source(TEXT, "t.pol", verify_sources=False).module
    assert "chain" in m.__all__
    for fn in (m.due_dates, m.explain_due_dates):
        assert inspect.signature(fn).parameters["inputs"].kind is inspect.Parameter.KEYWORD_ONLY
