"""One decision to two functions: the fast one and its `explain_*` twin.

The fast function checks its arguments inline and runs straight-line code; the twin
checks them through their Fields and records each condition and row into a
`Tracer`, with the site of the rule it comes from.  Both come from the same code
below, in a frame that says which one is being written.
"""

from __future__ import annotations

from decimal import Decimal

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK

from . import inputs
from .code import Code, Prec, binary, call, literal, negate
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
    result = _fen_result(d, f) or _result(d, value(d.result, f, d.type.kind is TK.NUM), scope)
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


def _fen_result(d: ir.Decision, f: Frame) -> Code | None:
    """A money answer computed in integers and made a Decimal once (issue 16, item 4).

    Where the answer is sums, differences, products, caps and floors of whole numbers and
    written amounts or ratios, and the bounds analysis found every operation exact
    ("plain"), the same arithmetic over the values times 10**k is integer arithmetic:
    0.2 is 2 at k = 1.  At k ≤ 2 the value is a whole number of 分 (`money_fen`); finer,
    `money_scaled` rounds it to the fen half up, as `money` rounds the Decimal.  Either
    gives the same Decimal as the tree written as it stands, with one Decimal built
    instead of an operation on Decimals at every node."""
    if not d.type.is_money or d.type.nullable or not isinstance(
            d.result, ir.Arith | ir.Clamp | ir.MinMax):
        return None
    scaled = _scaled(d.result, f)
    if scaled is None:
        return None
    code, k = scaled
    if k <= 2:  # a whole number of 分: no rounding at all
        return call(f.rt("money_fen"), _times(code, 10 ** (2 - k)))
    return call(f.rt("money_scaled"), code, str(k))


def _scaled(e: ir.Expr, f: Frame) -> tuple[Code, int] | None:
    """`e` as (code, k): the value of `e` is the value of code times 10**-k exactly, and
    code is an int wherever the operands of `e` are; None where `e` is not that simple."""
    if isinstance(e, ir.Lit):
        if isinstance(e.value, bool) or not isinstance(e.value, int | Decimal):
            return None
        sign, digits, exponent = Decimal(e.value).as_tuple()
        if not isinstance(exponent, int):  # NaN or infinity: never a written amount
            return None
        n = int("".join(map(str, digits))) * (-1 if sign else 1)
        if exponent >= 0:
            return literal(n * 10**exponent), 0
        return literal(n), -exponent
    if isinstance(e, ir.Var):
        if e.type.kind not in (TK.COUNT, TK.NUM) or e.type.nullable:
            return None
        return value(e, f), 0
    if isinstance(e, ir.Arith):
        if e.op is ir.ArithOp.DIV or f.scope.plan.ops.get(id(e)) != "plain":
            return None
        left, right = _scaled(e.left, f), _scaled(e.right, f)
        if left is None or right is None:
            return None
        if e.op is ir.ArithOp.MUL:
            return binary(left[0], "*", right[0]), left[1] + right[1]
        (a, b), k = _aligned([left, right])
        return binary(a, e.op.value, b), k
    if isinstance(e, ir.Clamp | ir.MinMax):
        operands = [e.expr, e.limit] if isinstance(e, ir.Clamp) else list(e.args)
        parts = [_scaled(a, f) for a in operands]
        if any(p is None for p in parts):
            return None
        codes, k = _aligned([p for p in parts if p is not None])
        if isinstance(e, ir.Clamp):
            func = "min" if e.kind is ir.ClampKind.CAP else "max"
        else:
            func = e.func.value
        return call(func, *codes), k
    return None


def _aligned(parts: list[tuple[Code, int]]) -> tuple[list[Code], int]:
    """The operands brought to one scale, the finest of theirs."""
    k = max(p[1] for p in parts)
    return [_times(c, 10 ** (k - ck)) for c, ck in parts], k


def _times(c: Code, factor: int) -> Code:
    """c × factor, a written number multiplied out here (1 × 10 reads as 10)."""
    if factor == 1:
        return c
    if str(c).lstrip("-").isdigit():
        return literal(int(str(c)) * factor)
    return binary(c, "*", literal(factor))


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
