"""One decision's IR to the body of a numpy kernel over scaled int64 columns.

Every number is an int64 array (or a Python int constant) holding value × 10**scale, with
an interval of the integers it can hold, worked out from the inputs' domains cut to a
magnitude `limit` (the rows beyond it go to the scalar function, see polc.runtime.batch):
an operation whose interval leaves int64 is refused (TooWide) and the caller tries a
smaller limit.  So + − × and comparisons are exact, as in the scalar path, and money is
rounded once, to the 分, half up, as polc.runtime.money does.

What a kernel cannot do exactly (÷, which rounds; the calendar's date arithmetic; lists)
is Unsupported, with the W7xx code saying why: the decision then runs row by row.

A row whose value the kernel cannot vouch for is put in its `slow` mask: a requirement
(须) that fails and a table with no row for it, even where the scalar function would not
have evaluated that table — the scalar function then decides, so this costs time, never
exactness.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import attrs

from polc.compiler import ir
from polc.compiler.diagnostics import Span
from polc.compiler.ir import TypeKind as TK
from polc.runtime import LIMIT

from .facts import NEGATED, Fact, facts_when_false, simplify

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
EPOCH = dt.date(1970, 1, 1)
# the digits a number input (not money) is held with: rows with more go row by row
NUM_PLACES = 6
MONEY_PLACES = 2


class Unsupported(Exception):
    def __init__(self, code: str, message: str, span: Span) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span


class TooWide(Exception):
    """A value's interval leaves int64 under the limit tried."""


@attrs.frozen
class Val:
    code: str  # a Python expression: an array, or the constant's literal
    kind: str  # int (numbers, dates as days), bool, code (enum members, roles)
    scale: int = 0
    lo: int = 0
    hi: int = 0
    const: int | bool | None = None  # the value, when it is a constant
    # what later operations fold into instead of adding one more pass over the column:
    # base × mul + add (base's interval given), a product of two columns, the negation
    lin: tuple[str, int, int, int, int] | None = None
    prod: tuple[Val, Val] | None = None
    neg: str | None = None
    # the last operation, (ufunc, left, right): written straight into the output column
    binop: tuple[str, str, str] | None = None

    @property
    def is_const(self) -> bool:
        return self.const is not None


def const_int(value: int, scale: int = 0) -> Val:
    _fits(value, value)
    return Val(repr(value), "int", scale, value, value, value)


def const_bool(value: bool) -> Val:
    return Val(repr(value), "bool", const=value)


def const_code(value: int) -> Val:
    return Val(repr(value), "code", lo=value, hi=value, const=value)


class _Extent:
    """The largest magnitude an interval reached in the lowering under way: the kernel
    runs on int32 columns as they are only if every value stays within int32."""

    widest = 0


EXTENT = _Extent()
INT32_MAX = 2**31 - 1


def _fits(lo: int, hi: int) -> None:
    if lo < INT64_MIN or hi > INT64_MAX:
        raise TooWide
    EXTENT.widest = max(EXTENT.widest, -lo, hi)


def linear(base: str, blo: int, bhi: int, mul: int, add: int, scale: int) -> Val:
    """base × mul + add, each step within int64."""
    corners = (blo * mul, bhi * mul)
    _fits(min(corners), max(corners))
    lo, hi = min(corners) + add, max(corners) + add
    _fits(lo, hi)
    sign = "+" if add > 0 else "-"
    if mul == 1:
        code = base if add == 0 else f"({base} {sign} {abs(add)})"
    elif mul == -1 and add:
        code = f"({add} - {base})"
    else:
        code = f"({base} * {mul})" if add == 0 else f"({base} * {mul} {sign} {abs(add)})"
    return Val(code, "int", scale, lo, hi, lin=(base, blo, bhi, mul, add))


def _lin(v: Val) -> tuple[str, int, int, int, int]:
    return v.lin or (v.code, v.lo, v.hi, 1, 0)


