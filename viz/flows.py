"""Diagrams of flows, ladders and command structures (swimlanes, org charts).

* `flow_<name>`: a swimlane chart, one cluster per actor in order of first
  appearance; events and ends have no actor of their own and sit in the lane
  of the step they lead to or come from, so every lane reads as one party's
  work.  A choice (判断) without 由 is a decision the text gives no one: it sits
  outside every lane, marked 「决定者未明确」, rather than borrowing a lane.  Deadlines are written on their edges and drawn red; loops are dashed
  and do not constrain the ranking, so a "continue until …" edge cannot pull
  the chart out of order.
* `ladder_<name>`: the measures of an escalation ladder in the notice's order, or, for
  a 阶梯 … 视情, the menu of measures taken as the case requires.
* `org`: bodies and roles with their relations (设在, 隶属, 担任 …) and the
  working groups, 牵头 as bold edges and 参与 as dashed ones.

Node ids are ASCII (`n_` + the checked .pol identifier); every label goes
through `label()`.  Statements follow declaration order, which the checker
preserves, so the DOT text is identical for identical input.
"""

from __future__ import annotations

import itertools

import graphviz

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.ir import FlowNodeKind as FK

from . import hierarchy
from .common import (
    cite_tooltip,
    ends,
    label,
    md_cell,
    new_graph,
    report_path,
    safe_id,
    tooltip,
    wrap,
)

DEADLINE_COLOR = "#c0392b"
NO_LEAD = "牵头单位未明确"  # a group whose notice names no lead (issue 19)
LOOP_COLOR = "#7f8c8d"
LANE_FILL = ("#f4f8fc", "#fbf7ef")  # alternating, so neighbouring lanes stay apart


def policy_graphs(policy: ir.Policy) -> dict[str, str]:
    """name -> DOT source for the policy's flows, ladders and structures."""
    out: dict[str, str] = {}
    for f in policy.flows:
        out[f"flow_{f.name}"] = flow_graph(policy, f).source
    for lad in policy.ladders:
        out[f"ladder_{lad.name}"] = ladder_graph(policy, lad).source
    if policy.relations:
        out["org"] = org_graph(policy).source
    if policy.groups:
        out["groups"] = groups_graph(policy).source
    return out


def _nid(name: str) -> str:
    return "n_" + safe_id(name)


def _cite(site: ir.Site) -> str:
    if site.clause:
        return f"〔{site.clause}〕"
    if site.derived:
        return "〔推导〕"
    return ""


def _doc_title(policy: ir.Policy, what: str, site: ir.Site) -> str:
    return f"{policy.docno}　{what}　{_cite(site)}".rstrip()


def deadline_text(e: ir.FlowEdge, policy: ir.Policy | None = None,
                  flow: ir.Flow | None = None) -> str:
    """The deadline as the notice writes it: "15工作日", "10日（顺延）"."""
    if e.unit_text is None:
        return ""
    text = "时限 " + "".join(e.unit_text.split()) + ("（顺延）" if e.roll else "")
    return _branch_text(e, flow) + text + _extension_text(e, policy)


NO_APPROVER = "批准机关未明确"  # an extension whose notice names no approver


def _extension_text(e: ir.FlowEdge, policy: ir.Policy | None) -> str:
    """An extendable deadline shows its cap and approver, so the diagram gives both the
    base and the latest date's period (issue 15.7)."""
    x = e.extension
    if x is None:
        return ""
    who = NO_APPROVER if x.approver is None else (
        policy.title(x.approver) if policy is not None else x.approver)
    total = ""
    if x.how is e.how and e.amount is not None and e.how is not None:
        total = f"；共至多 {e.amount + x.amount}{V.DURATION_SHOWN[e.how]}"
    return f"，经批准可延长，最长 {''.join(x.unit_text.split())}（批准：{who}{total}）"


def _branch_text(e: ir.FlowEdge, flow: ir.Flow | None) -> str:
    """A deadline on one branch names the choice and the branch it holds on."""
    if e.branch is None:
        return ""
    choice, label = e.branch
    if flow is not None:
        choice = next((n.label for n in flow.nodes if n.name == choice), choice)
    return f"{choice}「{label}」："


