"""Deadlines of flows beyond a plain 时限: steps due by a fixed moment (截止 … 前), extendable
deadlines (时限 … 延长 … 由) and deadlines that differ by branch (时限 … 当 choice "label").

A step's 截止 gives a date (2022-08-30), a month and day whose year is said, never guessed —
the notice's (年份 成文年份, from the 成文日期 header) or the caller's (年份 输入) — or a
weekly moment (每周四 17时).  The law does not say whether 「8月30日前」 includes 30 August
(民法典 第一千二百五十九条 defines 以上、以下、以内、届满, not 前), so the drafter writes
前（含） or 前（不含） (E156) and states the reading as a 解读 (W318).

An extension (延长) is a period of the same clock as the deadline it extends (E152), and is
counted from the base deadline's end.  A deadline on a branch names a 判断 of the flow (E153)
and one of its branch labels (E154), each branch once and not beside an unbranched 时限
(E155); a branch left without a deadline is reported (W319).  A step has one 截止 (E155),
and a quote of the step writes its moment (E159).  Codes E152–E159, W318–W319.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.syntax import ast as A

from . import types_and_units as T
from .context import Context, suggest

# 每周一 … 每周日 / 每周天: Monday is 0, as datetime.weekday() counts
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_MONTH_DAY = re.compile(r"([0-9]{1,2})月([0-9]{1,2})日")
_TIME = re.compile(r"([0-9]{1,2})时(?:([0-9]{1,2})分)?")
# any leap year: 2月29日 of a year the caller gives is checked when the year is known
_LEAP = 2000


def step_due(cx: Context, n: A.FlowNode) -> ir.StepDue | None:
    """The IR of a step's 截止 … 前, or None (no 截止, or an error reported)."""
    if not n.dues:
        return None
    for extra in n.dues[1:]:
        cx.d.error("E155", f"步骤 {n.name} 有多个 截止", extra.span,
                   hint="a step has one due moment; split the step if the notice gives two")
    due = n.dues[0]
    _in_the_quote(cx, n, due)
    if due.inclusive is None:
        cx.d.error("E156", f"截止 {due.text}前 未写明是否含当日（当时）", due.span,
                   hint="the law does not define 前: write 前（含） or 前（不含） and the reading "
                        "as 解读")
        return None
    if not n.annot.readings:
        cx.d.warning("W318", f"截止 {due.text}前{'（含）' if due.inclusive else '（不含）'} "
                     "是对“前”的解读，但步骤没有写 解读", due.span,
                     hint='state it: 解读 "「前」是否含当日，文中未明；…"')
    if due.kind == "date":
        day = T.date(due.text, due.span, cx.d)
        if day is None:
            return None
        return _dated(cx, due, day, "文本")
    if due.kind == "month_day":
        return _month_day(cx, due)
    return _weekly(cx, due)


def _in_the_quote(cx: Context, n: A.FlowNode, due: A.StepDue) -> None:
    # the moment is the notice's, never the drafter's: a quote of the step must write it
    # (as E142 holds a relation's verb to its quote)
    quotes = [q for c in n.annot.cites for q in c.quotes]
    if not quotes:
        return
    if due.kind == "date":
        try:
            day = dt.date.fromisoformat(due.text)
        except ValueError:
            return  # E105
        written = f"{day.month}月{day.day}日前"
    else:
        written = due.text.replace(" ", "") + "前"
    if not any(written in "".join(q.split()) for q in quotes):
        cx.d.error("E159", f"截止 {due.text}前 不在步骤 {n.name} 的引文中", due.span,
                   hint=f"quote the sentence that sets it (「…{written}…」)")


def _dated(cx: Context, due: A.StepDue, day: dt.date, year_from: str) -> ir.StepDue | None:
    if not due.inclusive:
        if day == dt.date.min:
            cx.d.error("E158", f"截止 {due.text}前（不含） 之前没有日期", due.span)
            return None
        day -= dt.timedelta(days=1)
    return ir.StepDue(ir.DueKind.DATE, due.text, bool(due.inclusive), date=day,
                      year_from=year_from)


def _month_day(cx: Context, due: A.StepDue) -> ir.StepDue | None:
    m = _MONTH_DAY.fullmatch(due.text)
    assert m is not None  # the grammar's MONTH_DAY
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(_LEAP, month, day)
    except ValueError:
        cx.d.error("E158", f"无效日期 {due.text}", due.span)
        return None
    if due.year_from == "input":
        return ir.StepDue(ir.DueKind.MONTH_DAY, due.text, bool(due.inclusive), month=month, day=day,
                          year_from=V.Keyword.INPUT.value)
    written = dict(cx.symbols.headers).get(V.Header.WRITTEN.value)
    if written is None:
        cx.d.error("E157", f"截止 {due.text}前 年份 {V.Keyword.NOTICE_YEAR.value}，但没有 "
                   f"{V.Header.WRITTEN.value}", due.span,
                   hint=f"write the header {V.Header.WRITTEN.value} YYYY-MM-DD, or 年份 输入 "
                        "(due_dates then takes year=)")
        return None
    year = dt.date.fromisoformat(written).year
    try:
        resolved = dt.date(year, month, day)
    except ValueError:
        cx.d.error("E158", f"{year}年没有 {due.text}", due.span)
        return None
    return _dated(cx, due, resolved, f"{V.Header.WRITTEN.value} {written}")


