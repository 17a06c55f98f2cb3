"""A policy's organisation and flows as data and functions.

`lines()` returns the tail of a generated module (after the DECISIONS table):
the bodies and roles, their relations, the working groups, each flow as data
(steps, actors, documents, edges with condition, deadline, loop flag and
clause), each ladder as an ordered tuple of measures, and the functions
`next_steps`, `responsible`, `due_dates` and `explain_due_dates` (and, with a 逐级
step, `chain`), thin wrappers over `polc.runtime.FlowBook`.

As everywhere in the backend, every piece of .pol text enters only as a `repr()` literal and
every identifier emitted here is fixed by this file, never taken from a policy,
so a policy can only ever add data.  Output follows declaration order (the
checker keeps it), which makes it deterministic.
"""

from __future__ import annotations

from decimal import Decimal

from polc.compiler import ir

from .frame import ModuleScope


def has_structure(p: ir.Policy) -> bool:
    return bool(p.bodies or p.roles or p.relations or p.groups or p.flows or p.ladders)


def _amount(value: int | Decimal | None, scope: ModuleScope) -> str:
    if value is None:
        return "None"
    if isinstance(value, Decimal):
        # whole amounts stay int so day counts type-check as int in the runtime calls
        if value == value.to_integral_value():
            return repr(int(value))
        return f"{scope.std('Decimal')}({format(value, 'f')!r})"
    return repr(value)


# The classes and the logic live in polc.runtime.flows; a module holds its data and
# three thin functions, so the logic is written (and tested) once.
_HEADER = """

# ---------------------------------------------------------------- organisation and flows
"""

_FUNCTIONS = '''

_BOOK = {FlowBook}(BODIES, FLOWS{decisions})


def next_steps(flow: str, state: str) -> list[str]:
    """Ids of the nodes one edge away from `state`, in declared edge order, each once."""
    return _BOOK.next_steps(flow, state)


def responsible(flow: str, step: str) -> str:
    """The title of the body or role that acts at `step`."""
    return _BOOK.responsible(flow, step)


def due_dates(
    flow: str,
    events: dict[str, date | datetime],
    *,
    branches: dict[str, str] | None = None,
    year: int | None = None,
    at: datetime | None = None,{inputs_param}
) -> dict[str, {Due}]:
    """When each step is due: base and latest extended date (`Due`).

    The targets of deadline edges whose source time is in `events`, every step due by
    a date, and, given `at`, each weekly step's next due moment at or after `at`.  A
    deadline on a branch needs the branch taken at its choice in `branches`; a date of
    the caller's year needs `year`.  Where several deadlines reach one step, the
    earliest binds.{inputs_doc}
    """
    return _BOOK.due_dates(flow, events, branches=branches, year=year, at=at{inputs_arg})


def explain_due_dates(
    flow: str,
    events: dict[str, date | datetime],
    *,
    branches: dict[str, str] | None = None,
    year: int | None = None,
    at: datetime | None = None,{inputs_param}
) -> dict[str, list[str]]:
    """How due_dates found each step's dates: one line per deadline, with its clause."""
    return _BOOK.explain_due_dates(flow, events, branches=branches, year=year, at=at{inputs_arg})
'''

# a policy with 逐级 steps: the chain may end where a decision says, so the book holds the
# decisions, due_dates and explain_due_dates take the inputs, and `chain` is added; other
# modules keep the functions above as they are
_INPUTS_PARAM = """
    inputs: dict[str, object] | None = None,"""
_INPUTS_DOC = """

    Each hop of a 逐级 step is due too, keyed `step.level`; `inputs` holds the inputs of
    the decision that gives the level a chain climbs to."""
_CHAIN = '''

def chain(flow: str, step: str, inputs: dict[str, object] | None = None) -> list[str]:
    """The levels a 逐级 step's report passes, lowest first, for these inputs."""
    return _BOOK.chain(flow, step, inputs)
'''


def has_escalation(p: ir.Policy) -> bool:
    return any(n.escalation is not None for f in p.flows for n in f.nodes)


def _escalation(p: ir.Policy, esc: ir.Escalation, s: ir.Site, scope: ModuleScope) -> str:
    enum = p.enum(esc.hierarchy)
    bodies = dict(zip((m for m, _ in enum.members), enum.hierarchy or (), strict=False))
    # who acts at a level: its body's title where the 层级 names one, else the level's label
    titles = tuple(p.title(body) if (body := bodies.get(lv)) else enum.label_of(lv)
                   for lv in esc.levels)
    return (f"{scope.rt('EscalationSpec')}({esc.hierarchy!r}, {esc.levels!r}, {titles!r}, "
            f"{esc.target!r}, {esc.via!r}, {_amount(esc.amount, scope)}, {esc.how.value!r}, "
            f"{esc.unit_text!r}, {esc.roll!r}, {' '.join(s.quotes) or None!r}, {str(s.span)!r})")