def due_text(n: ir.FlowNode) -> str:
    """A step's 截止 … 前 as written, with the reading of 前 and where the year comes from."""
    due = n.due
    if due is None:
        return ""
    mark = "含当日" if due.inclusive else "不含当日"
    if due.kind is ir.DueKind.WEEKLY:
        mark = "含该时刻" if due.inclusive else "不含该时刻"
    year = ""
    if due.kind is ir.DueKind.MONTH_DAY:
        year = "；年份由调用方给出"
    elif due.year_from and due.year_from != "文本" and due.date is not None:
        year = f"；{due.date.year}年，据{due.year_from.split(' ')[0]}"
    return f"截止 {due.text}前（{mark}{year}）"


def _lanes(f: ir.Flow) -> dict[str, str | None]:
    """node -> lane (an actor), for every node of `f`."""
    lane: dict[str, str | None] = {n.name: n.actor for n in f.nodes}
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for e in f.edges:
        if not e.loop:
            succ.setdefault(e.src, []).append(e.dst)
            pred.setdefault(e.dst, []).append(e.src)
    # a few passes settle chains of actorless nodes (event -> event -> step)
    for _ in range(len(f.nodes)):
        changed = False
        for n in f.nodes:
            if lane[n.name] is not None or _undecided(n):
                continue
            near = succ.get(n.name, []) + pred.get(n.name, []) if n.kind is not FK.END \
                else pred.get(n.name, []) + succ.get(n.name, [])
            found = next((lane[m] for m in near if lane.get(m) is not None), None)
            if found is not None:
                lane[n.name] = found
                changed = True
        if not changed:
            break
    return lane


NO_DECIDER = "决定者未明确"  # a 判断 the notice gives no one (issue 13): no lane lends it one


def _undecided(n: ir.FlowNode) -> bool:
    return n.kind is FK.CHOICE and n.actor is None


def _lane_header(sub: graphviz.Digraph, policy: ir.Policy, actor: str,
                 nodes: list[ir.FlowNode]) -> None:
    """A lane's title as a node above its first node, not as the cluster's label: edges
    are routed around nodes but straight through cluster labels, which they crossed."""
    hid = "lane_" + safe_id(actor)
    with sub.subgraph() as row:
        # beside the lane's first node, on its rank: a rank of its own would push the lanes
        # apart
        row.attr(rank="same")
        row.node(hid, label(policy.title(actor)), shape="plaintext", fontsize="13",
                 fontcolor="#34495e", margin="0.02,0.02")
        if nodes:
            # a flat edge puts the title to the node's left, away from the east ports
            # that loops come back by
            row.edge(hid, _nid(nodes[0].name), style="invis")


def _node_attrs(kind: ir.FlowNodeKind) -> dict[str, str]:
    if kind is FK.EVENT:
        return {"shape": "ellipse", "style": "filled", "fillcolor": "#e8f4e8"}
    if kind is FK.CHOICE:
        return {"shape": "diamond", "style": "filled", "fillcolor": "#fff6d5"}
    if kind is FK.END:
        return {"shape": "doublecircle", "style": "filled", "fillcolor": "#eeeeee",
                "fixedsize": "false"}
    if kind is FK.ESCALATION:  # the legend's sample of a 逐级 chain (viz/hierarchy.py)
        return {"shape": "box", "style": "rounded,filled", "fillcolor": "#fdf0ee",
                "color": DEADLINE_COLOR}
    return {"shape": "box", "style": "rounded,filled", "fillcolor": "white"}


def _node_text(n: ir.FlowNode) -> str:
    width = {FK.CHOICE: 10, FK.END: 6, FK.EVENT: 12}.get(n.kind, 14)
    parts = [wrap(n.label, width)]
    for doc in n.inputs:
        parts.append(wrap("收 " + doc, width))
    for doc in n.outputs:
        parts.append(wrap("出 " + doc, width))
    if n.due is not None:
        parts.append(wrap(due_text(n), width))
    cite = _cite(n.site)
    if cite and n.kind in (FK.STEP, FK.EVENT):
        parts.append(cite)
    if _undecided(n):
        parts.append(f"（{NO_DECIDER}）")
    return "\n".join(parts)


def _with_due(n: ir.FlowNode) -> str:
    return n.label + (f"（{due_text(n)}）" if n.due is not None else "")


