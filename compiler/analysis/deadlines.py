"""The static checks of a policy's flows and their deadlines.

- W610 a step due by a date earlier than the date of a step the flow puts before it:
  the dates contradict the order, so one of them (or the flow) does not say what the
  text says;
- W611 a step due by a date before the notice's 成文日期: it cannot be met by anyone
  who reads the notice; or after its 有效期至: it falls due when the notice has lapsed;
- W612 a deadline from one step to another that a longer path of deadlines between
  the same two steps cannot keep when each hop takes its full period.

Only what is certain is reported.  W612 adds periods of one clock (days with days,
working days with working days, minutes with minutes): months and days, or days and
working days, do not add up to a fixed count, and a guess would be a false finding.
Loop edges (循环) are left out of paths: they go back, not forward.  A deadline that
may be extended is compared by its base period and the message names the extension.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics

# paths longer than this are not enumerated: a flow of a notice has a handful of
# steps, and a pathological one must not make `check` hang
_MAX_PATHS = 2000
_PERIOD = re.compile(r"(\d+(?:\.\d+)?)(.*)")


def check_flows(policy: ir.Policy, diags: Diagnostics) -> None:
    written = dict(policy.headers).get(V.Header.WRITTEN.value)
    day = dt.date.fromisoformat(written) if written else None
    for flow in policy.flows:
        _order(flow, diags)
        _outside(flow, day, policy.validity.end, diags)
        _paths(flow, diags)


def _forward(flow: ir.Flow) -> dict[str, list[ir.FlowEdge]]:
    out: dict[str, list[ir.FlowEdge]] = {n.name: [] for n in flow.nodes}
    for e in flow.edges:
        if not e.loop:
            out.setdefault(e.src, []).append(e)
    return out


def _reachable(start: str, out: dict[str, list[ir.FlowEdge]]) -> set[str]:
    seen: set[str] = set()
    todo = [e.dst for e in out.get(start, ())]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo.extend(e.dst for e in out.get(n, ()))
    return seen


def _dated(flow: ir.Flow) -> dict[str, tuple[ir.FlowNode, dt.date]]:
    return {n.name: (n, n.due.date) for n in flow.nodes
            if n.due is not None and n.due.date is not None}


def _order(flow: ir.Flow, diags: Diagnostics) -> None:
    dated = _dated(flow)
    if len(dated) < 2:
        return
    out = _forward(flow)
    after = {name: _reachable(name, out) for name in dated}
    for name, (node, day) in dated.items():
        # the latest-dated step before this one: one finding per step, not one per pair
        earlier = [(d, n) for other, (n, d) in dated.items()
                   if other != name and name in after[other] and d > day]
        if not earlier:
            continue
        pday, pnode = max(earlier, key=lambda t: (t[0], t[1].name))
        assert node.due is not None and pnode.due is not None
        iso = node.due.text == day.isoformat() and pnode.due.text == pday.isoformat()
        shown = "" if iso else f"（{day.isoformat()} < {pday.isoformat()}）"
        diags.warning(
            "W610", f"步骤 {node.name} 截止 {node.due.text}前，早于流程中在它之前的步骤 "
            f"{pnode.name} 的截止 {pnode.due.text}前{shown}",
            node.site.span,
            hint="check the dates against the text, and the flow's edges: a step the flow "
                 "puts first is due no later than the steps after it",
            related=[(pnode.site.span, f"the earlier step {pnode.name}")])


def _outside(flow: ir.Flow, written: dt.date | None, end: dt.date | None,
             diags: Diagnostics) -> None:
    """Dates before the notice was written (no reader can meet them) or after it lapses
    (due under no notice at all)."""
    for node, day in _dated(flow).values():
        assert node.due is not None
        shown = "" if node.due.text == day.isoformat() else f"（{day.isoformat()}）"
        if written is not None and day < written:
            diags.warning(
                "W611", f"步骤 {node.name} 截止 {node.due.text}前{shown}，早于 "
                f"{V.Header.WRITTEN.value} {written.isoformat()}：印发时已经过期",
                node.site.span,
                hint="check the date against the text (a year taken from 成文日期 may be the "
                     "wrong one: write the year, or 年份 输入)")
        elif end is not None and day > end:
            diags.warning(
                "W611", f"步骤 {node.name} 截止 {node.due.text}前{shown}，晚于"
                f"通知有效期的最后一日 {end.isoformat()}：到期时通知已经失效",
                node.site.span,
                hint="check the date against the text, and the notice's period in force "
                     "(有效期至, 暂行 N年, 替代/废止)")


def _period(e: ir.FlowEdge) -> tuple[V.Duration, int | Decimal] | None:
    if e.amount is None or e.how is None:
        return None
    return e.how, e.amount


def _paths(flow: ir.Flow, diags: Diagnostics) -> None:
    out = _forward(flow)
    for direct in flow.edges:
        period = _period(direct)
        if period is None or direct.loop:
            continue
        how, limit = period
        worst = _longest(direct, how, out)
        if worst is None or worst[0] <= limit:
            continue
        total, path = worst
        steps = " → ".join([path[0].src] + [e.dst for e in path])
        extended = "" if direct.extension is None else \
            f"（可延长 {direct.extension.unit_text}）"
        diags.warning(
            "W612", f"{direct.src} 到 {direct.dst} 时限 {direct.unit_text}{extended}，但经 "
            f"{steps} 各段时限合计 {_written(direct, total)}：每段用足时限就赶不上",
            direct.site.span,
            hint="check both deadlines against the text; if the text says the shorter one "
                 "wins, say so with a 解读",
            related=[(e.site.span, f"a deadline on the way ({e.unit_text})") for e in path])


def _written(like: ir.FlowEdge, total: int | Decimal) -> str:
    """`total` (in the clock's base unit: hours are held as minutes) in `like`'s written
    unit: 2小时 + 2小时 is 4小时, not 240."""
    m = _PERIOD.fullmatch(like.unit_text or "")
    if m is None or like.amount is None or Decimal(m.group(1)) == 0:
        return f"{total}"
    factor = Decimal(like.amount) / Decimal(m.group(1))
    count = (Decimal(total) / factor).normalize()
    return f"{count:f}{m.group(2)}"


def _longest(direct: ir.FlowEdge, how: V.Duration,
             out: dict[str, list[ir.FlowEdge]]) -> tuple[int | Decimal, list[ir.FlowEdge]] | None:
    """The longest sum of periods on `how`'s clock from direct.src to direct.dst along
    deadline edges other than `direct` (None when there is no such path)."""
    best: tuple[int | Decimal, list[ir.FlowEdge]] | None = None
    for path in _deadline_paths(direct, how, out):
        total = sum((e.amount for e in path if e.amount is not None), start=0)
        if best is None or total > best[0]:
            best = (total, path)
    return best


def _deadline_paths(direct: ir.FlowEdge, how: V.Duration,
                    out: dict[str, list[ir.FlowEdge]]) -> Iterator[list[ir.FlowEdge]]:
    found = 0
    stack: list[tuple[str, list[ir.FlowEdge]]] = [(direct.src, [])]
    while stack and found < _MAX_PATHS:
        node, path = stack.pop()
        for e in out.get(node, ()):
            if e is direct or e.how is not how or e.amount is None:
                continue
            if any(p.src == e.dst for p in path) or e.dst == direct.src:
                continue  # a cycle
            if e.dst == direct.dst:
                if path or e.src != direct.src:
                    found += 1
                    yield path + [e]
                continue
            stack.append((e.dst, path + [e]))
