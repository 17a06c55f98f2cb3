"""Diagrams of decisions: levels, tables and bands with their thresholds.

One diagram per decision: the inputs on the left, each row (a level's
criteria, a table row's cells, a band's interval) as a node with its result,
and the clause each row cites, so a reviewer can check a rule against the text
by eye.
"""

from __future__ import annotations

import graphviz

from polc.compiler import ir

from .common import label, new_graph, safe_id, wrap


def _value_text(e: ir.Expr, policy: ir.Policy) -> str:
    if isinstance(e, ir.EnumVal):
        labels = dict(policy.enum(e.enum).members)
        return f"{e.member} {labels.get(e.member, '')}".strip()
    if isinstance(e, ir.RoleVal):
        return e.title
    if isinstance(e, ir.Lit):
        if e.value is None:
            return "无"
        if e.type.is_money:
            return f"{e.value} 元"
        return str(e.value)
    return _expr_text(e)


def _expr_text(e: ir.Expr) -> str:
    if isinstance(e, ir.Var):
        return e.name
    if isinstance(e, ir.Lit):
        return str(e.value)
    if isinstance(e, ir.Arith):
        return f"{_expr_text(e.left)} {e.op} {_expr_text(e.right)}"
    if isinstance(e, ir.Clamp):
        return f"{_expr_text(e.expr)} {'最高' if e.kind == 'max' else '最低'} {_expr_text(e.limit)}"
    if isinstance(e, ir.Shift):
        return f"{_expr_text(e.base)} + {_expr_text(e.amount)} ({e.how})"
    if isinstance(e, ir.Roll):
        return f"{_expr_text(e.expr)} 顺延"
    if isinstance(e, ir.CallDecision):
        return f"取 {e.name}"
    if isinstance(e, ir.EnumVal):
        return e.member
    if isinstance(e, ir.RoleVal):
        return e.title
    return type(e).__name__.replace("E", "") if not isinstance(e, ir.IfE) else "若…则…否则…"


def _cite(site: ir.Site) -> str:
    if site.clause:
        return f"引 {site.clause}"
    if site.derived:
        return "推导"
    return ""


def decision_graph(policy: ir.Policy, d: ir.Decision) -> graphviz.Digraph:
    g = new_graph(f"{d.name}", f"{policy.docno} · {d.label}（{d.name}）", rankdir="TB")
    inputs = [policy.input(n) for n in d.params]
    g.node("inputs", label("\n".join(f"{i.name}: {i.label} ({i.type.show()})" for i in inputs)
                           or "（无输入）"), shape="note")
    g.node("decision", label(f"{d.label}\n{_cite(d.site)}"), shape="box", style="bold")
    g.edge("inputs", "decision")
    rows = _rows(policy, d.result)
    for i, (cond, result, site) in enumerate(rows):
        rid = f"row{i:03d}"
        g.node(rid, label("\n".join(wrap(line, 40) for line in cond.split("\n"))),
               shape="box")
        g.edge("decision", rid, label=label(str(i + 1)))
        vid = f"val{i:03d}"
        g.node(vid, label(wrap(result, 24) + ("\n" + _cite(site) if _cite(site) else "")),
               shape="box", style="rounded,filled", fillcolor="#eef5ff")
        g.edge(rid, vid)
    if not rows:
        g.node("value", label(wrap(_expr_text(d.result), 30)), shape="box")
        g.edge("decision", "value")
    for r in d.site.readings + d.result_site.readings:
        g.node(f"reading{safe_id(str(abs(hash_text(r))))}", label("解读: " + wrap(r, 28)),
               shape="note", style="filled", fillcolor="#fff6d5")
    return g


def hash_text(text: str) -> int:
    # deterministic (unlike hash()): a small FNV-1a
    h = 2166136261
    for ch in text.encode("utf-8"):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


def cond_text(c: ir.Cond) -> str:
    """One criterion per line: 或 and 且 start the next line."""
    if isinstance(c, ir.OrC) and len(c.items) > 1:
        return "\n或 ".join(cond_text(i) for i in c.items)
    if isinstance(c, ir.AndC) and len(c.items) > 1 and not all(
            isinstance(i, ir.Compare) for i in c.items):
        return "\n且 ".join(cond_text(i) for i in c.items)
    return c.text


def _rows(policy: ir.Policy, e: ir.Expr) -> list[tuple[str, str, ir.Site]]:
    if isinstance(e, ir.LevelsE):
        rows = [(cond_text(r.cond), _value_text(ir.EnumVal(e.enum, r.member, e.type, r.site.span),
                                          policy), r.site) for r in e.rows]
        if e.otherwise:
            rows.append(("否则", _value_text(e.otherwise.expr, policy), e.otherwise.site))
        return rows
    if isinstance(e, ir.TableE):
        keys = [_expr_text(k) for k in e.keys]
        rows = []
        for r in e.rows:
            cells = [f"{k}: {t.text}" for k, t in zip(keys, r.tests) if t.kind != "any"]
            rows.append(("\n".join(cells) or "*", _value_text(r.expr, policy), r.site))
        if e.otherwise:
            rows.append(("否则", _value_text(e.otherwise.expr, policy), e.otherwise.site))
        return rows
    if isinstance(e, ir.RulesE):
        rows = [(cond_text(r.cond), _value_text(r.expr, policy), r.site) for r in e.rows]
        if e.otherwise:
            rows.append(("否则", _value_text(e.otherwise.expr, policy), e.otherwise.site))
        return rows
    if isinstance(e, ir.NamedE):
        joiner = "全部满足" if e.kind == "all" else "任一满足"
        return [(f"{it.label}\n{cond_text(it.cond)}", joiner, it.site) for it in e.items]
    if isinstance(e, ir.Clamp):
        return _rows(policy, e.expr)
    if isinstance(e, ir.Arith):
        return _rows(policy, e.left) or _rows(policy, e.right)
    return []
