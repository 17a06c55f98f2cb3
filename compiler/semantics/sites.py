"""Where each rule comes from: its `ir.Site`, the rules that must cite (E401), the readings.

Building a site is pure (`site`): the citation, readings and reason an annotation states,
or those a row inherits from its decision or flow.  What the file as a whole owes is found
by two separate passes over the AST, run once by `policy.check`: `report_uncited` reports
every declaration that needs a citation (引 or 推导) and has none, and `readings` lists every
解读 the policy states, for `polc check` and the report.  A declaration that lost to an
earlier one of the same name (E101) is in neither: it is not part of the policy.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator

import attrs

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.syntax import ast as A

from .context import Symbols


def site(annot: A.Annot, span: Span, inherit: ir.Site | None = None) -> ir.Site:
    """The site of the construct at `span`: its own citation, else the one it inherits."""
    readings = tuple(r.text for r in annot.readings)
    if annot.cites:
        c = annot.cites[0]
        quotes = tuple(q for cite in annot.cites for q in cite.quotes)
        return ir.Site(span, c.clause, quotes, readings,
                       annot.derived[0].reason if annot.derived else None)
    if annot.derived:
        return ir.Site(span, None, (), readings, annot.derived[0].reason)
    if inherit is not None:
        return ir.Site(span, inherit.clause, inherit.quotes, readings, inherit.derived)
    return ir.Site(span, None, (), readings)


def _owing(module: A.Module, symbols: Symbols) -> Iterator[tuple[str, A.Annot, Span]]:
    """Each construct that must state its own citation: what it is, its annotation, span."""
    for it in module.items:
        if isinstance(it, A.Convention):
            yield "约定", it.annot, it.span
        elif isinstance(it, A.EnumDecl) and symbols.holds("type", it.name, it.span):
            yield "枚举", it.annot, it.span
        elif isinstance(it, A.RoleDecl) and symbols.holds("value", it.name, it.span):
            yield "角色", it.annot, it.span
        elif isinstance(it, A.BodyDecl) and symbols.holds("value", it.name, it.span):
            yield "机构", it.annot, it.span
        elif isinstance(it, A.ConstDecl) and symbols.holds("value", it.name, it.span):
            yield "常量", it.annot, it.span
        elif isinstance(it, A.UnitDecl):
            yield f"单位 {it.name}", it.annot, it.span
        elif isinstance(it, A.Decision) and symbols.holds("decision", it.name, it.span):
            yield f"决策 {it.name}", it.annot, it.span
        elif isinstance(it, A.Example):
            yield "例", it.annot, it.span
        elif isinstance(it, A.Relation):
            yield "关系", it.annot, it.span
        elif isinstance(it, A.GroupDecl):
            yield "工作组", it.annot, it.span
        elif isinstance(it, A.Ladder):
            for r in it.rungs:
                yield "措施", r.annot, r.span
            yield "阶梯", it.annot, it.span
        elif isinstance(it, A.Flow):
            # a flow's steps inherit its citation, so only the flow owes one
            yield "流程", it.annot, it.span


def report_uncited(module: A.Module, symbols: Symbols, diags: Diagnostics) -> None:
    """E401 for each rule that states neither 引 nor 推导."""
    for what, annot, span in _owing(module, symbols):
        if annot.empty:
            diags.error("E401", f"{what} 没有引文：每条规则须以 引 注明条款和原文，"
                        "或以 推导 说明理由", span,
                        hint='add 引 CLAUSE 「quote」 or 推导 "reason"')


def _layouts() -> dict[type, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each AST class below which an annotation can be: its annotation fields, and
    the fields (in order) whose declared types can hold such a class.  Worked out once
    from the field annotations, so the readings pass enters no literal, name or bound."""
    classes = {n: c for n, c in vars(A).items() if isinstance(c, type) and attrs.has(c)}
    unions = {n: typing.get_args(u) for n, u in vars(A).items()
              if isinstance(u, types.UnionType)}

    def named(type_text: object) -> set[type]:
        found: set[type] = set()
        for word in re.findall(r"[A-Za-z_]\w*", str(type_text)):
            found |= {classes[word]} if word in classes else set(unions.get(word, ()))
        return found

    refs = {c: [(f.name, named(f.type)) for f in attrs.fields(c)] for c in classes.values()}
    holds = {c for c in classes.values() if A.Annot in {t for _, ts in refs[c] for t in ts}}
    while True:
        more = {c for c in classes.values() if any(ts & holds for _, ts in refs[c])} - holds
        if not more:
            break
        holds |= more
    return {c: (tuple(n for n, ts in refs[c] if ts == {A.Annot}),
                tuple(n for n, ts in refs[c] if ts & holds))
            for c in holds if c is not A.Annot}


