"""Each input's domain, stated once per module, and the checks derived from it.

The domain (kind, unit, bounds, enum) is one `polc.runtime.Field` at module level,
`_IN_<name>`.  `polc eval` converts JSON through it (DecisionSpec); the `explain_*`
twin checks a Python argument with it (`Field.arg`); and the decision itself runs a
guard compiled from the same `ir.Input`: one chained comparison that accepts a
well-typed value without a call, and hands anything else to `Field.arg`, which
converts it (an int for a Decimal, a member name for an enum) or raises the
InputError.  The message is the Field's, whichever way the value came.
"""

from __future__ import annotations

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import describe
from polc.runtime import LIMIT

from .code import Code, Prec, chained, compare, either, negate
from .frame import Frame, ModuleScope, limit

PREFIX = "_IN_"


def field_name(inp: ir.Input) -> str:
    return PREFIX + inp.name


def declaration(inp: ir.Input, scope: ModuleScope) -> str:
    """`_IN_x = _rt.Field(...)`: the one statement of the input's domain."""
    t = inp.type
    args = [repr(inp.name), repr(t.kind.value), repr(inp.label)]
    if t.numeric and not t.unit.dimensionless:
        args.append(f"unit={describe(t.unit)!r}")
    if inp.lo is not None:
        args.append(f"lo={scope.lit(inp.lo)}")
        args.append(f"lo_closed={inp.lo_closed!r}")
    if inp.hi is not None:
        args.append(f"hi={scope.lit(inp.hi)}")
        args.append(f"hi_closed={inp.hi_closed!r}")
    if t.kind is TK.ENUM:
        args.append(f"enum={t.enum}")
    return f"{field_name(inp)} = {scope.rt('Field')}({', '.join(args)})"


def check(inp: ir.Input, f: Frame) -> None:
    """The statements that check (and convert) one argument on entry."""
    n = inp.name
    if f.tracing:
        # the explanation is not the fast path: the Field checks it, in full
        f.emit(f"{n} = {field_name(inp)}.arg({n})")
        return
    f.emit(f"if {_refused(inp, f)}:")
    f.emit(f"    {n} = {field_name(inp)}.arg({n})")


def _refused(inp: ir.Input, f: Frame) -> Code:
    """What a value of the input's declared type, within its domain, never satisfies."""
    n = Code(inp.name)
    t = inp.type
    kind = t.kind
    if kind is TK.COUNT:
        return either([_not_type(n, "int"), negate(_range(inp, f))])
    if kind is TK.NUM:
        # NaN orders with nothing (comparing it raises), so finiteness is tested first
        return either([_not_type(n, f.scope.std("Decimal")), negate(Code(f"{n}.is_finite()")),
                       negate(_range(inp, f))])
    if kind in (TK.DATE, TK.DATETIME, TK.BOOL):
        parts = [_not_type(n, f.scope.std(kind.value) if kind is not TK.BOOL else "bool")]
        if inp.lo is not None:
            parts.append(compare(n, "<" if inp.lo_closed else "<=", f.lit(inp.lo)))
        if inp.hi is not None:
            parts.append(compare(n, ">" if inp.hi_closed else ">=", f.lit(inp.hi)))
        return either(parts)
    if kind is TK.ENUM:
        return _not_type(n, t.enum or "object")
    return _not_type(n, "str")


def _not_type(n: Code, type_name: str) -> Code:
    return compare(Code(f"type({n})"), "is not", Code(type_name))


def _range(inp: ir.Input, f: Frame) -> Code:
    """`lo <= x <= hi` for a numeric input: its domain within ±LIMIT."""
    most = limit()
    lo, lo_op = Code(f"-{most.within(Prec.ATOM)}", Prec.UNARY), "<="
    if inp.lo is not None and inp.lo > -LIMIT:  # type: ignore[operator]
        lo, lo_op = f.lit(inp.lo), "<=" if inp.lo_closed else "<"
    hi, hi_op = most, "<="
    if inp.hi is not None and inp.hi < LIMIT:  # type: ignore[operator]
        hi, hi_op = f.lit(inp.hi), "<=" if inp.hi_closed else "<"
    return chained(lo, lo_op, Code(inp.name), hi_op, hi)