def times(v: Val, k: int, scale: int) -> Val:
    """v × k (a constant) at `scale`: folded into v's linear form, or into the factor of
    a product that has one."""
    if v.is_const:
        return const_int(v.lo * k, scale)
    if v.prod is not None:
        x, y = v.prod
        if x.lin is not None and y.lin is None:
            x, y = y, x
        y = times(y, k, y.scale)
        lo, hi = sorted((v.lo * k, v.hi * k))
        _fits(lo, hi)
        return Val(f"({x.code} * {y.code})", "int", scale, lo, hi, prod=(x, y),
                   binop=("multiply", x.code, y.code))
    base, blo, bhi, mul, add = _lin(v)
    return linear(base, blo, bhi, mul * k, add * k, scale)


@attrs.frozen
class InputPlan:
    """How one input reaches the kernel: runtime.batch's converter and its bounds."""

    name: str
    kind: str  # count | num | bool | enum | date
    scale: int
    lo: int
    hi: int
    enum: str | None = None


def plan_input(inp: ir.Input, limit: int) -> InputPlan:
    t = inp.type
    if t.kind is TK.COUNT or t.kind is TK.NUM:
        scale = 0 if t.kind is TK.COUNT else MONEY_PLACES if t.is_money else NUM_PLACES
        unit = 10**scale
        cap = min(limit, LIMIT) * unit
        lo, hi = -cap, cap
        if inp.lo is not None:
            f = Fraction(inp.lo) * unit  # type: ignore[arg-type]
            lo = max(lo, math.ceil(f) if inp.lo_closed else math.floor(f) + 1)
        if inp.hi is not None:
            f = Fraction(inp.hi) * unit  # type: ignore[arg-type]
            hi = min(hi, math.floor(f) if inp.hi_closed else math.ceil(f) - 1)
        return InputPlan(inp.name, "count" if t.kind is TK.COUNT else "num", scale, lo, hi)
    if t.kind is TK.BOOL:
        return InputPlan(inp.name, "bool", 0, 0, 1)
    if t.kind is TK.ENUM:
        return InputPlan(inp.name, "enum", 0, 0, 0, t.enum)
    if t.kind is TK.DATE:
        lo, hi = day(dt.date.min), day(dt.date.max)
        if isinstance(inp.lo, dt.date):
            lo = day(inp.lo) + (0 if inp.lo_closed else 1)
        if isinstance(inp.hi, dt.date):
            hi = day(inp.hi) - (0 if inp.hi_closed else 1)
        return InputPlan(inp.name, "date", 0, lo, hi)
    raise Unsupported("W704", f"输入 {inp.name} 的类型（{t.show()}）不能按列计算", inp.site.span)


def day(d: dt.date) -> int:
    return (d - EPOCH).days