def _edge_text(e: ir.FlowEdge, policy: ir.Policy | None = None,
               flow: ir.Flow | None = None) -> str:
    parts = []
    if e.when:
        parts.append(wrap(e.when, 12))
    if e.unit_text:
        parts.append(wrap(deadline_text(e, policy, flow), 18))
    if e.loop:
        parts.append("循环")
    return "\n".join(parts)


def flow_graph(policy: ir.Policy, f: ir.Flow) -> graphviz.Digraph:
    g = new_graph(f"flow_{f.name}", _doc_title(policy, f.label, f.site))
    g.attr(nodesep="0.35", ranksep="0.45", fontsize="18", compound="true")
    g.attr("node", fontsize="11", margin="0.12,0.06")
    g.attr("edge", fontsize="10")
    lane = _lanes(f)
    head, skipped, tail = ends(f.nodes)
    nodes = [*head, *tail]
    drawn = {n.name for n in nodes}
    actors = list(dict.fromkeys(a for n in nodes if (a := lane[n.name]) is not None))
    for i, actor in enumerate(actors):
        with g.subgraph(name=f"cluster_{safe_id(actor)}") as sub:
            sub.attr(label="", style="filled,rounded", fillcolor=LANE_FILL[i % 2],
                     color="#9aa7b4")
            _lane_header(sub, policy, actor, [n for n in nodes if lane[n.name] == actor])
            for n in nodes:
                if lane[n.name] == actor and n.escalation is None:
                    sub.node(_nid(n.name), label(_node_text(n)), **_node_attrs(n.kind),
                             **tooltip(cite_tooltip(n.site, n.label)))
    for n in nodes:
        if n.escalation is not None:
            hierarchy.draw(policy, g, n)  # 逐级: its own cluster, one box a level
        elif lane[n.name] is None:
            g.node(_nid(n.name), label(_node_text(n)), **_node_attrs(n.kind),
                   **tooltip(cite_tooltip(n.site, n.label)))
    if skipped:
        _flow_summary(policy, g, f, len(head), skipped)
    linked: set[tuple[str, str]] = set()
    chains = {n.name: n for n in nodes if n.escalation is not None}
    for e in f.edges:
        src = _nid(e.src) if e.src in drawn else GAP
        dst = _nid(e.dst) if e.dst in drawn else GAP
        if GAP in (src, dst):
            # an edge into or out of the left-out nodes: one plain line to the gap
            if src != dst and (src, dst) not in linked:
                linked.add((src, dst))
                g.edge(src, dst, style="dotted", color=LOOP_COLOR)
            continue
        text = _edge_text(e, policy, f)
        what = "　".join(x for x in (e.when or "", deadline_text(e, policy, f)) if x)
        attrs: dict[str, str] = tooltip(cite_tooltip(e.site, what))
        src, dst = _escalation_ends(chains, e, src, dst, attrs)
        if text:
            attrs["label"] = label(text)
        if e.unit_text:
            attrs.update(color=DEADLINE_COLOR, fontcolor=DEADLINE_COLOR, penwidth="1.6")
        if e.loop:
            attrs.update(style="dashed", constraint="false", tailport="e", headport="e")
            if not e.unit_text:
                attrs.update(color=LOOP_COLOR, fontcolor=LOOP_COLOR)
        g.edge(src, dst, **attrs)
    _legend(g, [n.kind for n in f.nodes], any(e.unit_text for e in f.edges),
            any(e.loop for e in f.edges))
    return g


def _escalation_ends(by_name: dict[str, ir.FlowNode], e: ir.FlowEdge, src: str, dst: str,
                     attrs: dict[str, str]) -> tuple[str, str]:
    """An edge into or out of a 逐级 node meets its chain's first or last level, drawn
    to the cluster's border."""
    if e.src in by_name:
        src = hierarchy.exit_(by_name[e.src])
        attrs["ltail"] = hierarchy.cluster(by_name[e.src])
    if e.dst in by_name:
        dst = hierarchy.entry(by_name[e.dst])
        attrs["lhead"] = hierarchy.cluster(by_name[e.dst])
    return src, dst


GAP = "gap"
_KIND_WORDS = {FK.EVENT: V.Keyword.EVENT.value, FK.STEP: V.Keyword.STEP.value,
               FK.CHOICE: V.Keyword.CHOICE.value, FK.END: V.Keyword.END.value,
               FK.ESCALATION: V.Keyword.ESCALATION.value}


