"""Flows, organisation and ladders of a policy, as the generated modules hold them.

A generated module carries its notice's bodies, working groups, flows and
ladders as data (these classes) and answers `next_steps`, `responsible` and
`due_dates` through a `FlowBook` over that data; the logic lives here once,
not in every module.
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
    roll_forward,
)
from .errors import InputError
from .trace import Explanation, Step


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


class FlowSpec(NamedTuple):
    title: str
    steps: tuple[FlowStep, ...]
    edges: tuple[FlowEdge, ...]
    clause: str | None


class LadderSpec(NamedTuple):
    """An escalation ladder: measures in the notice's order, mildest first."""

    title: str
    actor: str
    target: str
    measures: tuple[str, ...]
    clauses: tuple[str | None, ...]


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

    def due_dates(self, flow: str, events: dict[str, date | datetime],
                  inputs: Mapping[str, object] | None = None) -> dict[str, date | datetime]:
        """Due date of each deadline edge's target whose source time is in `events`.

        Where several deadlines reach one target, the earliest binds.  A 逐级 node
        `step` whose time is known (in `events`, or due by an edge) gives one due date a
        hop, keyed `step.level`: each hop runs from the time the level below had the
        report (`events["step.level"]` when given, else its own due date).  Where the
        chain ends at the level a decision gives, `inputs` holds that decision's inputs.
        """
        return self._due_dates(flow, events, inputs, None)

    def explain_due_dates(self, flow: str, events: dict[str, date | datetime],
                          inputs: Mapping[str, object] | None = None) -> Explanation:
        """`due_dates` with the steps that made them: the level each chain climbs to (and
        the decision rows that chose it) and each hop with its period and quote."""
        steps: list[Step] = []
        return Explanation(self._due_dates(flow, events, inputs, steps), tuple(steps))

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
        """The index in `esc.levels` of the level the chain stops at."""
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

    def _due_dates(self, flow: str, events: dict[str, date | datetime],
                   inputs: Mapping[str, object] | None,
                   steps: list[Step] | None) -> dict[str, date | datetime]:
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
        out: dict[str, date | datetime] = {}
        for e in spec.edges:
            if e.how is None or e.src not in events:
                continue
            due = _due(events[e.src], e)
            if e.dst not in out or _instant(due) < _instant(out[e.dst]):
                out[e.dst] = due
        for node in spec.steps:
            esc = node.escalation
            if esc is None:
                continue
            start = events.get(node.id, out.get(node.id))
            if start is None:
                continue
            reach = self._reach(esc, node.id, inputs, steps)
            have = events.get(f"{node.id}.{esc.levels[0]}", start)
            for lo, hi in zip(esc.levels[:reach], esc.levels[1:reach + 1], strict=True):
                key = f"{node.id}.{hi}"
                due = _period(have, esc.amount, esc.how, esc.roll, f"{node.id}.{lo}")
                out[key] = due
                if steps is not None:
                    i = esc.levels.index(hi)
                    steps.append(Step("row", f"{esc.titles[i - 1]} → {esc.titles[i]}：每级 "
                                      f"{esc.deadline}，最迟 {due.isoformat()}", due,
                                      node.clause, esc.quote, esc.where))
                have = events.get(key, due)
        return out


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