class Lowerer:
    """The kernel lines of one decision under one limit."""

    def __init__(self, policy: ir.Policy, decision: ir.Decision, limit: int) -> None:
        self.p = policy
        self.d = decision
        self.limit = limit
        self.lines: list[str] = []
        self.slow: list[str] = []
        self.tmp = 0
        self.roles: list[str] = []
        self.inputs = {n: plan_input(policy.input(n), limit) for n in decision.params}
        for p in self.inputs.values():
            _fits(p.lo, p.hi)
        self.scope: dict[str, Val] = {n: self.input_val(p) for n, p in self.inputs.items()}
        self.inlined: list[str] = []  # decisions being inlined (取), innermost last

    # ------------------------------------------------------------ helpers
    def input_val(self, p: InputPlan) -> Val:
        if p.kind == "bool":
            return Val(p.name, "bool")
        if p.kind == "enum":
            assert p.enum is not None
            return Val(p.name, "code", lo=0, hi=len(self.p.enum(p.enum).members) - 1)
        return Val(p.name, "int", p.scale, p.lo, p.hi)

    def name(self, prefix: str = "_v") -> str:
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    def bind(self, v: Val) -> Val:
        """`v` in a variable of its own (used more than once, or long)."""
        if v.is_const or v.code.isidentifier():
            return v
        target = self.name()
        self.lines.append(f"{target} = {v.code}")
        return attrs.evolve(v, code=target, lin=None, prod=None, neg=None, binop=None)

    def rescale(self, v: Val, scale: int) -> Val:
        if v.kind != "int" or v.scale == scale:
            return v
        return times(v, 10 ** (scale - v.scale), scale)

    def align(self, vals: list[Val], at_least: int = 0) -> list[Val]:
        scale = max([at_least] + [v.scale for v in vals if v.kind == "int"])
        return [self.rescale(v, scale) for v in vals]

    # ------------------------------------------------------------ the decision
    def result(self) -> Val:
        return self.decision_value(self.d)

    def decision_value(self, d: ir.Decision) -> Val:
        statements: list[ir.Let | ir.Require] = [*d.requires, *d.lets]
        for st in sorted(statements, key=lambda st: st.site.span):
            if isinstance(st, ir.Let):
                v = self.bind(self.expr(st.expr))
                self.scope[self.local(st.name)] = v
            else:
                c = self.cond(st.cond)
                if c.is_const:
                    if not c.const:
                        self.slow.append("_np.ones(_n, dtype=_np.bool_)")
                else:
                    self.slow.append(self.negate(c).code)
        v = self.expr(d.result, MONEY_PLACES if d.type.is_money else 0)
        if d.type.is_money:
            v = self.money(v)
        return v

    def local(self, name: str) -> str:
        return "/".join([*self.inlined, name])

    def money(self, v: Val) -> Val:
        if v.scale <= MONEY_PLACES:
            return self.rescale(v, MONEY_PLACES)
        divisor = 10 ** (v.scale - MONEY_PLACES)
        _fits(-max(-v.lo, v.hi) - divisor, max(-v.lo, v.hi) + divisor)
        lo, hi = _half_up(v.lo, divisor), _half_up(v.hi, divisor)
        if v.is_const:
            return const_int(lo, MONEY_PLACES)
        return Val(f"_rtb.round_half_up({v.code}, {divisor})", "int", MONEY_PLACES, lo, hi)

    # ------------------------------------------------------------ expressions
    def expr(self, e: ir.Expr, at_least: int = 0) -> Val:
        """`e` as a column; a choice among values (a table, rules, 若…否则) holds them at
        `at_least` decimal places, so money needs no pass of its own to reach the 分."""
        if isinstance(e, ir.Lit):
            return self.lit(e.value, e.span)
        if isinstance(e, ir.Var):
            return self.var(e)
        if isinstance(e, ir.EnumVal):
            return const_code(self.member_code(e.enum, e.member))
        if isinstance(e, ir.RoleVal):
            if e.title not in self.roles:
                self.roles.append(e.title)
            return const_code(self.roles.index(e.title))
        if isinstance(e, ir.Arith):
            return self.arith(e)
        if isinstance(e, ir.Clamp):
            func = "minimum" if e.kind is ir.ClampKind.CAP else "maximum"
            return self.extreme(func, [self.expr(e.expr), self.expr(e.limit)])
        if isinstance(e, ir.MinMax):
            func = "maximum" if e.func is ir.Extreme.MAX else "minimum"
            return self.extreme(func, [self.expr(a) for a in e.args])
        if isinstance(e, ir.IfE):
            return self.select([e.cond], [e.then], e.other, e.span, at_least, first_match=False)
        if isinstance(e, ir.LevelsE):
            conds = [r.cond for r in e.rows]
            values: list[ir.Expr] = [ir.EnumVal(e.enum, r.member, e.type, e.span)
                                     for r in e.rows]
            return self.select(conds, values, e.otherwise.expr if e.otherwise else None,
                               e.span, at_least)
        if isinstance(e, ir.RulesE):
            return self.select([r.cond for r in e.rows], [r.expr for r in e.rows],
                               e.otherwise.expr if e.otherwise else None, e.span, at_least)
        if isinstance(e, ir.TableE):
            return self.table(e, at_least)
        if isinstance(e, ir.NamedE):
            parts = [self.cond(it.cond) for it in e.items]
            return self.logic("&" if e.kind is ir.Quantifier.ALL else "|", parts)
        if isinstance(e, ir.CondE):
            return self.cond(e.cond)
        if isinstance(e, ir.CallDecision):
            return self.call(e)
        if isinstance(e, (ir.RangeE, ir.RangeEnd, ir.InRangeE)):
            # a range is two ends and two inclusions, not one exact integer column
            raise Unsupported("W708", "范围（两端及是否含本数）不能按列计算，批量时逐行调用标量函数",
                              e.span)
        if isinstance(e, ir.ScheduleE):
            raise Unsupported("W703", "分期（列表）结果不能按列计算", e.span)
        if isinstance(e, (ir.Shift, ir.Roll, ir.CalendarFn)):
            raise Unsupported("W702", "日期推算（工作日、月、年、日历函数）由运行时的日历逐行计算，"
                              "不能按列计算", e.span)
        raise Unsupported("W707", f"{type(e).__name__} 不能按列计算", e.span)

    def lit(self, value: ir.Scalar, span: Span) -> Val:
        if isinstance(value, bool):
            return const_bool(value)
        if isinstance(value, int):
            return const_int(value)
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            scale = max(0, -exponent) if isinstance(exponent, int) else 0
            return const_int(int(value.scaleb(scale)), scale)
        if isinstance(value, dt.datetime):
            raise Unsupported("W704", "时刻不能按列计算", span)
        if isinstance(value, dt.date):
            return const_int(day(value))
        if value is None:
            return const_code(-1)
        raise Unsupported("W707", f"常量 {value!r} 不能按列计算", span)

    def var(self, e: ir.Var) -> Val:
        if e.scope is ir.Scope.CONST:
            c = self.p.const(e.name)
            assert c is not None
            v = self.expr(c.expr)
            if not v.is_const:
                raise Unsupported("W707", f"常量 {e.name} 不是定值", e.span)
            return v
        key = self.local(e.name) if e.scope is ir.Scope.LOCAL else e.name
        return self.scope[key]

    def member_code(self, enum: str, member: str) -> int:
        return [m for m, _ in self.p.enum(enum).members].index(member)

    def arith(self, e: ir.Arith) -> Val:
        a, b = self.expr(e.left), self.expr(e.right)
        if e.op is ir.ArithOp.DIV:
            return self.divide(a, b, e.span)
        if e.op is ir.ArithOp.MUL:
            corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
            lo, hi, scale = min(corners), max(corners), a.scale + b.scale
        else:
            a, b = self.align([a, b])
            scale = a.scale
            lo, hi = (a.lo + b.lo, a.hi + b.hi) if e.op is ir.ArithOp.ADD else \
                (a.lo - b.hi, a.hi - b.lo)
        _fits(lo, hi)
        op = e.op.value
        if a.is_const and b.is_const:
            value = {"+": a.lo + b.lo, "-": a.lo - b.lo, "*": a.lo * b.lo}[op]
            return const_int(value, scale)
        if op == "*" and (a.is_const or b.is_const):
            k, v = (a, b) if a.is_const else (b, a)
            return times(v, k.lo, scale)
        if op != "*" and (a.is_const or b.is_const):
            sign = 1 if op == "+" else -1
            if b.is_const:
                base, blo, bhi, mul, add = _lin(a)
                return linear(base, blo, bhi, mul, add + sign * b.lo, scale)
            base, blo, bhi, mul, add = _lin(b)
            return linear(base, blo, bhi, sign * mul, a.lo + sign * add, scale)
        ufunc = {"+": "add", "-": "subtract", "*": "multiply"}[op]
        return Val(f"({a.code} {op} {b.code})", "int", scale, lo, hi,
                   prod=(a, b) if op == "*" else None, binop=(ufunc, a.code, b.code))

    def divide(self, a: Val, b: Val, span: Span) -> Val:
        """a ÷ b where b is a constant 2**i × 5**j: a product with an exact decimal, which
        has at most 19 significant digits in int64, so the scalar path's quotient (rounded
        to 28) is the same number.  Any other ÷ rounds: not a kernel's."""
        if not b.is_const or b.lo == 0 or _decimal_places(b.lo) is None:
            raise Unsupported("W701", "除数不是 2 和 5 之积的常量，商按 28 位有效数字舍入，"
                              "整数列不能精确复现", span)
        m = _decimal_places(b.lo)
        assert m is not None
        k = 10**m // b.lo  # a ÷ B = a × k × 10**-m, exactly
        scale = a.scale + m - b.scale
        if scale < 0:
            k, scale = k * 10**-scale, 0
        if a.is_const:
            return const_int(a.lo * k, scale)
        return times(a, k, scale)

    def extreme(self, func: str, vals: list[Val]) -> Val:
        vals = self.align(vals)
        pick = max if func == "maximum" else min
        lo, hi = pick(v.lo for v in vals), pick(v.hi for v in vals)
        if all(v.is_const for v in vals):
            return const_int(lo, vals[0].scale)
        out = vals[0]
        for v in vals[1:]:
            out = Val(f"_np.{func}({out.code}, {v.code})", "int", v.scale, lo, hi)
        return out

    def call(self, e: ir.CallDecision) -> Val:
        """The callee inlined over the same columns: its inputs are the caller's (取 passes
        them by name), its locals and requirements its own, its money rounded as it is."""
        callee = self.p.decision(e.name)
        # the checker saw to both: 取 passes the callee all its inputs, and never recurses
        assert all(n in self.inputs for n in callee.params) and e.name not in self.inlined
        self.inlined.append(e.name)
        try:
            return self.decision_value(callee)
        finally:
            self.inlined.pop()

    # ------------------------------------------------------------ choices
    def select(self, conds: list[ir.Cond], values: list[ir.Expr], otherwise: ir.Expr | None,
               span: Span, at_least: int = 0, first_match: bool = True) -> Val:
        """The value of the first condition that holds (np.select, first match)."""
        facts: list[Fact] = []
        cs: list[Val] = []
        for c in conds:
            if first_match:
                c = simplify(c, facts)
                facts += facts_when_false(c)
            cs.append(self.cond(c))
        return self.choose(cs, [self.expr(v) for v in values],
                           None if otherwise is None else self.expr(otherwise), span, at_least)

    def choose(self, cs: list[Val], vs: list[Val], default: Val | None, span: Span,
               at_least: int = 0) -> Val:
        # a condition that always holds ends the list; one that never does is dropped
        pairs: list[tuple[Val, Val]] = []
        for c, v in zip(cs, vs):
            if c.is_const and not c.const:
                continue
            if c.is_const:
                default = v
                break
            pairs.append((c, v))
        pairs = [(self.bind(c), v) for c, v in pairs]
        if default is None:
            if not pairs:
                self.slow.append("_np.ones(_n, dtype=_np.bool_)")
                return self.placeholder(vs)
            covered = self.logic("|", [c for c, _ in pairs])
            if not covered.is_const:
                self.slow.append(self.negate(covered).code)
            default = self.placeholder(vs)
        if not pairs:
            return default
        values = self.align([v for _, v in pairs] + [default], at_least)
        kind = values[0].kind
        if any(v.kind != kind for v in values):
            raise Unsupported("W707", "各行结果的类型不同", span)
        lo, hi = min(v.lo for v in values), max(v.hi for v in values)
        out = Val("", kind, values[0].scale, lo, hi)
        if len(pairs) == 1:
            c = pairs[0][0]
            return self.bind(attrs.evolve(
                out, code=f"_np.where({c.code}, {values[0].code}, {values[1].code})"))
        dtype = {"int": "_np.int64", "bool": "_np.bool_", "code": "_np.int16"}[kind]
        conds = ", ".join(c.code for c, _ in pairs)
        choices = ", ".join(v.code for v in values[:-1])
        return self.bind(attrs.evolve(
            out, code=f"_rtb.pick(_n, ({conds},), ({choices},), {values[-1].code}, {dtype})"))

    def placeholder(self, vs: list[Val]) -> Val:
        """A value for rows that go to the scalar function anyway."""
        kind = vs[0].kind if vs else "int"
        if kind == "bool":
            return const_bool(False)
        if kind == "code":
            return const_code(0)
        return const_int(0, max((v.scale for v in vs), default=0))

    def table(self, e: ir.TableE, at_least: int = 0) -> Val:
        keys = [self.bind(self.expr(k)) for k in e.keys]
        conds = []
        for row in e.rows:
            tests = [self.test(t, k, ke.type, e.span) for t, k, ke in zip(row.tests, keys, e.keys)]
            conds.append(self.logic("&", tests))
        return self.choose(conds, [self.expr(r.expr) for r in e.rows],
                           None if e.otherwise is None else self.expr(e.otherwise.expr), e.span,
                           at_least)

    def test(self, t: ir.Test, key: Val, ktype: ir.Type, span: Span) -> Val:
        C = ir.CompareOp
        if t.kind is ir.MatchKind.ANY:
            return const_bool(True)
        if t.kind is ir.MatchKind.EQ:
            if ktype.kind is TK.ENUM:
                assert ktype.enum is not None and isinstance(t.value, str)
                return self.compare(key, C.EQ, const_code(self.member_code(ktype.enum, t.value)))
            if ktype.kind is TK.BOOL:
                return key if t.value else self.negate(key)
            return self.compare(key, C.EQ, self.lit(t.value, span))
        parts = []
        if t.lo is not None:
            parts.append(self.compare(key, C.GE if t.lo_closed else C.GT, self.lit(t.lo, span)))
        if t.hi is not None:
            parts.append(self.compare(key, C.LE if t.hi_closed else C.LT, self.lit(t.hi, span)))
        return self.logic("&", parts)

    # ------------------------------------------------------------ conditions
    def cond(self, c: ir.Cond) -> Val:
        if isinstance(c, ir.Compare):
            return self.compare(self.expr(c.left), c.op, self.expr(c.right))
        if isinstance(c, ir.BoolC):
            return self.expr(c.expr)
        if isinstance(c, ir.NotC):
            return self.negate(self.cond(c.cond))
        op = "&" if isinstance(c, ir.AndC) else "|"
        return self.logic(op, [self.cond(i) for i in c.items])

    def negate(self, v: Val) -> Val:
        if v.is_const:
            return const_bool(not v.const)
        return Val(v.neg or f"~{v.code}", "bool", neg=v.code)

    def logic(self, op: str, parts: list[Val]) -> Val:
        absorbing = op == "|"  # True absorbs an or, False an and
        arrays = []
        for v in parts:
            if v.is_const:
                if bool(v.const) is absorbing:
                    return const_bool(absorbing)
                continue
            arrays.append(v.code)
        if not arrays:
            return const_bool(not absorbing)
        if len(arrays) == 1:
            return Val(arrays[0], "bool")
        return Val("(" + f" {op} ".join(arrays) + ")", "bool")

    def compare(self, a: Val, op: ir.CompareOp, b: Val) -> Val:
        a, b = self.align([a, b])
        C = ir.CompareOp
        decided = {
            C.LT: (a.hi < b.lo, a.lo >= b.hi), C.LE: (a.hi <= b.lo, a.lo > b.hi),
            C.GT: (a.lo > b.hi, a.hi <= b.lo), C.GE: (a.lo >= b.hi, a.hi < b.lo),
            C.EQ: (a.lo == a.hi == b.lo == b.hi, a.hi < b.lo or b.hi < a.lo),
            C.NE: (a.hi < b.lo or b.hi < a.lo, a.lo == a.hi == b.lo == b.hi),
        }[op]
        if a.kind != "bool" and decided[0]:
            return const_bool(True)
        if a.kind != "bool" and decided[1]:
            return const_bool(False)
        if a.kind == "bool" and a.is_const and b.is_const:
            return const_bool((a.const == b.const) is (op is C.EQ))
        return Val(f"({a.code} {op.value} {b.code})", "bool",
                   neg=f"({a.code} {NEGATED[op].value} {b.code})")


def _decimal_places(b: int) -> int | None:
    """m such that 10**m is a multiple of b (b = ±2**i × 5**j), else None."""
    x, m = abs(b), 0
    while x % 10 == 0:
        x //= 10
    twos = fives = 0
    while x % 2 == 0:
        x //= 2
        twos += 1
    while x % 5 == 0:
        x //= 5
        fives += 1
    if x != 1:
        return None
    m = max(twos, fives) + len(str(abs(b))) - len(str(abs(b)).rstrip("0"))
    return m if (10**m) % abs(b) == 0 else None


def _half_up(v: int, divisor: int) -> int:
    q = (abs(v) + divisor // 2) // divisor
    return q if v >= 0 else -q
