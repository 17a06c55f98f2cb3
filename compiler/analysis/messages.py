"""The counterexamples of the checks' messages, in the notice's own words.

A point of a space holds search values (dates as ordinals, amounts in 元); a drafter reads
`income = 1.5万元，date = 2026-01-01`.  Quantities go through `quantities.show_quantity`,
the formatter diagrams and reports use too, so a message and a diagram never disagree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import show_quantity

from .space import Space, TableSpace


def show_value(t: ir.Type, v: object) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if t.kind is TK.DATE and isinstance(v, int):
        return dt.date.fromordinal(v).isoformat()
    if isinstance(v, (int, Decimal)):
        return show_quantity(v, t.unit, ratio=t.kind is TK.NUM)
    return str(v)


def show_point(space: Space, point: dict[str, object]) -> str:
    """`people = 200，kind = a`: a point over the decision's inputs."""
    return "，".join(f"{d} = {show_value(space.dims[d].type, v)}" for d, v in point.items())


def show_keys(keyed: TableSpace, point: dict[str, object]) -> str:
    """A point over a table's keys; a key that is not an input is named by its place."""
    parts = []
    for name, v in point.items():
        dim = keyed.space.dims[name]
        label = name if not name.startswith("#") else f"第 {int(name[1:]) + 1} 个键"
        parts.append(f"{label} = {show_value(dim.type, v)}")
    return "，".join(parts)
