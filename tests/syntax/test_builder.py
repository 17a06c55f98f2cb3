"""The parse tree to the AST (compiler/syntax/builder.py)."""

from __future__ import annotations

from polc.compiler.diagnostics import Diagnostics
from polc.compiler.syntax import ast as A
from polc.compiler.syntax.builder import RULES, _Builder, build
from polc.compiler.syntax.grammar import get_parser
from polc.compiler.syntax.parser import parse


def test_every_rule_that_names_a_tree_node_has_a_builder() -> None:
    named = set()
    for rule in get_parser().rules:
        if rule.alias:
            named.add(str(rule.alias))
        elif not rule.origin.name.startswith("_") and not rule.options.expand1:
            named.add(str(rule.origin.name))
    assert named == set(RULES)


def test_every_builder_method_is_in_the_table() -> None:
    # a rule method missing from RULES could never run; a helper starts with _
    methods = {f for n, f in vars(_Builder).items() if callable(f) and not n.startswith("_")}
    assert methods == set(RULES.values())


def test_a_small_policy_builds() -> None:
    text = ('文号 "测试〔2024〕1号"\n约定 以下 不含本数 推导 "t"\n输入 n "n" : 计数(人)\n'
            '决策 d "d" (n) : 是否 推导 "t" { 结果 n 在 3人（含）至 5人（不含） }\n'
            '例 d(n = 3人) => 是 推导 "t"\n')
    tree = parse(text, "t.pol", Diagnostics())
    assert tree is not None
    module = build(tree, "t.pol")
    convention, decision, example = (module.items[1], module.items[3], module.items[4])
    assert isinstance(convention, A.Convention) and convention.include is False
    assert isinstance(decision, A.Decision)
    cond = decision.result
    assert isinstance(cond, A.CondValue) and isinstance(cond.cond, A.InInterval)
    assert (cond.cond.interval.lo_closed, cond.cond.interval.hi_closed) == (True, False)
    assert isinstance(example, A.Example) and example.expected.text == "是"


def test_hierarchy_assignment_and_escalation_build() -> None:
    text = ('文号 "测试〔2024〕1号"\n'
            '层级 Gov "层级" 推导 "t" {\n  county "县级" 机构 cg 推导 "t"\n  city "市级" 推导 "t"\n}\n'
            '分级负责 lv "层级" (g) : Gov 推导 "t" {\n  I、II => city 推导 "t"\n'
            '  III => county 推导 "t"\n}\n'
            '流程 f "f" 推导 "t" {\n  逐级 up "上报" 沿 Gov 至 lv 每级 2小时 顺延 推导 "t"\n}\n')
    tree = parse(text, "t.pol", Diagnostics())
    assert tree is not None
    hier, assign, flow = build(tree, "t.pol").items[1:]
    # a 层级 is an enum, lowest first, that knows each level's body
    assert isinstance(hier, A.EnumDecl) and hier.order == "由低到高"
    assert [m.name for m in hier.members] == ["county", "city"] and hier.hierarchy == ("cg", None)
    # a 分级负责 is a decision over its grade: one table row a grade, each with its row's value
    assert isinstance(assign, A.Decision) and assign.grade == "g"
    assert [n for n, _ in assign.params] == ["g"]
    table = assign.result
    assert isinstance(table, A.Table)
    assert [(r.patterns[0].name, r.expr.name) for r in table.rows  # type: ignore[union-attr]
            ] == [("I", "city"), ("II", "city"), ("III", "county")]
    assert table.rows[0].span == table.rows[1].span  # one written row, one citation
    assert isinstance(flow, A.Flow)
    (node,) = flow.nodes
    esc = node.escalation
    assert node.kind == "escalation" and esc is not None
    assert (esc.hierarchy, esc.start, esc.target, esc.per_hop.number, esc.per_hop.unit,
            esc.roll) == ("Gov", None, "lv", "2", "小时", True)
    assert esc.names is not None and esc.names[1] is None and esc.names[2].line == 11
