"""Hierarchies (层级), the responsibility per grade (分级负责) and 逐级 reporting.

A 层级 is an ordered enum, lowest level first, whose levels may name the 机构 acting
there (E115 when undeclared, E244 when two levels name one); it has at least two
levels (E249).  A 分级负责 is a decision whose result is a one-key table over an enum
input (E242 otherwise): each grade at most once (E243; a name that is no member is the
table's E208), and a grade the text assigns to nobody is reported (W315; the decision refuses it).  A 逐级 node climbs a 层级 (E245)
between two of its levels, or up to the level a decision gives (E246, E247), never down
(E248), within a period a hop (E205); a grade whose responsible level lies below the
chain's start is reported (W316), as that grade's report climbs no level; so is a
hop in hours after a deadline in days into the node (W317).
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.ir import TypeKind as TK
from polc.compiler.syntax import ast as A

from . import types_and_units as T
from .context import Context, suggest


def check_hierarchies(cx: Context, items: tuple[A.Item, ...], actors: set[str]) -> None:
    """A hierarchy has two levels (E249), each naming a declared body (E115), no body
    at two levels (E244)."""
    for it in items:
        if not isinstance(it, A.EnumDecl) or it.hierarchy is None:
            continue
        if len(it.members) < 2:
            cx.d.error(
                "E249",
                f"层级 {it.name} 只有 {len(it.members)} 级",
                it.span,
                hint="a hierarchy has at least two levels, lowest first",
            )
        seen: dict[str, str] = {}
        for m, body in zip(it.members, it.hierarchy, strict=True):
            if body is None:
                continue
            if body not in actors:
                cx.d.error(
                    "E115",
                    f"未定义的机构或角色 {body!r}",
                    m.span,
                    hint=suggest(body, actors) or f'declare it: 机构 {body} "…"',
                )
            elif body in seen:
                cx.d.error(
                    "E244",
                    f"层级 {it.name} 的 {seen[body]} 和 {m.name} 是同一机构 {body}",
                    m.span,
                    hint="each level is a different body, one step above the last",
                )
            seen.setdefault(body, m.name)


def assignment_rows(cx: Context, dec: A.Decision) -> A.Decision:
    """A 分级负责 checked: its grade is an enum input, its rows name each member at most
    once; the rows that fail are dropped, so the table below reports nothing twice."""
    grade = dec.grade
    if grade is None or not isinstance(dec.result, A.Table):
        return dec
    inp = cx.symbols.inputs.get(grade)
    if inp is None:
        return dec  # E108, reported with the parameters
    enum = cx.symbols.enums.get(inp.type.enum or "") if inp.type.kind is TK.ENUM else None
    if enum is None:
        cx.d.error(
            "E242",
            f"分级负责 {dec.name} 的输入 {grade} 不是枚举（类型为 {inp.type.show()}）",
            dec.params[0][1],
            hint="分级负责 assigns each member of an enum (a grade, a level): declare "
            f'输入 {grade} "…" : ENUM',
        )
        return attrs.evolve(dec, result=attrs.evolve(dec.result, rows=()))
    seen: dict[str, A.TableRow] = {}
    rows: list[A.TableRow] = []
    for row in dec.result.rows:
        pat = row.patterns[0]
        if not isinstance(pat, A.NamePat):
            continue
        if not enum.has(pat.name):
            rows.append(row)  # E208, reported by the table
            continue
        if pat.name in seen:
            cx.d.error(
                "E243",
                f"分级负责 {dec.name} 为 {pat.name} 写了两次",
                pat.span,
                hint="each grade takes one row",
                related=[(seen[pat.name].span, "the first")],
            )
            continue
        seen[pat.name] = row
        rows.append(row)
    missing = [m for m, _ in enum.members if m not in seen]
    if missing and rows:
        cx.d.warning(
            "W315",
            f"分级负责 {dec.name} 没有为 {'、'.join(missing)} 指定负责方",
            dec.span,
            hint="the decision refuses those grades; add their rows "
            "where the notice assigns them, or say in a 解读 why it does not",
        )
    return attrs.evolve(dec, result=attrs.evolve(dec.result, rows=tuple(rows)))


def escalation(cx: Context, node: A.FlowNode) -> ir.Escalation | None:
    esc = node.escalation
    if esc is None:
        return None
    at_hier, at_start, at_target = esc.names or (esc.span, None, esc.span)
    enum = cx.symbols.enums.get(esc.hierarchy)
    if enum is not None and enum.hierarchy is None:
        cx.d.error(
            "E245",
            f"逐级 {node.name} 沿的 {esc.hierarchy} 是枚举，不是层级",
            at_hier,
            hint=f'declare the levels, lowest first, as 层级 {esc.hierarchy} "…" {{ … }}',
        )
        return None
    if enum is None or enum.hierarchy is None:
        names = [e.name for e in cx.symbols.enums.values() if e.hierarchy is not None]
        cx.d.error(
            "E245",
            f"逐级 {node.name} 沿的 {esc.hierarchy!r} 不是层级",
            at_hier,
            hint=suggest(esc.hierarchy, names)
            or f'declare it: 层级 {esc.hierarchy} "…" {{ county "县级人民政府" … }}',
        )
        return None
    levels = [m for m, _ in enum.members]
    start = esc.start if esc.start is not None else levels[0]
    if start not in levels:
        cx.d.error(
            "E246",
            f"{start!r} 不是层级 {enum.name} 的一级",
            at_start or esc.span,
            hint=suggest(start, levels) or "levels: " + "、".join(levels),
        )
        return None
    target: str | None = None
    via: str | None = None
    params: tuple[str, ...] = ()
    top = levels[-1]
    if esc.target in levels:
        target = top = esc.target
        if levels.index(target) <= levels.index(start):
            cx.d.error(
                "E248",
                f"逐级 {node.name} 从 {start} 至 {target} 不是向上",
                at_target,
                hint=f"levels run upwards: {' → '.join(levels)}",
            )
            return None
    elif esc.target in cx.decisions:
        dec = cx.decisions[esc.target]
        if dec.type.kind is not TK.ENUM or dec.type.enum != enum.name:
            cx.d.error(
                "E247",
                f"决策 {dec.name} 的结果为 {dec.type.show()}，不是层级 {enum.name} 的一级",
                at_target,
                hint=f"至 names a level of {enum.name} or a 分级负责 … : {enum.name}",
            )
            return None
        via, params = dec.name, dec.params
        reach = _constant_levels(dec)
        if reach is not None:
            below = [g for g, lv in reach if levels.index(lv) < levels.index(start)]
            if below:
                cx.d.warning(
                    "W316",
                    f"决策 {dec.name} 为 {'、'.join(below)} 给出的层级低于"
                    f"逐级的起点 {start}：这些等级不逐级上报",
                    at_target,
                    hint="start the chain lower, or say in a 解读 why these "
                    "grades are not reported upwards",
                )
            if reach:
                top = max((lv for _, lv in reach), key=levels.index)
                if levels.index(top) < levels.index(start):
                    top = start
    else:
        cx.d.error(
            "E246",
            f"{esc.target!r} 既不是层级 {enum.name} 的一级，也不是决策",
            at_target,
            hint=suggest(esc.target, [*levels, *cx.decisions]) or "levels: " + "、".join(levels),
        )
        return None
    lit = T.quantity(esc.per_hop, cx.d, cx.symbols.units)
    how = V.DURATIONS.get(lit.type.unit.duration or "")
    if how is None:
        cx.d.error("E205", f"每级时限须为期间（{'、'.join(V.PERIOD_WORDS)}）", esc.per_hop.span)
        return None
    amount: int | Decimal = lit.value  # type: ignore[assignment]
    chain = tuple(levels[levels.index(start) : levels.index(top) + 1])
    return ir.Escalation(
        enum.name, chain, target, via, params, amount, how, cx.quote(esc.per_hop.span), esc.roll
    )


def _constant_levels(dec: ir.Decision) -> list[tuple[str, str]] | None:
    """(grade, level) for each row of a 分级负责 whose value is a level written out;
    None when the decision is not one (its reach is then the whole hierarchy)."""
    if dec.grade is None or not isinstance(dec.result, ir.TableE):
        return None
    out: list[tuple[str, str]] = []
    for row in dec.result.rows:
        if not isinstance(row.expr, ir.EnumVal):
            return None
        out.append((str(row.tests[0].value), row.expr.member))
    return out


def check_hop_periods(cx: Context, flow: ir.Flow) -> None:
    """W317: hours a hop after a deadline in days.  The node's due date is then a day,
    and an hour counts from a moment, so its hops are known only from a time the caller
    gives (events["step"]); from the due date alone they are refused at run time."""
    hourly = {
        n.name
        for n in flow.nodes
        if n.escalation is not None and n.escalation.how is V.Duration.MINUTES
    }
    for e in flow.edges:
        if e.dst in hourly and e.how is not None and e.how is not V.Duration.MINUTES:
            cx.d.warning(
                "W317",
                f"逐级 {e.dst} 每级以小时计，而转入它的时限 {e.unit_text} 以日计：其到期日没有时刻",
                e.site.span,
                hint=f"give the time the first level had the report (events[{e.dst!r}]), "
                "or write the deadline into it in 小时",
            )
