"""Flows, organisation and ladders of a policy, as the generated modules hold them.

A generated module carries its notice's bodies, working groups, flows and
ladders as data (these classes) and answers `next_steps`, `responsible` and
`due_dates` through a `FlowBook` over that data; the logic lives here once,
not in every module.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from .dates import (
    add_days,
    add_minutes,
    add_months,
    add_working_days,
    add_years,
    next_weekly,
    roll_forward,
)
from .errors import InputError


class BodySpec(NamedTuple):
    """A body (机构) or role (角色) that acts in the notice."""

    title: str
    aliases: tuple[str, ...]
    kind: str  # "body" or "role"
    clause: str | None


class WorkingGroup(NamedTuple):
    """A working group (工作组): lead (牵头) and participating (参与) bodies, by id."""

    title: str
    leads: tuple[str, ...]
    participants: tuple[str, ...]
    clause: str | None


class StepDue(NamedTuple):
    """A step due by a fixed moment (截止 … 前), as the .pol file gives it.

    kind "date": `date` is the last day on time (its year from the text or the notice's
    成文日期, as `year_from` says); "month_day": `month` and `day`, the year from the caller;
    "weekly": `weekday` (0 = Monday), `hour`, `minute`.  `inclusive` is the written reading
    of 前: whether the day (the moment) itself is still on time.
    """

    kind: str
    text: str
    inclusive: bool
    date: date | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    year_from: str | None = None


class FlowStep(NamedTuple):
    """A node of a flow: event (事件), step (步骤), choice (判断) or end (结束)."""

    id: str
    kind: str
    label: str
    actor: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    clause: str | None
    due: StepDue | None = None


class FlowEdge(NamedTuple):
    """A transition; `amount` is in the unit `how` names (hours are held as minutes)."""

    src: str
    dst: str
    when: str | None
    amount: int | Decimal | None
    how: str | None  # days, working_days, months, years, minutes
    deadline: str | None  # as the .pol file writes it, e.g. "15工作日"
    roll: bool  # 顺延: a last day off work moves to the next working day
    loop: bool
    clause: str | None
    # 延长: the most the deadline may be extended by (in the unit `extension_how` names),
    # as written, and who approves it (None where the notice names no one)
    extension_amount: int | Decimal | None = None
    extension_how: str | None = None
    extension: str | None = None
    approver: str | None = None
    # (choice, label): the deadline holds when that branch was taken at the choice
    branch: tuple[str, str] | None = None


class Due(NamedTuple):
    """When a step is due: `base`, and `latest`, the base extended as far as the notice
    allows (equal to `base` where the deadline cannot be extended), with who approves
    the extension (`approver`, a body or role id; None where none is named or none is
    possible)."""

    base: date | datetime
    latest: date | datetime
    approver: str | None = None


class FlowSpec(NamedTuple):
    title: str
    steps: tuple[FlowStep, ...]
    edges: tuple[FlowEdge, ...]
    clause: str | None


class LadderSpec(NamedTuple):
    """An escalation ladder: measures in the notice's order, mildest first; or, with
    ``menu``, measures taken as the case requires, alone or together, in no order."""

    title: str
    actor: str
    target: str
    measures: tuple[str, ...]
    clauses: tuple[str | None, ...]
    menu: bool = False


class FlowBook:
    """Answers about a policy's flows, given its bodies and flows."""

    def __init__(self, bodies: dict[str, BodySpec], flows: dict[str, FlowSpec]) -> None:
        self.bodies = bodies
        self.flows = flows

    def _flow(self, flow: str) -> FlowSpec:
        spec = self.flows.get(flow)
        if spec is None:
            expected = "one of " + ", ".join(self.flows) if self.flows else "no flow"
            raise InputError("flow", expected, flow)
        return spec

    def _step(self, spec: FlowSpec, flow: str, step: str) -> FlowStep:
        for s in spec.steps:
            if s.id == step:
                return s
        raise InputError("step", f"a step of flow {flow}: " + ", ".join(
            s.id for s in spec.steps), step)

    def next_steps(self, flow: str, state: str) -> list[str]:
        """Ids of the nodes one edge away from `state`, in declared edge order, each once."""
        spec = self._flow(flow)
        self._step(spec, flow, state)
        out: list[str] = []
        for e in spec.edges:
            if e.src == state and e.dst not in out:
                out.append(e.dst)
        return out

    def responsible(self, flow: str, step: str) -> str:
        """The title of the body or role that acts at `step`."""
        spec = self._flow(flow)
        node = self._step(spec, flow, step)
        if node.actor is None:
            raise InputError("step", f"a step with an actor ({node.kind} {step} has none)",
                             step)
        return self.bodies[node.actor].title

    def due_dates(self, flow: str, events: dict[str, date | datetime], *,
                  branches: dict[str, str] | None = None, year: int | None = None,
                  at: datetime | None = None) -> dict[str, Due]:
        """When each step is due: the targets of deadline edges whose source time is in
        `events`, every step due by a date, and, given `at`, every weekly step's next due
        moment at or after `at`.

        A deadline on a branch (当 choice "label") needs the branch taken at that choice
        in `branches` once its source is in `events`; a step due by a month and day of the
        caller's year (年份 输入) needs `year`.  Where several deadlines reach one step,
        the earliest binds, for the base and for the latest extended date alike.
        """
        out: dict[str, Due] = {}
        for step, due, _why in self._dues(flow, events, branches, year, at):
            _bind(out, step, due)
        return out

    def explain_due_dates(self, flow: str, events: dict[str, date | datetime], *,
                          branches: dict[str, str] | None = None, year: int | None = None,
                          at: datetime | None = None) -> dict[str, list[str]]:
        """How `due_dates` found each step's dates: one line per deadline that reaches the
        step (what it counts from, the period, the branch, the extension and its approver,
        the clause), in the order the flow declares them; the earliest binds."""
        out: dict[str, list[str]] = {}
        for step, _due, why in self._dues(flow, events, branches, year, at):
            out.setdefault(step, []).append(why)
        return out

    def _dues(self, flow: str, events: dict[str, date | datetime],
              branches: dict[str, str] | None, year: int | None, at: datetime | None
              ) -> list[tuple[str, Due, str]]:
        spec = self._flow(flow)
        for name, when in events.items():
            self._step(spec, flow, name)
            if not isinstance(when, date):
                raise InputError(name, "a date or date-time", when)
        taken = self._branches(spec, flow, branches or {})
        if at is not None and not isinstance(at, datetime):
            raise InputError("at", "a date-time (weekly deadlines fall at a time of day)", at)
        found: list[tuple[str, Due, str]] = []
        for node in spec.steps:
            if node.due is not None:
                due = _step_due(node, year, at)
                if due is not None:
                    found.append((node.id, due, self._why_step(node, due)))
        for e in spec.edges:
            if e.how is None or e.src not in events:
                continue
            if e.branch is not None:
                choice, label = e.branch
                if choice not in taken:
                    raise InputError("branches", f"the branch taken at {choice} (the deadline "
                                     f"of {e.src} -> {e.dst} depends on it)", None)
                if taken[choice] != label:
                    continue
            due = _edge_due(events[e.src], e)
            found.append((e.dst, due, self._why_edge(e, events[e.src], due)))
        return found

    def _title(self, actor: str) -> str:
        spec = self.bodies.get(actor)
        return spec.title if spec is not None else actor

    def _why_step(self, node: FlowStep, due: Due) -> str:
        d = node.due
        assert d is not None
        reading = "含" if d.inclusive else "不含"
        source = f"，年份取自{d.year_from}" if d.year_from and d.year_from != "文本" else ""
        return (f"截止 {d.text}前（{reading}）{source}：{_show(due.base)}"
                + (f"〔{node.clause}〕" if node.clause else ""))

    def _why_edge(self, e: FlowEdge, start: date | datetime, due: Due) -> str:
        branch = f"（{e.branch[0]} 为「{e.branch[1]}」）" if e.branch else ""
        text = (f"自 {e.src} {_show(start)} 起{branch}时限 {e.deadline}"
                f"{'（顺延）' if e.roll else ''}：{_show(due.base)}")
        if e.extension_amount is not None:
            who = (f"经 {self._title(e.approver)} 批准" if e.approver is not None
                   else "经批准（批准机关未明确）")
            text += f"；{who}可延长，最长 {e.extension}：最迟 {_show(due.latest)}"
        return text + (f"〔{e.clause}〕" if e.clause else "")


    def _branches(self, spec: FlowSpec, flow: str, branches: dict[str, str]) -> dict[str, str]:
        for choice, label in branches.items():
            node = self._step(spec, flow, choice)
            labels = [e.when for e in spec.edges if e.src == choice and e.when is not None]
            if node.kind != "choice" or label not in labels:
                raise InputError("branches", f"a branch of choice {choice}: "
                                 + ("、".join(dict.fromkeys(labels)) or "none"), label)
        return branches


