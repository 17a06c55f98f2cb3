"""Static bounds of the numbers a policy computes, and which operations evaluation guards.

polc's numbers stay exact within limits stated once, in `polc.runtime`
(docs/language.md, "Numbers"): inputs and literals have a magnitude of at most
LIMIT, and every value a decision computes at most BOUND.  Python's integers
never round; a Decimal operation rounds as soon as its exact result needs more
significant digits than the decimal context's precision (28 by default).

From the inputs' declared domains this module works out, by interval arithmetic
over the IR, an interval holding every value each numeric expression can take,
and its grain: the value is a whole multiple of 10**grain (unknown for a number
input, whose digits the caller chooses, and for a quotient).  Each + − × is then

- "plain", written `a * b`: whole numbers within BOUND, or Decimals whose exact
  result fits in the default 28 digits, so no context can round it;
- "bounded", written `_rt.bounded(a * b, …)`: whole numbers that may pass BOUND;
- "exact", written `_rt.mul(a, b, …)`: Decimals that might not fit, computed in
  the runtime's own exact context and refused (OutOfRange) past BOUND or past
  its precision, never rounded.

Every ÷ is `_rt.div`, which rounds the quotient to QUOTIENT_DIGITS significant
digits and refuses it past BOUND.  What is wrong whatever the inputs is an error
at check time: a value past BOUND (E217), a division by zero (E218).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from polc.compiler import ir
from polc.compiler.diagnostics import Diagnostics, Span
from polc.runtime import BOUND, LIMIT, PRECISION

# Python's default decimal precision: a "plain" Decimal operation fits in it
DEFAULT_DIGITS = 28
_ZERO = Fraction(0)
_CENT = Fraction(1, 100)


class Num(NamedTuple):
    lo: Fraction
    hi: Fraction
    grain: int | None  # the value is a whole multiple of 10**grain; None: unknown

    @property
    def magnitude(self) -> Fraction:
        return max(-self.lo, self.hi)


def _digits(magnitude: Fraction, grain: int) -> int:
    """Significant digits of the largest multiple of 10**grain up to `magnitude`."""
    coefficient = magnitude / Fraction(10) ** grain
    return len(str(int(coefficient))) if coefficient >= 1 else 1


def _hull(nums: Iterable[Num | None]) -> Num | None:
    real = [n for n in nums if n is not None]
    if not real:
        return None
    grains = [n.grain for n in real]
    grain = None if None in grains else min(g for g in grains if g is not None)
    return Num(min(n.lo for n in real), max(n.hi for n in real), grain)


def _point(value: int | Decimal) -> Num:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return Num(Fraction(value), Fraction(value), exponent if isinstance(exponent, int)
                   else None)
    return Num(Fraction(value), Fraction(value), 0)


class Analysis:
    """The plan for one policy: how each arithmetic node is written, and what is wrong."""

    def __init__(self, policy: ir.Policy) -> None:
        self.ops: dict[int, str] = {}  # id(ir.Arith) -> plain | bounded | exact | div
        self.problems: list[tuple[str, Span, str]] = []
        self._inputs = {i.name: i for i in policy.inputs}
        self._results: dict[str, Num | None] = {}
        self._consts: dict[str, Num | None] = {}
        self._locals: dict[str, Num | None] = {}
        for c in policy.consts:
            self._consts[c.name] = self.expr(c.expr)
        for d in _callees_first(policy.decisions):
            self._results[d.name] = self.decision(d)

    def decision(self, d: ir.Decision) -> Num | None:
        self._locals = {}
        statements: list[ir.Let | ir.Require] = [*d.requires, *d.lets]
        for st in sorted(statements, key=lambda st: st.site.span):
            if isinstance(st, ir.Let):
                self._locals[st.name] = self.expr(st.expr)
            else:
                self.cond(st.cond)
        result = self.expr(d.result)
        money_range = d.type.kind is ir.TypeKind.RANGE and d.type.item is not None \
            and d.type.item.is_money
        if result is not None and (d.type.is_money or money_range):
            # rounded to the fen: a multiple of 0.01, within a cent of the exact value
            bound = Fraction(BOUND)
            result = Num(max(result.lo - _CENT, -bound), min(result.hi + _CENT, bound), -2)
        return result

    # ------------------------------------------------------------ expressions
    def expr(self, e: ir.Expr) -> Num | None:
        if isinstance(e, ir.Lit):
            if isinstance(e.value, (int, Decimal)) and not isinstance(e.value, bool):
                return _point(e.value)
            return None
        if isinstance(e, ir.Var):
            return self.var(e)
        if isinstance(e, ir.Arith):
            return self.arith(e)
        if isinstance(e, ir.Clamp):
            x, limit = self.expr(e.expr), self.expr(e.limit)
            if x is None or limit is None:
                return None
            pick = min if e.kind is ir.ClampKind.CAP else max  # a cap is min(x, cap)
            return Num(pick(x.lo, limit.lo), pick(x.hi, limit.hi),
                       _hull((x, limit)).grain)  # type: ignore[union-attr]
        if isinstance(e, ir.MinMax):
            args = [self.expr(a) for a in e.args]
            real = [a for a in args if a is not None]
            if len(real) != len(args) or not real:
                return None
            pick = max if e.func is ir.Extreme.MAX else min
            return Num(pick(a.lo for a in real), pick(a.hi for a in real), _hull(real).grain)  # type: ignore[union-attr]
        if isinstance(e, ir.IfE):
            self.cond(e.cond)
            return _hull((self.expr(e.then), self.expr(e.other)))
        if isinstance(e, ir.LevelsE):
            for row in e.rows:
                self.cond(row.cond)
            return _hull([self.expr(e.otherwise.expr)] if e.otherwise else [])
        if isinstance(e, ir.TableE):
            for k in e.keys:
                self.expr(k)
            return _hull([self.expr(r.expr) for r in e.rows] +
                         ([self.expr(e.otherwise.expr)] if e.otherwise else []))
        if isinstance(e, ir.RulesE):
            values = []
            for rule in e.rows:
                self.cond(rule.cond)
                values.append(self.expr(rule.expr))
            if e.otherwise:
                values.append(self.expr(e.otherwise.expr))
            return _hull(values)
        if isinstance(e, ir.NamedE):
            for it in e.items:
                self.cond(it.cond)
            return None
        if isinstance(e, ir.CondE):
            self.cond(e.cond)
            return None
        if isinstance(e, ir.ScheduleE):
            self.expr(e.total)
            return None
        if isinstance(e, ir.Shift):
            self.expr(e.base)
            self.expr(e.amount)
            return None
        if isinstance(e, ir.CalendarFn):
            for a in e.args:
                self.expr(a)
            return None
        if isinstance(e, ir.Roll):
            self.expr(e.expr)
            return None
        if isinstance(e, ir.RangeE):
            if e.lo is None or e.hi is None:  # one-ended: never empty, and unbounded
                for end in (e.lo, e.hi):
                    if end is not None:
                        self.expr(end)
                return None
            lo, hi = self.expr(e.lo), self.expr(e.hi)
            if lo is not None and hi is not None and (lo.lo > hi.hi or (
                    lo.lo == hi.hi and not (e.lo_closed and e.hi_closed))):
                self.problems.append(("E236", e.span, (f"范围 {e.text} 对任何输入都是空的："
                                                       "下限总是大于上限")))
            # a range's value stands for its ends: either lies within the hull of both
            return None if lo is None or hi is None else _hull((lo, hi))
        if isinstance(e, ir.RangeEnd):
            return self.expr(e.range)
        if isinstance(e, ir.InRangeE):
            self.expr(e.value)
            self.expr(e.range)
            return None
        if isinstance(e, ir.CallDecision):
            return self._results.get(e.name)
        return None  # enum members, roles

    def var(self, e: ir.Var) -> Num | None:
        if e.scope is ir.Scope.LOCAL:
            return self._locals.get(e.name)
        if e.scope is ir.Scope.CONST:
            return self._consts.get(e.name)
        inp = self._inputs[e.name]
        if not inp.type.numeric:
            return None
        limit = Fraction(LIMIT)
        lo = -limit if inp.lo is None else max(Fraction(inp.lo), -limit)  # type: ignore[arg-type]
        hi = limit if inp.hi is None else min(Fraction(inp.hi), limit)  # type: ignore[arg-type]
        # a count is a Python int; a number's digits are the caller's
        return Num(lo, hi, 0 if inp.type.kind is ir.TypeKind.COUNT else None)

    def arith(self, e: ir.Arith) -> Num:
        bound = Fraction(BOUND)
        # an operand of unknown range can be anything within BOUND, with any digits
        anything = Num(-bound, bound, None)
        a, b = self.expr(e.left) or anything, self.expr(e.right) or anything
        if e.op is ir.ArithOp.DIV:
            self.ops[id(e)] = "div"
            if b.lo == b.hi == 0:
                self.problems.append(("E218", e.span, "除数总是 0：此处的除法对任何输入都不成立"))
            # a whole-number divisor other than 0 is at least 1 in size: |a ÷ b| ≤ |a|
            m = a.magnitude if e.right.type.kind is ir.TypeKind.COUNT else bound
            low = _ZERO if a.lo >= 0 and b.lo >= 0 else -m
            return Num(max(low, -bound), min(m, bound), None)
        if e.op is ir.ArithOp.MUL:
            corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
            raw = Num(min(corners), max(corners),
                      None if a.grain is None or b.grain is None else a.grain + b.grain)
        else:
            lo, hi = ((a.lo + b.lo, a.hi + b.hi) if e.op is ir.ArithOp.ADD
                      else (a.lo - b.hi, a.hi - b.lo))
            raw = Num(lo, hi, None if a.grain is None or b.grain is None
                      else min(a.grain, b.grain))
        within = -bound <= raw.lo and raw.hi <= bound
        if raw.lo > bound or raw.hi < -bound:
            message = f"计算结果对任何输入都超出范围：绝对值大于 10^{len(str(BOUND)) - 1}"
            self.problems.append(("E217", e.span, message))
        elif raw.lo == raw.hi and raw.grain is not None and \
                _digits(raw.magnitude, raw.grain) > PRECISION:
            message = f"计算结果须有超过 {PRECISION} 位有效数字才能精确表示"
            self.problems.append(("E217", e.span, message))
        if e.type.kind is ir.TypeKind.COUNT:
            self.ops[id(e)] = "plain" if within else "bounded"
        else:
            fits = raw.grain is not None and _digits(raw.magnitude, raw.grain) <= DEFAULT_DIGITS
            self.ops[id(e)] = "plain" if within and fits else "exact"
        if within:
            return raw
        return Num(max(raw.lo, -bound), min(raw.hi, bound), raw.grain)

    def may_fail(self, node: object) -> bool:
        """Whether evaluating `node` can raise: it takes a decision (取), counts dates, or
        has an arithmetic operation that is guarded (see the module docstring)."""
        return any(isinstance(n, (ir.CallDecision, ir.Shift, ir.CalendarFn, ir.Roll)) or
                   isinstance(n, ir.Arith) and self.ops.get(id(n)) != "plain"
                   for n in ir.walk(node))

    def cond(self, c: ir.Cond) -> None:
        if isinstance(c, ir.Compare):
            self.expr(c.left)
            self.expr(c.right)
        elif isinstance(c, ir.BoolC):
            self.expr(c.expr)
        elif isinstance(c, ir.NotC):
            self.cond(c.cond)
        else:
            for i in c.items:
                self.cond(i)


def _callees_first(decisions: tuple[ir.Decision, ...]) -> list[ir.Decision]:
    """The decisions, each after those it takes (取); found without recursion."""
    by_name = {d.name: d for d in decisions}
    order: list[ir.Decision] = []
    seen: set[str] = set()
    for root in decisions:
        if root.name in seen:
            continue
        seen.add(root.name)
        stack = [(root, iter(root.calls))]
        while stack:
            d, calls = stack[-1]
            callee = next((by_name[c] for c in calls if c in by_name and c not in seen), None)
            if callee is None:
                stack.pop()
                order.append(d)
            else:
                seen.add(callee.name)
                stack.append((callee, iter(callee.calls)))
    return order


def analyse(policy: ir.Policy) -> Analysis:
    return Analysis(policy)


def check(policy: ir.Policy, diags: Diagnostics) -> None:
    """Report what is wrong with a policy's numbers whatever its inputs."""
    for code, span, message in analyse(policy).problems:
        diags.error(code, message, span)
