"""First-match lists (取最严重, 依次, 查表) read as a person reads them: a row is only
reached where every row before it failed, so what those failures imply needs no test.

    I  若 people 400人以上 …
    II 若 people 300人以上 且 people 400人以下 …   # people < 400 is known here

`simplify` replaces each comparison the earlier rows' failures imply with true, which
leaves a level list as few comparisons as a hand-written np.select.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from polc.compiler import ir
from polc.compiler.diagnostics import Span

NEGATED = {ir.CompareOp.LT: ir.CompareOp.GE, ir.CompareOp.LE: ir.CompareOp.GT,
            ir.CompareOp.GT: ir.CompareOp.LE, ir.CompareOp.GE: ir.CompareOp.LT,
            ir.CompareOp.EQ: ir.CompareOp.NE, ir.CompareOp.NE: ir.CompareOp.EQ}
Fact = tuple[str, ir.CompareOp, Fraction]


def _atom(c: ir.Cond) -> Fact | None:
    """`x op literal` (either way round) as (x, op, value), else None."""
    if not isinstance(c, ir.Compare):
        return None
    left, op, right = c.left, c.op, c.right
    if isinstance(left, ir.Lit) and isinstance(right, ir.Var):
        left, right, op = right, left, op.flipped
    if isinstance(left, ir.Var) and isinstance(right, ir.Lit) and \
            isinstance(right.value, (int, Decimal)) and not isinstance(right.value, bool):
        return (f"{left.scope.value}:{left.name}", op, Fraction(right.value))
    return None


def facts_when_false(c: ir.Cond) -> list[Fact]:
    """What holds on a row where `c` is false: the negation of each of its disjuncts that
    compares a name with a literal."""
    items = c.items if isinstance(c, ir.OrC) else (c,)
    out = []
    for item in items:
        a = _atom(item)
        if a is not None:
            out.append((a[0], NEGATED[a[1]], a[2]))
    return out


def implied(atom: Fact, facts: list[Fact]) -> bool:
    """Whether `atom` holds wherever every fact does (same name, bounds that imply it)."""
    name, op, v = atom
    C = ir.CompareOp
    for fname, fop, w in facts:
        if fname != name:
            continue
        below = op in (C.LT, C.LE) and fop in (C.LT, C.LE)
        above = op in (C.GT, C.GE) and fop in (C.GT, C.GE)
        strict = fop in (C.LT, C.GT) or op in (C.LE, C.GE)
        if (below and (w < v or (w == v and strict))) or \
                (above and (w > v or (w == v and strict))):
            return True
    return False


def _true(span: Span) -> ir.Cond:
    return ir.BoolC(ir.Lit(True, ir.BOOL, span), "", span)


def _is_true(c: ir.Cond) -> bool:
    return isinstance(c, ir.BoolC) and isinstance(c.expr, ir.Lit) and c.expr.value is True


def simplify(c: ir.Cond, facts: list[Fact]) -> ir.Cond:
    """`c` with every comparison the facts imply replaced by true: the same value on every
    row where the facts hold (a row of a first-match list, past the rows before it)."""
    if not facts:
        return c
    a = _atom(c)
    if a is not None and implied(a, facts):
        return _true(c.span)
    if isinstance(c, ir.NotC):
        return attrs.evolve(c, cond=simplify(c.cond, facts))
    if isinstance(c, (ir.AndC, ir.OrC)):
        items = tuple(simplify(i, facts) for i in c.items)
        if isinstance(c, ir.OrC):
            return _true(c.span) if any(map(_is_true, items)) else attrs.evolve(c, items=items)
        items = tuple(i for i in items if not _is_true(i))
        if len(items) <= 1:
            return items[0] if items else _true(c.span)
        return attrs.evolve(c, items=items)
    return c
