"""Flows, organisation and ladders of a policy, as the generated modules hold them.

A generated module carries its notice's bodies, working groups, flows and
ladders as data (these classes) and answers `next_steps`, `responsible`,
`due_dates`, `explain_due_dates` and (with a 逐级 step) `chain` through a `FlowBook`
over that data; the logic lives here once, not in every module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

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
from .trace import Step


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


class EscalationSpec(NamedTuple):
    """逐级: a report climbs `levels` (ids, lowest first) one hop at a time, each hop
    within the period; it stops at `target`, or at the level the decision `via` gives
    for the caller's inputs.  `amount` is in the unit `how` names, as in `FlowEdge`."""

    hierarchy: str
    levels: tuple[str, ...]
    titles: tuple[str, ...]  # who acts at each level: its body's title, else its label
    target: str | None
    via: str | None
    amount: int | Decimal
    how: str
    deadline: str  # as the .pol file writes it, e.g. "2小时"
    roll: bool
    quote: str | None
    where: str  # file:line:col of the 逐级 node in the .pol file


class FlowStep(NamedTuple):
    """A node of a flow: event (事件), step (步骤), choice (判断), end (结束) or
    escalation (逐级, with its chain)."""

    id: str
    kind: str
    label: str
    actor: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    clause: str | None
    due: StepDue | None = None
    escalation: EscalationSpec | None = None


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
    """Answers about a policy's flows, given its bodies and flows (and its decisions, which
    say how far a 逐级 chain climbs)."""

    def __init__(self, bodies: dict[str, BodySpec], flows: dict[str, FlowSpec],
                 decisions: Mapping[str, Any] | None = None) -> None:
        self.bodies = bodies
        self.flows = flows
        self.decisions = decisions or {}

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
                  at: datetime | None = None,
                  inputs: Mapping[str, object] | None = None) -> dict[str, Due]:
        """When each step is due: the targets of deadline edges whose source time is in
        `events`, every step due by a date, given `at`, every weekly step's next due
        moment at or after `at`, and each hop of a 逐级 step whose time is known.

        A deadline on a branch (当 choice "label") needs the branch taken at that choice
        in `branches` once its source is in `events`; a step due by a month and day of the
        caller's year (年份 输入) needs `year`.  Where several deadlines reach one step,
        the earliest binds, for the base and for the latest extended date alike.

        A 逐级 step `step` whose time is in `events` or due by an edge (its base date)
        gives one `Due` a hop, keyed `step.level`: each hop runs from the time the level
        below had the report (`events["step.level"]` when given, else its own due date),
        and cannot be extended (base == latest).  Where the chain ends at the level a
        decision gives, `inputs` holds that decision's inputs.
        """
        out: dict[str, Due] = {}
        for step, due, _why in self._dues(flow, events, branches, year, at, inputs, False):
            _bind(out, step, due)
        return out

    def explain_due_dates(self, flow: str, events: dict[str, date | datetime], *,
                          branches: dict[str, str] | None = None, year: int | None = None,
                          at: datetime | None = None,
                          inputs: Mapping[str, object] | None = None) -> dict[str, list[str]]:
        """How `due_dates` found each step's dates: one line per deadline that reaches the
        step (what it counts from, the period, the branch, the extension and its approver,
        the clause), in the order the flow declares them; the earliest binds.  A 逐级 hop
        has one line (the levels, the period, the clause and quote); the hop where a
        chain stops at the level a decision gives has a second, with the decision's rows
        that chose that level."""
        out: dict[str, list[str]] = {}
        for step, _due, why in self._dues(flow, events, branches, year, at, inputs, True):
            out.setdefault(step, []).extend(why)
        return out

    def chain(self, flow: str, step: str,
              inputs: Mapping[str, object] | None = None) -> list[str]:
        """The levels a 逐级 step's report passes, lowest first, for these inputs."""
        spec = self._flow(flow)
        esc = self._escalation(spec, flow, step)
        return list(esc.levels[:self._reach(esc, step, inputs, None) + 1])

    def _escalation(self, spec: FlowSpec, flow: str, step: str) -> EscalationSpec:
        node = self._step(spec, flow, step)
        if node.escalation is None:
            raise InputError("step", f"a 逐级 step ({node.kind} {step} is not one)", step)
        return node.escalation

    def _reach(self, esc: EscalationSpec, step: str, inputs: Mapping[str, object] | None,
               steps: list[Step] | None) -> int:
        """The index in `esc.levels` of the level the chain stops at; with `steps`, the
        decision's explanation of that level is added to them."""
        if esc.via is None:
            return esc.levels.index(esc.target) if esc.target in esc.levels else 0
        spec = self.decisions[esc.via]
        given = inputs or {}
        for f in spec.fields:
            if f.name not in given:
                raise InputError(f.name, f.expected(),
                                 detail=f"missing: {step} 逐级上报至 {esc.via}, which takes it")
        args = {f.name: given[f.name] for f in spec.fields}
        if steps is None:
            level = spec.func(**args)
        else:
            why = spec.explain(**args)
            level = why.value
            steps.extend(why.steps)
        name = getattr(level, "name", level)
        # a grade whose responsible level is below the chain's start climbs nothing
        return esc.levels.index(name) if name in esc.levels else 0

    def _dues(self, flow: str, events: dict[str, date | datetime],
              branches: dict[str, str] | None, year: int | None, at: datetime | None,
              inputs: Mapping[str, object] | None, explain: bool
              ) -> list[tuple[str, Due, tuple[str, ...]]]:
        spec = self._flow(flow)
        for name, when in events.items():
            step, _, level = name.partition(".")
            if level:
                chain = self._escalation(spec, flow, step)
                if level not in chain.levels:
                    raise InputError(name, f"a level of {step}: " + ", ".join(chain.levels),
                                     level)
            else:
                self._step(spec, flow, name)
            if not isinstance(when, date):
                raise InputError(name, "a date or date-time", when)
        taken = self._branches(spec, flow, branches or {})
        if at is not None and not isinstance(at, datetime):
            raise InputError("at", "a date-time (weekly deadlines fall at a time of day)", at)
        found: list[tuple[str, Due, tuple[str, ...]]] = []
        for node in spec.steps:
            if node.due is not None:
                due = _step_due(node, year, at)
                if due is not None:
                    found.append((node.id, due, (self._why_step(node, due),)))
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
            found.append((e.dst, due, (self._why_edge(e, events[e.src], due),)))
        # a 逐级 step's hops start from its time: given, else the deadline that binds it
        bound: dict[str, Due] = {}
        for step, due, _why in found:
            _bind(bound, step, due)
        for node in spec.steps:
            if node.escalation is not None:
                found += self._hops(node, node.escalation, events, bound, inputs, explain)
        return found

    def _hops(self, node: FlowStep, esc: EscalationSpec, events: dict[str, date | datetime],
              bound: dict[str, Due], inputs: Mapping[str, object] | None, explain: bool
              ) -> list[tuple[str, Due, tuple[str, ...]]]:
        start = events.get(node.id)
        if start is None:
            if node.id not in bound:
                return []
            start = bound[node.id].base
        rows: list[Step] | None = [] if explain else None
        reach = self._reach(esc, node.id, inputs, rows)
        have = events.get(f"{node.id}.{esc.levels[0]}", start)
        out: list[tuple[str, Due, tuple[str, ...]]] = []
        for i in range(1, reach + 1):
            key = f"{node.id}.{esc.levels[i]}"
            due = _period(have, esc.amount, esc.how, esc.roll, f"{node.id}.{esc.levels[i - 1]}")
            why: tuple[str, ...] = ()
            if explain:
                why = (f"{esc.titles[i - 1]} → {esc.titles[i]}：自 {_show(have)} 起每级 "
                       f"{esc.deadline}{'（顺延）' if esc.roll else ''}：{_show(due)}"
                       + _cited(node.clause, esc.quote),)
                if i == reach and rows is not None and esc.via is not None:
                    why += (f"止于 {esc.titles[i]}：决策 {esc.via} 依 "
                            + "；".join(_show_step(r) for r in rows),)
            out.append((key, Due(due, due), why))
            have = events.get(key, due)
        return out

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