def _flow_summary(policy: ir.Policy, g: graphviz.Digraph, f: ir.Flow, first: int,
                  skipped: int) -> None:
    """The nodes a flow too long to draw leaves out, counted, and where to read them."""
    left_out = f.nodes[first:first + skipped]
    kinds = "、".join(f"{_KIND_WORDS[k]} {sum(n.kind == k for n in left_out):,}"
                     for k in _KIND_WORDS if any(n.kind == k for n in left_out))
    g.node(GAP, label(f"…… 第 {first + 1:,}–{first + skipped:,} 个节点（{kinds}）……"),
           shape="plaintext")
    deadlines = sum(1 for e in f.edges if e.unit_text)
    text = (f"流程共 {len(f.nodes):,} 个节点、{len(f.edges):,} 条转移（{deadlines:,} 条有时限），"
            f"图中只画首尾各 {first} 个节点\n全流程见报告 {report_path(policy)}")
    g.node("summary", label(text), shape="note", style="filled", fillcolor="#fff6d5")


def full_flows(policy: ir.Policy) -> list[str]:
    """Markdown, for the report, of every flow and ladder too long for its diagram."""
    lines: list[str] = []
    for f in policy.flows:
        if not ends(f.nodes)[1]:
            continue
        out: dict[str, list[str]] = {}
        for e in f.edges:
            extra = "；".join(x for x in (e.when and f"若 {e.when}", deadline_text(e, policy, f),
                                          "循环" if e.loop else "") if x)
            out.setdefault(e.src, []).append(e.dst + (f"（{extra}）" if extra else ""))
        lines += [f"### 流程 `{f.name}` {md_cell(f.label)}: {len(f.nodes):,} 个节点", "",
                  "| # | 类型 | 节点 | 执行者 | 转至 | 依据 |", "|---:|---|---|---|---|---|"]
        lines += [f"| {i} | {_KIND_WORDS[n.kind]} | `{n.name}` {md_cell(_with_due(n))} | "
                  f"{md_cell(policy.title(n.actor) if n.actor else '')} | "
                  f"{md_cell('、'.join(out.get(n.name, [])))} | {md_cell(_cite(n.site))} |"
                  for i, n in enumerate(f.nodes, 1)]
        lines.append("")
    for lad in policy.ladders:
        if ends(lad.rungs)[1]:
            kind = "（视情采取，不分先后）" if lad.menu else ""
            title = f"### 阶梯 `{lad.name}` {md_cell(lad.label)}: {len(lad.rungs):,} 项措施{kind}"
            lines += [title, "",
                      "| # | 措施 | 依据 |", "|---:|---|---|"]
            lines += [f"| {i} | {md_cell(text)} | {md_cell(_cite(site))} |"
                      for i, (text, site) in enumerate(lad.rungs, 1)]
            lines.append("")
    return ["## Full flows and ladders", "", *lines] if lines else []


_LEGEND_NODES = tuple(_KIND_WORDS.items())


def _legend(g: graphviz.Digraph, kinds: list[ir.FlowNodeKind], deadlines: bool,
            loops: bool) -> None:
    with g.subgraph(name="cluster_legend") as lg:
        lg.attr(label="图例", style="dashed", color="#bbbbbb", fontsize="11", labeljust="l")
        lg.attr("node", fontsize="9", width="0.3", height="0.3", margin="0.05,0.03")
        # one row: shapes, then sample edges drawn horizontally between points
        lg.attr(rank="same")
        shown = [(k, text) for k, text in _LEGEND_NODES if k in kinds]
        for k, text in shown:
            lg.node(f"legend_{k.value}", label(text), **_node_attrs(k))
        # the sample edges sit between plain points so they read as lines, not steps
        samples: list[tuple[str, dict[str, str]]] = [("一般", {})]
        if deadlines:
            samples.append(("时限", {"color": DEADLINE_COLOR, "fontcolor": DEADLINE_COLOR,
                                    "penwidth": "1.6"}))
        if loops:
            samples.append(("循环", {"style": "dashed", "color": LOOP_COLOR,
                                    "fontcolor": LOOP_COLOR}))
        for i, (text, attrs) in enumerate(samples):
            a, b = f"legend_e{i}a", f"legend_e{i}b"
            lg.node(a, "", shape="point", width="0.05")
            lg.node(b, "", shape="point", width="0.05")
            lg.edge(a, b, label=label(text), **attrs)
        # invisible links fix the left-to-right order, which a rank alone leaves open
        chain = [f"legend_{k.value}" for k, _ in shown]
        for i in range(len(samples)):
            chain += [f"legend_e{i}a", f"legend_e{i}b"]
        for x, y in itertools.pairwise(chain):
            if not (x.endswith("a") and y.endswith("b") and x[:-1] == y[:-1]):
                lg.edge(x, y, style="invis")


