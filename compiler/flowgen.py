"""Backend part: a policy's organisation and flows as data and functions.

`lines()` returns the tail of a generated module (after the DECISIONS table):
the bodies and roles, their relations, the working groups, each flow as data
(steps, actors, documents, edges with condition, deadline, loop flag and
clause), each ladder as an ordered tuple of measures, and the functions
`next_steps`, `responsible` and `due_dates`.  `imports()` returns the extra
standard-library imports those lines need, so codegen can keep every import at
the top of the module.

As in codegen, every piece of .pol text enters only as a `repr()` literal and
every identifier emitted here is fixed by this file, never taken from a policy,
so a policy can only ever add data.  Output follows declaration order (the
checker keeps it), which makes it deterministic.
"""

from __future__ import annotations

from decimal import Decimal

from . import ir

# names this block defines at module level; the checker keeps policy names off them
NAMES = ("BodySpec", "WorkingGroup", "FlowStep", "FlowEdge", "FlowSpec", "LadderSpec",
         "BODIES", "RELATIONS", "GROUPS", "FLOWS", "LADDERS", "next_steps", "responsible",
         "due_dates")


def has_structure(p: ir.Policy) -> bool:
    return bool(p.bodies or p.roles or p.relations or p.groups or p.flows or p.ladders)


def imports(p: ir.Policy) -> list[str]:
    if not has_structure(p):
        return []
    return ["from typing import NamedTuple"]


def _amount(value: int | Decimal | None) -> str:
    if value is None:
        return "None"
    if isinstance(value, Decimal):
        # whole amounts stay int so day counts type-check as int in the runtime calls
        if value == value.to_integral_value():
            return repr(int(value))
        return f"Decimal({format(value, 'f')!r})"
    return repr(value)


# The helper classes and functions are the same for every policy: fixed text.
_PRELUDE = '''

# ---------------------------------------------------------------- organisation and flows


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
    """An escalation ladder: measures in the notice's order, mildest first."""

    title: str
    actor: str
    target: str
    measures: tuple[str, ...]
    clauses: tuple[str | None, ...]
'''

_FUNCTIONS = '''

def _flow(flow: str) -> FlowSpec:
    spec = FLOWS.get(flow)
    if spec is None:
        raise _rt.InputError("flow", "one of " + ", ".join(FLOWS) if FLOWS else "no flow", flow)
    return spec


def _step(spec: FlowSpec, flow: str, step: str) -> FlowStep:
    for s in spec.steps:
        if s.id == step:
            return s
    raise _rt.InputError("step", f"a step of flow {flow}: " + ", ".join(
        s.id for s in spec.steps), step)


def next_steps(flow: str, state: str) -> list[str]:
    """Ids of the nodes one edge away from `state`, in declared edge order, each once."""
    spec = _flow(flow)
    _step(spec, flow, state)
    out: list[str] = []
    for e in spec.edges:
        if e.src == state and e.dst not in out:
            out.append(e.dst)
    return out


def responsible(flow: str, step: str) -> str:
    """The title of the body or role that acts at `step`."""
    spec = _flow(flow)
    node = _step(spec, flow, step)
    if node.actor is None:
        raise _rt.InputError("step", f"a step with an actor ({node.kind} {step} has none)", step)
    return BODIES[node.actor].title


def _due(start: date | datetime, e: FlowEdge) -> date | datetime:
    amount = e.amount
    if amount is None:
        raise AssertionError(e)
    if e.how == "minutes":
        # hour periods run from the stated moment (民法典 第二百零一条), so a bare date has none
        if not isinstance(start, datetime):
            raise _rt.InputError(e.src, "a date-time (the deadline is in hours or minutes)", start)
        return _rt.add_minutes(start, amount)
    # day-based periods do not count the start day; a time of day does not matter
    day = start.date() if isinstance(start, datetime) else start
    if e.how == "working_days":
        due = _rt.add_working_days(day, int(amount))
    elif e.how == "days":
        due = _rt.add_days(day, int(amount))
    elif e.how == "months":
        due = _rt.add_months(day, int(amount))
    else:
        due = _rt.add_years(day, int(amount))
    return _rt.roll_forward(due) if e.roll else due


def due_dates(flow: str, events: dict[str, date | datetime]) -> dict[str, date | datetime]:
    """Due date of each deadline edge's target whose source time is in `events`.

    Where several deadlines reach one target, the earliest binds.
    """
    spec = _flow(flow)
    for name, when in events.items():
        _step(spec, flow, name)
        if not isinstance(when, date):
            raise _rt.InputError(name, "a date or date-time", when)
    out: dict[str, date | datetime] = {}
    for e in spec.edges:
        if e.how is None or e.src not in events:
            continue
        due = _due(events[e.src], e)
        if e.dst not in out or _before(due, out[e.dst]):
            out[e.dst] = due
    return out


def _before(a: date | datetime, b: date | datetime) -> bool:
    return _instant(a) < _instant(b)


def _instant(d: date | datetime) -> datetime:
    # a date and a date-time do not compare; a due date lasts until 24:00 (第二百零三条)
    if isinstance(d, datetime):
        return d
    return datetime(d.year, d.month, d.day, 23, 59, 59, 999999)
'''


