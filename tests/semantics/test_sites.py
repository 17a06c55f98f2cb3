"""Sites are built without side effects; the citations a file owes (E401) and the readings
it states are found by their own passes (compiler/semantics/sites.py)."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from polc.compiler import ir
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.lexical import normalise
from polc.compiler.semantics import declarations, sites
from polc.compiler.semantics.context import Source
from polc.compiler.syntax import ast as A
from polc.compiler.syntax import parse_module

from ..paths import POLICIES
from .stage import HEAD, checked, errors, policy

SPAN = Span("t.pol", 3, 1, 3, 9)
CITED = A.Annot(cites=(A.Cite("第一条", ("原文一", "原文二"), SPAN),),
                readings=(A.Reading("这样读", SPAN),))
DERIVED = A.Annot(derived=(A.Derived("由上文推知", SPAN),))
PARENT = ir.Site(Span("t.pol", 1, 1, 1, 2), "第二条", ("父原文",), ("父解读",), None)


def test_a_site_states_its_own_citation() -> None:
    assert sites.site(CITED, SPAN) == ir.Site(SPAN, "第一条", ("原文一", "原文二"), ("这样读",))
    assert sites.site(CITED, SPAN, inherit=PARENT) == sites.site(CITED, SPAN)
    assert sites.site(DERIVED, SPAN, inherit=PARENT) == ir.Site(SPAN, None, (), (),
                                                                "由上文推知")


def test_a_site_without_citation_inherits_but_keeps_its_own_readings() -> None:
    own = A.Annot(readings=(A.Reading("行内解读", SPAN),))
    assert sites.site(own, SPAN, inherit=PARENT) == \
        ir.Site(SPAN, "第二条", ("父原文",), ("行内解读",), None)
    assert sites.site(A.Annot(), SPAN) == ir.Site(SPAN)


def test_a_rule_that_owes_a_citation_still_gets_its_site() -> None:
    # what is owed is the E401 pass's business: the site is the same either way
    assert sites.site(A.Annot(), SPAN) == ir.Site(SPAN, None, (), (), None)
    assert errors(HEAD + '角色 r "甲"\n')[0].code == "E401"
    assert policy(HEAD + '角色 r "甲" 推导 "t"\n').roles[0].site.derived == "t"


def symbols_of(text: str) -> tuple[A.Module, declarations.Symbols, str]:
    source = normalise(text)
    module = parse_module(source, "t.pol", Diagnostics())
    assert module is not None
    return module, declarations.declare(module, Source("t.pol", source), Diagnostics()), source


def test_uncited_rules_are_reported_by_their_own_pass() -> None:
    text = (HEAD + '输入 n "n" : 计数\n决策 d "d" (n) : 是否 { 结果 n 3以上 }\n'
            '决策 d "d" (n) : 是否 { 结果 n 4以上 }\n')
    module, symbols, _ = symbols_of(text)
    owed = Diagnostics()
    sites.report_uncited(module, symbols, owed)
    # the second d is E101 in the declaration pass, and owes no citation of its own
    assert [(d.code, d.span.line) for d in owed] == [("E401", 3)]
    assert "决策 d" in next(iter(owed)).message


def test_a_flow_step_inherits_the_flow_citation() -> None:
    text = (HEAD + '机构 o "某局" 推导 "t"\n流程 f "流程" 推导 "t" {\n'
            '  事件 s "收到"\n  步骤 a "处理" 由 o\n  结束 e "办结"\n  转 s -> a\n  转 a -> e\n}\n')
    assert [e.code for e in errors(text)] == []
    assert all(n.site.derived == "t" for n in policy(text).flows[0].nodes)


def test_readings_in_the_order_the_check_meets_them() -> None:
    text = (HEAD + '输入 n "n" : 计数(人) 解读 "输入"\n'
            '决策 a "a" (n) : 计数(人) 推导 "t" 解读 "a 自身" {\n'
            '  令 x = n 解读 "a 的令"\n  结果 取 b + x 解读 "a 的结果"\n}\n'
            '决策 b "b" (n) : 计数(人) 推导 "t" 解读 "b" { 结果 n }\n'
            '约定 以下 不含本数 推导 "t" 解读 "约定"\n')
    p = policy(text)
    # conventions first, then inputs, then the decisions callee first
    assert [t for _, t in p.readings] == ["约定", "输入", "b", "a 自身", "a 的令", "a 的结果"]
    module, symbols, source = symbols_of(text)
    assert sites.readings(module, symbols, source) == p.readings


def test_a_duplicate_declaration_states_no_reading() -> None:
    _, diags = checked(HEAD + '角色 r "甲" 推导 "t" 解读 "一"\n角色 r "乙" 推导 "t" 解读 "二"\n')
    module, symbols, source = symbols_of(HEAD + '角色 r "甲" 推导 "t" 解读 "一"\n'
                                         '角色 r "乙" 推导 "t" 解读 "二"\n')
    assert [t for _, t in sites.readings(module, symbols, source)] == ["一"]
    assert "E101" in [d.code for d in diags]


def every_reading(module: A.Module) -> list[tuple[Span, str]]:
    """Each 解读 of the file, found by looking at every field of every node."""
    found: list[tuple[Span, str]] = []
    stack: list[object] = [module]
    while stack:
        n = stack.pop()
        if isinstance(n, (tuple, list)):
            stack.extend(n)
        elif isinstance(n, A.Annot):
            found += [(r.span, r.text) for r in n.readings]
        elif attrs.has(n.__class__) and not isinstance(n, Span):
            stack.extend(getattr(n, f.name) for f in attrs.fields(n.__class__))
    return found


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.pol")), ids=lambda p: p.stem)
def test_the_readings_pass_misses_no_reading(path: Path) -> None:
    # the pass enters only the classes whose field types can hold an annotation
    module, symbols, source = symbols_of(path.read_text(encoding="utf-8"))
    listed = sites.readings(module, symbols, source)
    assert sorted(listed) == sorted(every_reading(module))