def lines(p: ir.Policy, scope: ModuleScope) -> list[str]:
    if not has_structure(p):
        return []
    rt = scope.rt
    out = _HEADER.split("\n")
    out += ["", "# bodies and roles by id: title, aliases, kind, clause",
            f"BODIES: dict[str, {rt('BodySpec')}] = {{"]
    for b in p.bodies:
        out.append(f"    {b.name!r}: {rt('BodySpec')}({b.label!r}, {b.aliases!r}, {b.kind.value!r}, "
                   f"{b.site.clause!r}),")
    for r in p.roles:
        out.append(f"    {r.name!r}: {rt('BodySpec')}({r.title!r}, (), 'role', {r.site.clause!r}),")
    out.append("}")
    out += ["", "# (subject, verb, object, clause): 设在, 隶属, 报告, 担任 …",
            "RELATIONS: tuple[tuple[str, str, str, str | None], ...] = ("]
    for rel in p.relations:
        out.append(f"    ({rel.subject!r}, {rel.verb!r}, {rel.object!r}, {rel.site.clause!r}),")
    out.append(")")
    out += ["", f"GROUPS: dict[str, {rt('WorkingGroup')}] = {{"]
    for g in p.groups:
        out.append(f"    {g.name!r}: {rt('WorkingGroup')}({g.label!r}, {g.leads!r}, {g.participants!r}, "
                   f"{g.site.clause!r}),")
    out.append("}")
    out += ["", f"FLOWS: dict[str, {rt('FlowSpec')}] = {{"]
    for f in p.flows:
        out.append(f"    {f.name!r}: {rt('FlowSpec')}(")
        out.append(f"        {f.label!r},")
        out.append("        (")
        for n in f.nodes:
            esc = "" if n.escalation is None else \
                ", escalation=" + _escalation(p, n.escalation, n.site, scope)
            out.append(f"            {rt('FlowStep')}({n.name!r}, {n.kind.value!r}, {n.label!r}, {n.actor!r}, "
                       f"{n.inputs!r}, {n.outputs!r}, {n.site.clause!r}{_step_due(n, scope)}{esc}),")
        out.append("        ),")
        out.append("        (")
        for e in f.edges:
            out.append(f"            {rt('FlowEdge')}({e.src!r}, {e.dst!r}, {e.when!r}, "
                       f"{_amount(e.amount, scope)}, {e.how.value if e.how else None!r}, {e.unit_text!r}, {e.roll!r}, "
                       f"{e.loop!r}, {e.site.clause!r}{_edge_extras(e, scope)}),")
        out.append("        ),")
        out.append(f"        {f.site.clause!r},")
        out.append("    ),")
    out.append("}")
    out += ["", f"LADDERS: dict[str, {rt('LadderSpec')}] = {{"]
    for lad in p.ladders:
        measures = tuple(text for text, _site in lad.rungs)
        clauses = tuple(site.clause for _text, site in lad.rungs)
        out.append(f"    {lad.name!r}: {rt('LadderSpec')}({lad.label!r}, {lad.actor!r}, "
                   f"{lad.target!r}, {measures!r}, {clauses!r}"
                   f"{', menu=True' if lad.menu else ''}),")
    out.append("}")
    scope.std("date")
    scope.std("datetime")
    escalation = has_escalation(p)
    out += _FUNCTIONS.format(
        FlowBook=rt("FlowBook"), Due=rt("Due"),
        decisions=", DECISIONS" if escalation else "",
        inputs_param=_INPUTS_PARAM if escalation else "",
        inputs_doc=_INPUTS_DOC if escalation else "",
        inputs_arg=", inputs=inputs" if escalation else "",
    ).rstrip("\n").split("\n")
    if escalation:
        out += _CHAIN.rstrip("\n").split("\n")
    return out


def _step_due(n: ir.FlowNode, scope: ModuleScope) -> str:
    """`, due=StepDue(…)` for a step due by a fixed moment, else nothing (so that the data
    of a flow without one reads as before)."""
    due = n.due
    if due is None:
        return ""
    args = [repr(due.kind.value), repr(due.text), repr(due.inclusive)]
    if due.date is not None:
        args.append(f"date={scope.std('date')}({due.date.year}, {due.date.month}, {due.date.day})")
    for name in ("month", "day", "weekday", "hour", "minute", "year_from"):
        value = getattr(due, name)
        if value is not None:
            args.append(f"{name}={value!r}")
    return f", due={scope.rt('StepDue')}({', '.join(args)})"


def _edge_extras(e: ir.FlowEdge, scope: ModuleScope) -> str:
    """The keyword fields of an extendable or branch deadline, else nothing."""
    out = ""
    if e.extension is not None:
        x = e.extension
        out += (f", extension_amount={_amount(x.amount, scope)}, "
                f"extension_how={x.how.value!r}, extension={x.unit_text!r}, "
                f"approver={x.approver!r}")
    if e.branch is not None:
        out += f", branch={e.branch!r}"
    return out
