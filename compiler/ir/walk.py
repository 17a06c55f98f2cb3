"""The walk over an IR tree (`trees.walker`), and the one walk that follows locals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from polc.compiler.diagnostics import Span
from polc.compiler.quantities import Unit
from polc.compiler.trees import walker

from .kinds import Scope, TypeKind
from .nodes import CallDecision, Expr, Policy, Site, Var
from .types import Type

walk = walker((Type, Site, Unit))


def date_inputs(e: object, lets: Mapping[str, Expr], policy: Policy) -> list[str]:
    """The date and date-time inputs `e` is computed from, through its locals (`lets`, by
    name) and the decisions it calls, in the order they are written: the name a runtime
    date function gives when a deadline leaves the calendar.  Not `walk`: it follows a
    local to its definition, and the order of the names is part of the message."""
    dated = (TypeKind.DATE, TypeKind.DATETIME)
    names: dict[str, None] = {}
    todo: list[Any] = [e]
    while todo:
        x = todo.pop()
        if isinstance(x, Var):
            if x.scope is Scope.LOCAL:
                todo.append(lets[x.name])
            elif x.scope is Scope.INPUT and x.type.kind in dated:
                names[x.name] = None
        elif isinstance(x, CallDecision):
            names.update(dict.fromkeys(a for a in x.args if policy.input(a).type.kind in dated))
        elif attrs.has(type(x)) and not isinstance(x, (Type, Site, Span)):
            for part in reversed(attrs.astuple(x, recurse=False)):
                todo.extend(reversed(part) if isinstance(part, tuple) else (part,))
    return list(names)
