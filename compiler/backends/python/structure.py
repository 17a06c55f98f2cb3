"""A policy's organisation and flows as data and functions.

`lines()` returns the tail of a generated module (after the DECISIONS table):
the bodies and roles, their relations, the working groups, each flow as data
(steps, actors, documents, edges with condition, deadline, loop flag and
clause), each ladder as an ordered tuple of measures, and the functions
`next_steps`, `responsible` and `due_dates`, thin wrappers over
`polc.runtime.FlowBook`.

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

_BOOK = {FlowBook}(BODIES, FLOWS)


def next_steps(flow: str, state: str) -> list[str]:
    """Ids of the nodes one edge away from `state`, in declared edge order, each once."""
    return _BOOK.next_steps(flow, state)


def responsible(flow: str, step: str) -> str:
    """The title of the body or role that acts at `step`."""
    return _BOOK.responsible(flow, step)


def due_dates(flow: str, events: dict[str, date | datetime]) -> dict[str, date | datetime]:
    """Due date of each deadline edge's target whose source time is in `events`.

    Where several deadlines reach one target, the earliest binds.
    """
    return _BOOK.due_dates(flow, events)
'''


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
            out.append(f"            {rt('FlowStep')}({n.name!r}, {n.kind.value!r}, {n.label!r}, {n.actor!r}, "
                       f"{n.inputs!r}, {n.outputs!r}, {n.site.clause!r}),")
        out.append("        ),")
        out.append("        (")
        for e in f.edges:
            out.append(f"            {rt('FlowEdge')}({e.src!r}, {e.dst!r}, {e.when!r}, "
                       f"{_amount(e.amount, scope)}, {e.how.value if e.how else None!r}, {e.unit_text!r}, {e.roll!r}, "
                       f"{e.loop!r}, {e.site.clause!r}),")
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
    out += _FUNCTIONS.format(FlowBook=rt("FlowBook")).rstrip("\n").split("\n")
    return out