MENU_NOTE = "根据情况采取下列措施\n（可单独或合并采用，不分先后）"


def ladder_graph(policy: ir.Policy, lad: ir.Ladder) -> graphviz.Digraph:
    if lad.menu:
        return menu_graph(policy, lad)
    g = new_graph(f"ladder_{lad.name}", _doc_title(policy, lad.label, lad.site))
    g.attr(fontsize="18", ranksep="0.3")
    g.attr("node", fontsize="11")
    g.attr("edge", fontsize="10")
    who = f"{policy.title(lad.actor)} 对 {policy.title(lad.target)}"
    g.node("actor", label(wrap(who, 16)), shape="box", style="filled", fillcolor="#e8eef6",
           **tooltip(cite_tooltip(lad.site, lad.label)))
    prev = "actor"
    head, skipped, tail = ends(lad.rungs)
    numbered = [*enumerate(head, start=1),
                *enumerate(tail, start=len(lad.rungs) - len(tail) + 1)]
    for i, (text, site) in numbered:
        if skipped and i == len(head) + skipped + 1:
            g.node(GAP, label(f"…… 第 {len(head) + 1:,}–{len(head) + skipped:,} 项措施，"
                              f"见报告 {report_path(policy)} ……"),
                   shape="plaintext")
            g.edge(prev, GAP, color=DEADLINE_COLOR, style="dotted")
            prev = GAP
        rid = f"rung_{i:02d}"
        g.node(rid, label(f"（{i}）{wrap(text, 18)}\n{_cite(site)}"), shape="box",
               style="rounded,filled", fillcolor="#fdf0ee" if i > 1 else "white",
               **tooltip(cite_tooltip(site, f"（{i}）{text}")))
        tip = tooltip(cite_tooltip(site, f"（{i}）{text}"))
        if prev == "actor":
            g.edge(prev, rid, label=label("采取措施"), **tip)
        else:
            g.edge(prev, rid, color=DEADLINE_COLOR, penwidth="1.6",
                   fontcolor=DEADLINE_COLOR, label=label("升级"), **tip)
        prev = rid
    return g


def menu_graph(policy: ir.Policy, lad: ir.Ladder) -> graphviz.Digraph:
    """A 阶梯 … 视情: the measures as a menu, one choice node and each measure beside the
    others, with no order between them, no 「升级」 and no measure drawn as heavier."""
    g = new_graph(f"ladder_{lad.name}", _doc_title(policy, lad.label, lad.site), rankdir="LR")
    g.attr(fontsize="18", nodesep="0.15")
    g.attr("node", fontsize="11")
    g.attr("edge", fontsize="10")
    who = f"{policy.title(lad.actor)} 对 {policy.title(lad.target)}"
    g.node("actor", label(wrap(who, 16)), shape="box", style="filled", fillcolor="#e8eef6",
           **tooltip(cite_tooltip(lad.site, lad.label)))
    g.node("menu", label(MENU_NOTE), shape="diamond", style="filled", fillcolor="#fff6d5",
           **tooltip(cite_tooltip(lad.site, lad.label)))
    g.edge("actor", "menu")
    head, skipped, tail = ends(lad.rungs)
    numbered = [*enumerate(head, start=1),
                *enumerate(tail, start=len(lad.rungs) - len(tail) + 1)]
    for i, (text, site) in numbered:
        if skipped and i == len(head) + skipped + 1:
            g.node(GAP, label(f"…… 第 {len(head) + 1:,}–{len(head) + skipped:,} 项措施，"
                              f"见报告 {report_path(policy)} ……"), shape="plaintext")
            g.edge("menu", GAP, style="dotted", arrowhead="none")
        rid = f"rung_{i:02d}"
        tip = tooltip(cite_tooltip(site, f"（{i}）{text}"))
        # the notice's numbering, which is how the text refers to a measure, not an order
        g.node(rid, label(f"（{i}）{wrap(text, 18)}\n{_cite(site)}"), shape="box",
               style="rounded,filled", fillcolor="white", **tip)
        g.edge("menu", rid, label=label("可选"), **tip)
    return g


