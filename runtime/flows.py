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


class FlowStep(NamedTuple):
    """A node of a flow: event (事件), step (步骤), choice (判断) or end (结束)."""

    id: str
    kind: str
    label: str
    actor: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    clause: str | None


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

    def due_dates(self, flow: str,
                  events: dict[str, date | datetime]) -> dict[str, date | datetime]:
        """Due date of each deadline edge's target whose source time is in `events`.

        Where several deadlines reach one target, the earliest binds.
        """
        spec = self._flow(flow)
        for name, when in events.items():
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
        return out


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
