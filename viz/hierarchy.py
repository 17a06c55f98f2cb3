"""逐级 (per-hop reporting up a 层级) inside a flow diagram.

A 逐级 node is drawn as its own cluster: one box a level, lowest at the bottom of the
chain's order, joined by red edges each carrying the per-hop period (每级 2小时).  Where
the chain ends at the level a 分级负责 gives, each level box names the grades whose
report stops there, from that decision's rows, so the diagram shows how far each grade
climbs.  The flow's edges into and out of the node attach to the chain's first and last
level (`entry`, `exit`).  Ids are ASCII (`esc_` + checked identifiers); every text goes
through `label()`.
"""

from __future__ import annotations

import graphviz

from polc.compiler import ir

from .common import cite_tooltip, label, safe_id, tooltip, wrap

HOP_COLOR = "#c0392b"  # the colour of deadlines in the flow diagrams


def _level_id(node: ir.FlowNode, level: str) -> str:
    return f"esc_{safe_id(node.name)}_{safe_id(level)}"


def entry(node: ir.FlowNode) -> str:
    """The box an edge into a 逐级 node points at: the chain's first level."""
    assert node.escalation is not None
    return _level_id(node, node.escalation.levels[0])


def exit_(node: ir.FlowNode) -> str:
    """The box an edge out of a 逐级 node leaves from: the highest level it can reach."""
    assert node.escalation is not None
    return _level_id(node, node.escalation.levels[-1])


def cluster(node: ir.FlowNode) -> str:
    return f"cluster_esc_{safe_id(node.name)}"


def hop_text(esc: ir.Escalation) -> str:
    """The per-hop period as the notice writes it: "每级 2小时", "每级 1日（顺延）"."""
    return "每级 " + "".join(esc.unit_text.split()) + ("（顺延）" if esc.roll else "")


def stops(policy: ir.Policy, esc: ir.Escalation) -> dict[str, list[str]]:
    """level -> the grades (their labels) whose report stops there, when the chain ends at
    the level a 分级负责 gives with each row's level written out."""
    if esc.via is None:
        return {}
    dec = policy.decision(esc.via)
    if dec.grade is None or not isinstance(dec.result, ir.TableE):
        return {}
    grade = policy.input(dec.grade).type.enum
    enum = policy.enum(grade) if grade else None
    out: dict[str, list[str]] = {}
    for row in dec.result.rows:
        if isinstance(row.expr, ir.EnumVal) and enum is not None:
            member = str(row.tests[0].value)
            out.setdefault(row.expr.member, []).append(enum.label_of(member) or member)
    return out


def draw(policy: ir.Policy, g: graphviz.Digraph, node: ir.FlowNode) -> None:
    """The chain of a 逐级 node, as a cluster of `g`."""
    esc = node.escalation
    assert esc is not None
    enum = policy.enum(esc.hierarchy)
    bodies = dict(zip((m for m, _ in enum.members), enum.hierarchy or (), strict=False))
    ends_here = stops(policy, esc)
    target = (
        f"至 {enum.label_of(esc.target)}"
        if esc.target is not None
        else f"至 {policy.decision(esc.via).label if esc.via else ''}（按 {esc.via}）"
    )
    title = f"{node.label}\n{target}；{hop_text(esc)}"
    if node.site.clause:
        title += f"〔{node.site.clause}〕"
    with g.subgraph(name=cluster(node)) as sub:
        sub.attr(
            label=label(wrap(title, 24)),
            style="rounded,filled",
            fillcolor="#fdf0ee",
            color=HOP_COLOR,
            fontsize="12",
            labeljust="l",
        )
        for level in esc.levels:
            body = bodies.get(level)
            text = wrap(policy.title(body) if body else enum.label_of(level), 12)
            if level in ends_here:
                text += "\n" + wrap("止于此级：" + "、".join(ends_here[level]), 12)
            sub.node(
                _level_id(node, level),
                label(text),
                shape="box",
                style="filled",
                fillcolor="white",
                **tooltip(cite_tooltip(node.site, enum.label_of(level))),
            )
    for lo, hi in zip(esc.levels, esc.levels[1:], strict=False):
        what = f"{enum.label_of(lo)} → {enum.label_of(hi)}：{hop_text(esc)}"
        g.edge(
            _level_id(node, lo),
            _level_id(node, hi),
            label=label(hop_text(esc)),
            color=HOP_COLOR,
            fontcolor=HOP_COLOR,
            penwidth="1.6",
            **tooltip(cite_tooltip(node.site, what)),
        )
