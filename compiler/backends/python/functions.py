"""One decision to two functions: the fast one and its `explain_*` twin.

The fast function checks its arguments inline and runs straight-line code; the twin
checks them through their Fields and records each condition and row into a
`Tracer`, with the site of the rule it comes from.  Both come from the same code
below, in a frame that says which one is being written.
"""

from __future__ import annotations

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK

from . import inputs
from .code import Code, Prec, negate
from .expressions import assign, condition, value
from .frame import Frame, Lines, ModuleScope
from .names import EXPLAIN
from .text import docstring_literal


def function(d: ir.Decision, scope: ModuleScope, tracing: bool) -> list[str]:
    p = scope.policy
    params = [p.input(n) for n in d.params]
    sig = ", ".join(f"{i.name}: {scope.py_type(i.type)}" for i in params)
    ret = scope.rt("Explanation") if tracing else scope.py_type(d.type)
    name = (EXPLAIN if tracing else "") + d.name
    out = [f"def {name}(*, {sig}) -> {ret}:" if sig else f"def {name}() -> {ret}:"]
    doc = f"Why {d.name} answers what it does." if tracing else _docstring(d)
    out.append("    " + docstring_literal(doc))
    f = Frame(scope, Lines(), d.name, d.result_site, tracing,
              lets={let.name: let.expr for let in d.lets},
              args="{" + ", ".join(f"{a!r}: {a}" for a in d.params) + "}")
    for i in params:
        inputs.check(i, f)
    if tracing:
        f.emit(f"_tr = {scope.rt('Tracer')}()")
    # in the order written: a requirement may test a local computed before it
    statements: list[ir.Let | ir.Require] = [*d.requires, *d.lets]
    for st in sorted(statements, key=lambda st: st.site.span):
        here = f.at(st.site)
        if isinstance(st, ir.Let):
            assign(st.expr, st.name, here)
            continue
        # a requirement refuses the inputs in both functions alike: it is not traced
        test = condition(st.cond, here.untraced())
        field = st.fields[0] if st.fields else d.name
        f.emit(f"if {negate(test)}:")
        f.emit(f"    raise {scope.rt('InputError')}({field!r}, {st.message!r})")
    result = _result(d, value(d.result, f, d.type.kind is TK.NUM), scope)
    f.emit(f"return _tr.done({result})" if tracing else f"return {result}")
    return out + f.out.lines


def _result(d: ir.Decision, result: Code, scope: ModuleScope) -> Code:
    """The decision's answer as returned: money rounded to the fen, once, here."""
    money = scope.rt("money")
    if d.type.is_money:
        if not d.type.nullable:
            return Code(f"{money}({result})")
        return Code(f"None if {result.within(Prec.ADD)} is None else {money}({result})",
                    Prec.TERNARY)
    if d.type.kind is TK.RANGE and d.type.item and d.type.item.is_money:
        # both ends of a fine's range, to the fen, as any money result
        if not d.type.nullable:
            return Code(f"{scope.rt('money_range')}({result})")
        return Code(f"None if {result.within(Prec.ADD)} is None else "
                    f"{scope.rt('money_range')}({result})", Prec.TERNARY)
    item = d.type.item.item if d.type.kind is TK.LIST and d.type.item else None
    if d.type.item and d.type.item.kind is TK.RANGE and item and item.is_money:
        return Code(f"[{scope.rt('money_range')}(x) for x in {result.within(Prec.OR)}]")
    if d.type.kind is TK.LIST and d.type.item and d.type.item.is_money:
        return Code(f"[{money}(x) for x in {result.within(Prec.OR)}]")
    return result


def _docstring(d: ir.Decision) -> str:
    lines = [d.label + "."]
    if d.site.clause or d.site.quotes:
        lines.append("")
        lines.append(f"引 {d.site.clause or ''}: " + " ".join(f"「{q}」" for q in d.site.quotes))
    if d.site.derived:
        lines.append(f"推导: {d.site.derived}")
    for r in d.site.readings:
        lines.append(f"解读: {r}")
    return "\n    ".join(lines)
