"""Lowering of the organisation and procedures: relations, working groups, escalation
ladders and flows.

These say who does what rather than what a value is, so they are checked apart from the
decisions: every actor they name must be a declared body or role (E115), a flow's edges
must join its own nodes (E116), a group without 牵头 may not cite a quote naming
one (E140), a relation verb of the notice's own must be in its quote (E141, E142),
and an edge's time limit must be a period (E205); dated steps, extensions and deadlines by
branch are checked in `deadlines` (E152–E159, W318–W319).  A step
without its own citation inherits its flow's, and an edge its source node's.
"""

from __future__ import annotations

import attrs

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.syntax import ast as A

from . import deadlines, hierarchies
from .context import Context, suggest
from .sites import site


@attrs.frozen
class Organisation:
    flows: tuple[ir.Flow, ...]
    ladders: tuple[ir.Ladder, ...]
    relations: tuple[ir.RelationDef, ...]
    groups: tuple[ir.Group, ...]


def organisation(cx: Context, items: tuple[A.Item, ...]) -> Organisation:
    actors = set(cx.symbols.bodies) | set(cx.symbols.roles)
    flows: list[ir.Flow] = []
    ladders: list[ir.Ladder] = []
    relations: list[ir.RelationDef] = []
    groups: list[ir.Group] = []

    hierarchies.check_hierarchies(cx, items, actors)
    for it in items:
        if isinstance(it, A.Relation):
            _actor(cx, actors, it.subject, it.span)
            _actor(cx, actors, it.object, it.span)
            _verb_of_the_text(cx, it)
            relations.append(ir.RelationDef(it.subject, it.verb, it.object,
                                            site(it.annot, it.span)))
        elif isinstance(it, A.GroupDecl):
            for n in it.leads + it.participants:
                _actor(cx, actors, n, it.span)
            _lead_not_dropped(cx, it)
            groups.append(ir.Group(it.name, it.label, it.leads, it.participants,
                                   site(it.annot, it.span)))
        elif isinstance(it, A.Ladder):
            _actor(cx, actors, it.actor, it.span)
            _actor(cx, actors, it.target, it.span)
            rungs = tuple((r.label, site(r.annot, r.span)) for r in it.rungs)
            ladders.append(ir.Ladder(it.name, it.label, it.actor, it.target, rungs,
                                     site(it.annot, it.span), menu=it.menu))
        elif isinstance(it, A.Flow):
            flows.append(_flow(cx, it, actors))
    return Organisation(tuple(flows), tuple(ladders), tuple(relations), tuple(groups))


def _actor(cx: Context, actors: set[str], name: str, span: Span) -> None:
    if name not in actors:
        cx.d.error("E115", f"未定义的机构或角色 {name!r}", span,
                   hint=suggest(name, actors) or f'declare it: 机构 {name} "…"')


def _verb_of_the_text(cx: Context, it: A.Relation) -> None:
    # a verb beyond the built-in ones is the notice's own word, so its quotes must hold it
    if not it.quoted_verb or it.verb in V.RELATION_VERBS:
        return
    if not it.verb.strip():
        cx.d.error("E141", "关系词为空", it.span, hint='write the verb the notice uses: "指定"')
        return
    quotes = [q for c in it.annot.cites for q in c.quotes]
    if quotes and not any(it.verb in q for q in quotes):
        cx.d.error("E142", f"关系词 {it.verb!r} 不在引文中", it.span,
                   hint="a verb beyond the built-in ones is taken from the quote, verbatim")


def _lead_not_dropped(cx: Context, it: A.GroupDecl) -> None:
    # a group may go without 牵头 only where the notice names no lead: a quote saying
    # 牵头 means the drafter left out a body the text names
    if it.leads:
        return
    for cite in it.annot.cites:
        if any(V.Keyword.LEADS.value in q for q in cite.quotes):
            cx.d.error("E140", f"工作组 {it.name} 的引文写有牵头单位，但没有写 牵头", it.span,
                       hint="write 牵头 BODY as the quote names it; omit 牵头 only where "
                            "the notice names no lead")
            return


def _flow(cx: Context, it: A.Flow, actors: set[str]) -> ir.Flow:
    fsite = site(it.annot, it.span)
    nodes: dict[str, ir.FlowNode] = {}
    for n in it.nodes:
        if n.name in nodes:
            cx.d.error("E101", f"流程节点 {n.name!r} 重复", n.span)
            continue
        if n.actor is not None:
            _actor(cx, actors, n.actor, n.span)
        nodes[n.name] = ir.FlowNode(ir.FlowNodeKind(n.kind), n.name, n.label, n.actor,
                                    n.inputs, n.outputs, site(n.annot, n.span, inherit=fsite),
                                    deadlines.step_due(cx, n), hierarchies.escalation(cx, n))
    edges = []
    for e in it.edges:
        for end in (e.src, e.dst):
            if end not in nodes:
                cx.d.error("E116", f"流程 {it.name} 没有节点 {end!r}", e.span,
                           hint=suggest(end, nodes))
        esite = site(e.annot, e.span, inherit=nodes[e.src].site if e.src in nodes else fsite)
        if not e.deadlines:
            edges.append(ir.FlowEdge(e.src, e.dst, e.when, None, None, None, e.roll, e.loop,
                                     esite))
            continue
        # one IR edge per deadline: several are alternatives by branch (当 choice "label")
        deadlines.check_branches(cx, it, e, nodes)
        for dl in e.deadlines:
            amount, how, _whole = deadlines.period(cx, dl.amount, "E205", "时限")
            if dl.approver is not None:
                _actor(cx, actors, dl.approver, dl.span)
            edges.append(ir.FlowEdge(e.src, e.dst, e.when, amount, how,
                                     cx.quote(dl.amount.span), dl.roll, e.loop, esite,
                                     deadlines.extension(cx, dl, how), dl.branch))
    flow = ir.Flow(it.name, it.label, tuple(nodes.values()), tuple(edges), fsite)
    hierarchies.check_hop_periods(cx, flow)
    return flow