def org_graph(policy: ir.Policy) -> graphviz.Digraph:
    """The command structure: who is set up in, belongs to, heads or reports to whom."""
    roles = {r.name for r in policy.roles}
    g = new_graph("org", f"{policy.docno}　组织体系", rankdir="LR")
    g.attr(fontsize="18", nodesep="0.25", ranksep="0.7")
    g.attr("node", fontsize="11", margin="0.12,0.05")
    g.attr("edge", fontsize="10")
    seen = dict.fromkeys(n for rel in policy.relations for n in (rel.subject, rel.object))
    for n in seen:
        g.node(_nid(n), label(wrap(policy.title(n), 12)), **_body_attrs(n in roles))
    for rel in policy.relations:
        attrs = {"label": label(rel.verb), **tooltip(cite_tooltip(
            rel.site, f"{policy.title(rel.subject)} {rel.verb} {policy.title(rel.object)}"))}
        attrs.update(_VERB_STYLE.get(rel.verb, {}))
        g.edge(_nid(rel.subject), _nid(rel.object), **attrs)
    _org_legend(g)
    return g


_VERB_STYLE: dict[str, dict[str, str]] = {
    "设在": {"style": "dashed", "color": "#2c6fbb", "fontcolor": "#2c6fbb"},
    "担任": {"color": "#8e44ad", "fontcolor": "#8e44ad", "penwidth": "1.6"},
    "报告": {"color": "#27764a", "fontcolor": "#27764a"},
}


def _body_attrs(role: bool) -> dict[str, str]:
    if role:
        return {"shape": "ellipse", "style": "filled", "fillcolor": "#fff6d5"}
    return {"shape": "box", "style": "filled", "fillcolor": "#e8eef6"}


def _org_legend(g: graphviz.Digraph) -> None:
    with g.subgraph(name="cluster_legend") as lg:
        lg.attr(label="图例", style="dashed", color="#bbbbbb", fontsize="11", labeljust="l")
        lg.attr("node", fontsize="9", margin="0.05,0.03")
        lg.node("legend_body", label("机构"), **_body_attrs(False))
        lg.node("legend_role", label("角色"), **_body_attrs(True))
        lg.edge("legend_body", "legend_role", style="invis")


def groups_graph(policy: ir.Policy) -> graphviz.Digraph:
    """Working groups against departments: 牵头 bold, 参与 dashed."""
    g = new_graph("groups", f"{policy.docno}　工作组（粗线：牵头；虚线：参与）", rankdir="LR")
    g.attr(fontsize="18", nodesep="0.12", ranksep="2.2", splines="true")
    g.attr("node", fontsize="11", margin="0.12,0.04")
    members = dict.fromkeys(n for grp in policy.groups for n in grp.leads + grp.participants)
    with g.subgraph(name="cluster_members") as sub:
        sub.attr(label="部门与单位", style="rounded", color="#9aa7b4")
        for n in members:
            sub.node(_nid(n), label(wrap(policy.title(n), 14)), **_body_attrs(False))
    with g.subgraph(name="cluster_groups") as sub:
        sub.attr(label="工作组", style="rounded", color="#9aa7b4")
        for grp in policy.groups:
            unnamed = "" if grp.leads else "\n" + NO_LEAD
            sub.node("g_" + safe_id(grp.name),
                     label(wrap(grp.label, 12) + unnamed + "\n" + _cite(grp.site)),
                     shape="box", style="rounded,filled", fillcolor="#fdf0ee",
                     **tooltip(cite_tooltip(grp.site, grp.label)))
    for grp in policy.groups:
        gid = "g_" + safe_id(grp.name)
        for n in grp.leads:
            g.edge(_nid(n), gid, penwidth="2.6", color=DEADLINE_COLOR,
                   **tooltip(cite_tooltip(grp.site, f"{policy.title(n)} 牵头 {grp.label}")))
        for n in grp.participants:
            g.edge(_nid(n), gid, style="dashed", color="#7f8c8d", arrowsize="0.6",
                   **tooltip(cite_tooltip(grp.site, f"{policy.title(n)} 参与 {grp.label}")))
    return g