def lines(p: ir.Policy) -> list[str]:
    if not has_structure(p):
        return []
    out = _PRELUDE.split("\n")
    out += ["", "# bodies and roles by id: title, aliases, kind, clause",
            "BODIES: dict[str, BodySpec] = {"]
    for b in p.bodies:
        out.append(f"    {b.name!r}: BodySpec({b.label!r}, {b.aliases!r}, {b.kind!r}, "
                   f"{b.site.clause!r}),")
    for r in p.roles:
        out.append(f"    {r.name!r}: BodySpec({r.title!r}, (), 'role', {r.site.clause!r}),")
    out.append("}")
    out += ["", "# (subject, verb, object, clause): 设在, 隶属, 报告, 担任 …",
            "RELATIONS: tuple[tuple[str, str, str, str | None], ...] = ("]
    for rel in p.relations:
        out.append(f"    ({rel.subject!r}, {rel.verb!r}, {rel.object!r}, {rel.site.clause!r}),")
    out.append(")")
    out += ["", "GROUPS: dict[str, WorkingGroup] = {"]
    for g in p.groups:
        out.append(f"    {g.name!r}: WorkingGroup({g.label!r}, {g.leads!r}, {g.participants!r}, "
                   f"{g.site.clause!r}),")
    out.append("}")
    out += ["", "FLOWS: dict[str, FlowSpec] = {"]
    for f in p.flows:
        out.append(f"    {f.name!r}: FlowSpec(")
        out.append(f"        {f.label!r},")
        out.append("        (")
        for n in f.nodes:
            out.append(f"            FlowStep({n.name!r}, {n.kind!r}, {n.label!r}, {n.actor!r}, "
                       f"{n.inputs!r}, {n.outputs!r}, {n.site.clause!r}),")
        out.append("        ),")
        out.append("        (")
        for e in f.edges:
            out.append(f"            FlowEdge({e.src!r}, {e.dst!r}, {e.when!r}, "
                       f"{_amount(e.amount)}, {e.how!r}, {e.unit_text!r}, {e.roll!r}, "
                       f"{e.loop!r}, {e.site.clause!r}),")
        out.append("        ),")
        out.append(f"        {f.site.clause!r},")
        out.append("    ),")
    out.append("}")
    out += ["", "LADDERS: dict[str, LadderSpec] = {"]
    for lad in p.ladders:
        measures = tuple(text for text, _site in lad.rungs)
        clauses = tuple(site.clause for _text, site in lad.rungs)
        out.append(f"    {lad.name!r}: LadderSpec({lad.label!r}, {lad.actor!r}, "
                   f"{lad.target!r}, {measures!r}, {clauses!r}),")
    out.append("}")
    out += _FUNCTIONS.rstrip("\n").split("\n")
    return out