def _weekly(cx: Context, due: A.StepDue) -> ir.StepDue | None:
    weekly, time = due.text.split(" ")
    m = _TIME.fullmatch(time)
    assert m is not None  # the grammar's TIME_OF_DAY
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        cx.d.error("E158", f"无效时刻 {time}", due.span, hint="0时 to 23时59分")
        return None
    return ir.StepDue(ir.DueKind.WEEKLY, due.text, bool(due.inclusive), weekday=_WEEKDAYS[weekly[-1]],
                      hour=hour, minute=minute)


def period(cx: Context, q: A.Quantity, code: str, what: str
           ) -> tuple[int | Decimal | None, V.Duration | None, bool]:
    """The amount and kind of a period literal, and whether it is whole."""
    lit = T.quantity(q, cx.d, cx.symbols.units)
    how = V.DURATIONS.get(lit.type.unit.duration or "")
    if how is None:
        cx.d.error(code, f"{what}须为期间（{'、'.join(V.PERIOD_WORDS)}）", q.span)
    return lit.value, how, lit.type.kind is ir.TypeKind.COUNT  # type: ignore[return-value]


def extension(cx: Context, d: A.Deadline, base: V.Duration | None) -> ir.Extension | None:
    """The IR of 延长 cap 由 approver, checked against the period it extends."""
    if d.extension is None:
        return None
    amount, how, whole = period(cx, d.extension, "E152", "延长")
    if how is None or amount is None or base is None:
        return None
    minutes = V.Duration.MINUTES
    if (how is minutes) != (base is minutes):
        cx.d.error("E152", f"时限按{'小时/分钟' if base is minutes else '日、工作日、月、年'}计，"
                   f"延长也须如此", d.extension.span,
                   hint="an extension runs on the clock of the deadline it extends")
        return None
    if how is not minutes and not whole:
        cx.d.error("E152", f"延长的{'、'.join(V.DATE_PERIOD_WORDS)}须为整数", d.extension.span)
        return None
    return ir.Extension(amount, how, cx.quote(d.extension.span), d.approver)


def check_branches(cx: Context, flow: A.Flow, e: A.FlowEdge, nodes: dict[str, ir.FlowNode]
                   ) -> bool:
    """Whether the branches of an edge's deadlines are sound (E153–E155, W319)."""
    branched = [d for d in e.deadlines if d.branch is not None]
    if not branched:
        for extra in e.deadlines[1:]:
            cx.d.error("E155", f"转 {e.src} -> {e.dst} 有多个 时限", extra.span,
                       hint='deadlines that differ by branch say which: 时限 15日 当 kind "一般"')
        return len(e.deadlines) <= 1
    ok = True
    for d in e.deadlines:
        if d.branch is None:
            cx.d.error("E155", "时限 未写 当：同一转移的其他时限按分支给出", d.span,
                       hint='give every branch its own: 时限 30日 当 kind "复杂"')
            ok = False
    labels: dict[str, list[str]] = {}
    for other in flow.edges:
        if other.when is not None:
            labels.setdefault(other.src, [])
            if other.when not in labels[other.src]:
                labels[other.src].append(other.when)
    seen: set[tuple[str, str]] = set()
    for d in branched:
        assert d.branch is not None
        choice, label = d.branch
        node = nodes.get(choice)
        if node is None or node.kind is not ir.FlowNodeKind.CHOICE:
            choices = [n for n, v in nodes.items() if v.kind is ir.FlowNodeKind.CHOICE]
            cx.d.error("E153", f"当 {choice}：流程 {flow.name} 没有判断 {choice!r}", d.span,
                       hint=suggest(choice, choices) or "当 names a 判断 of this flow")
            ok = False
            continue
        if label not in labels.get(choice, []):
            known = labels.get(choice, [])
            cx.d.error("E154", f"判断 {choice} 没有分支 {label!r}", d.span,
                       hint=("its branches: " + "、".join(f'"{x}"' for x in known)) if known
                       else f'label its edges: 转 {choice} -> … 若 "{label}"')
            ok = False
            continue
        if d.branch in seen:
            cx.d.error("E155", f"分支 {choice} {label!r} 有两个时限", d.span)
            ok = False
        seen.add(d.branch)
    if ok:
        for choice in dict.fromkeys(c for c, _ in seen):
            for label in labels.get(choice, []):
                if (choice, label) not in seen:
                    cx.d.warning("W319", f"转 {e.src} -> {e.dst} 在判断 {choice} 的分支 "
                                 f"{label!r} 上没有时限", e.span,
                                 hint=f'if the notice gives one: 时限 … 当 {choice} "{label}"')
    return ok