def _bind(out: dict[str, Due], step: str, due: Due) -> None:
    old = out.get(step)
    if old is None:
        out[step] = due
        return
    base = min(old.base, due.base, key=_instant)
    if _instant(due.latest) < _instant(old.latest):
        out[step] = Due(base, due.latest, due.approver)
    else:
        out[step] = Due(base, old.latest, old.approver)


def _step_due(node: FlowStep, year: int | None, at: datetime | None) -> Due | None:
    due = node.due
    assert due is not None
    if due.kind == "weekly":
        if at is None:
            return None
        assert due.weekday is not None and due.hour is not None and due.minute is not None
        moment = next_weekly(at, due.weekday, due.hour, due.minute, due.inclusive)
        return Due(moment, moment)
    if due.kind == "date":
        assert due.date is not None
        return Due(due.date, due.date)
    assert due.month is not None and due.day is not None
    if year is None:
        raise InputError("year", f"the year of step {node.id}'s {due.text} (截止 {due.text}前 "
                         "年份 输入: the notice does not say it)", None)
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= date.max.year:
        raise InputError("year", "a year 1-9999", year)
    try:
        day = date(year, due.month, due.day)
    except ValueError:
        raise InputError("year", f"a year that has {due.text}", year) from None
    if not due.inclusive:
        if day == date.min:
            raise InputError("year", "a year after 1", year)
        day = date.fromordinal(day.toordinal() - 1)
    return Due(day, day)


