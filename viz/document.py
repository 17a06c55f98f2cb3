"""The document card: one diagram per policy, even one with no rules.

A reviewer opening any notice's diagrams first sees what it is: its 文号,
title, issuer and dates, what the policy encodes (decisions, flows, ladders,
working groups, bodies), and the readings it states.  A list longer than
SUMMARY_ROWS shows its first and last entries.
"""

from __future__ import annotations

import graphviz

from polc.compiler import ir
from polc.compiler import vocabulary as V

from .common import ends, label, new_graph, wrap

# the header lines a card shows under the title
_DATES = (V.Header.ISSUER, V.Header.WRITTEN, V.Header.EFFECTIVE)


def document_graph(policy: ir.Policy) -> graphviz.Digraph:
    headers = dict(policy.headers)
    title = policy.header(V.Header.TITLE)
    g = new_graph("document", f"{policy.docno} {title}")
    card = [policy.docno, wrap(title, 24)]
    card += [f"{k.value}: {headers[k.value]}" for k in _DATES if k.value in headers]
    g.node("doc", label("\n".join(card)), shape="note", style="bold")
    parts = [
        ("decisions", "决策", [f"{d.name}: {d.label}" for d in policy.decisions]),
        ("flows", "流程", [f"{f.name}: {f.label}" for f in policy.flows]),
        ("ladders", "阶梯", [f"{lad.name}: {lad.label}" for lad in policy.ladders]),
        ("groups", "工作组", [f"{gr.label}" for gr in policy.groups]),
        ("bodies", "机构与角色", [b.label for b in policy.bodies]
         + [r.title for r in policy.roles]),
    ]
    for node, title, lines in parts:
        if not lines:
            continue
        head, skipped, tail = ends(lines)
        shown = [*head, f"…… 另 {skipped:,} 个 ……", *tail] if skipped else lines
        g.node(node, label(f"{title}（{len(lines)}）\n" + "\n".join(wrap(x, 30) for x in shown)),
               shape="box")
        g.edge("doc", node)
    if policy.readings:
        g.node("readings", label(f"解读（{len(policy.readings)}）: polc check 列出全部"),
               shape="note", style="filled", fillcolor="#fff6d5")
        g.edge("doc", "readings", style="dashed")
    return g