_LAYOUT = _layouts()


def _annotated(root: object) -> list[A.Reading]:
    """The readings in and below `root`, in the order lowering meets them: a node's own
    annotation (its site is made first), then its fields in order."""
    found: list[A.Reading] = []
    stack = [root]
    while stack:
        n = stack.pop()
        cls = n.__class__
        if cls is tuple or cls is list:
            stack.extend(reversed(n))  # type: ignore[call-overload]
            continue
        layout = _LAYOUT.get(cls)
        if layout is None:
            continue  # nothing below holds an annotation
        for name in layout[0]:
            found.extend(getattr(n, name).readings)
        stack.extend(getattr(n, name) for name in reversed(layout[1]))
    return found


def readings(module: A.Module, symbols: Symbols, text: str
             ) -> tuple[tuple[Span, str], ...]:
    """Every 解读, in the order the check meets the constructs: conventions, declarations,
    inputs, constants, decisions (callees first), examples, organisation and flows; within
    a decision its own annotation, its statements, then its result's."""
    # every reading is written with its keyword: a text without it states none, and a
    # search of the text is far cheaper than a walk of a large policy's tree
    if V.Keyword.READING.value not in text:
        return ()
    items = module.items
    out: list[A.Reading] = []
    # the header's validity lines (印发日按成文日期计 …), first as the file has them
    out += [r for it in items if isinstance(it, A.Header) for r in it.annot.readings]
    out += [r for it in items if isinstance(it, A.Convention) for r in it.annot.readings]
    for it in items:
        if isinstance(it, A.EnumDecl) and symbols.holds("type", it.name, it.span):
            first = {m.name: m for m in reversed(it.members)}  # a repeated member is E101
            out += [r for m in it.members if first[m.name] is m for r in m.annot.readings]
            out += it.annot.readings
        elif isinstance(it, (A.RoleDecl, A.BodyDecl)) \
                and symbols.holds("value", it.name, it.span):
            out += it.annot.readings
    out += [r for it in items if isinstance(it, A.InputDecl) and it.name in symbols.inputs
            and symbols.inputs[it.name].site.span == it.span for r in it.annot.readings]
    out += [r for c in symbols.consts for r in _annotated(c)]
    for name in symbols.order:
        dec = symbols.decisions[name]
        out += dec.annot.readings
        for st in dec.stmts:
            out += _annotated(st)
        out += [*dec.result_annot.readings, *_annotated(dec.result)]
    out += [r for it in items if isinstance(it, A.Example) for r in it.annot.readings]
    for it in items:
        if isinstance(it, A.Ladder):
            out += [*_annotated(it.rungs), *it.annot.readings]
        elif isinstance(it, A.Flow):
            first_node = {n.name: n for n in reversed(it.nodes)}  # a repeated node is E101
            out += [*it.annot.readings, *_annotated([n for n in it.nodes
                                                     if first_node[n.name] is n]),
                    *_annotated(it.edges)]
        elif isinstance(it, (A.Relation, A.GroupDecl)):
            out += it.annot.readings
    # once each: a 分级负责 row naming several grades is several table rows sharing it
    return tuple(dict.fromkeys((r.span, r.text) for r in out))