def _edge_due(start: date | datetime, e: FlowEdge) -> Due:
    base = _due(start, e)
    if e.extension_amount is None or e.extension_how is None:
        return Due(base, base)
    # the extension runs on from the end of the base period (延长的期限): the same rules of
    # counting, 顺延 included, apply to it
    extended = e._replace(amount=e.extension_amount, how=e.extension_how)
    return Due(base, _due(base, extended), e.approver)


def _due(start: date | datetime, e: FlowEdge) -> date | datetime:
    amount = e.amount
    if amount is None:
        raise AssertionError(e)
    if e.how == "minutes":
        # hour periods run from the stated moment (民法典 第二百零一条), so a bare date has none
        if not isinstance(start, datetime):
            raise InputError(e.src, "a date-time (the deadline is in hours or minutes)", start)
        return add_minutes(start, amount, e.src)
    # day-based periods do not count the start day; a time of day does not matter
    day = start.date() if isinstance(start, datetime) else start
    if e.how == "working_days":
        due = add_working_days(day, int(amount), e.src)
    elif e.how == "days":
        due = add_days(day, int(amount), e.src)
    elif e.how == "months":
        due = add_months(day, int(amount), e.src)
    else:
        due = add_years(day, int(amount), e.src)
    return roll_forward(due, e.src) if e.roll else due


def _instant(d: date | datetime) -> datetime:
    # a date and a date-time do not compare; a due date lasts until 24:00 (第二百零三条)
    if isinstance(d, datetime):
        return d
    return datetime(d.year, d.month, d.day, 23, 59, 59, 999999)


def _show(d: date | datetime) -> str:
    return d.isoformat(sep=" ", timespec="minutes") if isinstance(d, datetime) else d.isoformat()