def _cited(clause: str | None, quote: str | None) -> str:
    return (f"〔{clause}〕" if clause else "") + (f"「{quote}」" if quote else "")


def _show_step(s: Step) -> str:
    """A decision's explanation step as a line's part: a condition with its outcome."""
    text = s.text
    if s.kind in ("condition", "named"):
        text += "：成立" if s.result else "：不成立"
    return text + _cited(s.clause, s.quote)


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
    if e.amount is None or e.how is None:
        raise AssertionError(e)
    return _period(start, e.amount, e.how, e.roll, e.src)


def _period(start: date | datetime, amount: int | Decimal, how: str, roll: bool,
            field: str) -> date | datetime:
    if how == "minutes":
        # hour periods run from the stated moment (民法典 第二百零一条), so a bare date has none
        if not isinstance(start, datetime):
            raise InputError(field, "a date-time (the deadline is in hours or minutes)", start)
        return add_minutes(start, amount, field)
    # day-based periods do not count the start day; a time of day does not matter
    day = start.date() if isinstance(start, datetime) else start
    if how == "working_days":
        due = add_working_days(day, int(amount), field)
    elif how == "days":
        due = add_days(day, int(amount), field)
    elif how == "months":
        due = add_months(day, int(amount), field)
    else:
        due = add_years(day, int(amount), field)
    return roll_forward(due, field) if roll else due


def _instant(d: date | datetime) -> datetime:
    # a date and a date-time do not compare; a due date lasts until 24:00 (第二百零三条)
    if isinstance(d, datetime):
        return d
    return datetime(d.year, d.month, d.day, 23, 59, 59, 999999)


def _show(d: date | datetime) -> str:
    return d.isoformat(sep=" ", timespec="minutes") if isinstance(d, datetime) else d.isoformat()
