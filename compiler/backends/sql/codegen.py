"""Backend: each decision of a policy as one SQL query over a table of cases.

The query reads one row per case from a source relation whose columns are the
decision's inputs (types in `column_type`) and returns every source column plus

    value        the answer, NULL where the row is refused (or where nothing applies
                 and the decision's type allows 无)
    error        NULL, or why the row is refused: the same words as polc.runtime's
                 InputError / NoRuleApplies / CalendarError, without the value shown
    error_field  the input at fault, NULL where none is (no rule applies …)

Refusals are computed as an integer code per row, in the order the generated Python
function evaluates (input checks in parameter order, then requirements and locals as
written, then the result, short-circuit as Python's `and`/`or`/`if`), and joined to a
small VALUES table of messages: each text is written once, not per row.  Working days
come from two calendar tables joined in (calendar.py).  What SQL cannot compute
exactly is not written: `Unsupported` says which construct and why (E720–E729).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

import attrs

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import describe
from polc.runtime import BOUND, Field

from . import numbers as N
from .dialects import Dialect

CALENDAR = "polc_calendar"  # every day of the covered years: cal_day, cal_key
WORKING_DAY = "polc_working_day"  # every working day: cal_key, cal_day
_LAST_DATE = dt.date(9999, 12, 31)
_LAST_MOMENT = dt.datetime(9999, 12, 31, 23, 59, 59, 999999)
OUTPUTS = ("value", "error", "error_field")


# why a range is refused rather than written as two columns: its ends' inclusion is part
# of its value (a 范围 result, a 下限/上限 of one, a 在 test), and a view of one column per
# decision has no place for four values
_NO_RANGE = ("范围值（下限、上限及是否含本数）无法写成一列SQL值；用 polc eval 或批量模块逐行计算")

class Unsupported(Exception):
    def __init__(self, code: str, message: str, span: Span) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span


@attrs.frozen
class Column:
    """An input the query reads: its name, kind, SQL type and what it must hold."""

    name: str
    kind: TK
    sql_type: str
    expected: str
    members: tuple[str, ...] = ()


@attrs.frozen
class Query:
    decision: str
    sql: str  # one SELECT reading the source relation
    columns: tuple[Column, ...]
    kind: TK  # of the answer
    value_type: str  # the answer's SQL type
    scale: int  # digits after the point of a numeric answer
    calendar: bool  # joins the calendar tables
    errors: tuple[tuple[int, str, str | None], ...]  # code, message, field


class Value(NamedTuple):
    sql: str
    err: str | None  # an SQL INT expression: the refusal code, NULL when none
    num: N.Num | None  # the range and scale of a number


def column_type(t: ir.Type, dialect: Dialect) -> str:
    return {TK.COUNT: "BIGINT", TK.NUM: N.INPUT_TYPE, TK.DATE: "DATE", TK.BOOL: "BOOLEAN",
            TK.DATETIME: dialect.timestamp, TK.ENUM: "STRING" if dialect is Dialect.SPARK
            else "VARCHAR", TK.ROLE: "STRING" if dialect is Dialect.SPARK else "VARCHAR"
            }[t.kind]


def seq(*errs: str | None) -> str | None:
    """The first refusal of parts evaluated one after another."""
    real = [e for e in errs if e is not None]
    if not real:
        return None
    return real[0] if len(real) == 1 else "COALESCE(" + ", ".join(real) + ")"


class _Decision:
    """The query of one decision; locals and called decisions are written inline."""

    def __init__(self, policy: ir.Policy, d: ir.Decision, dialect: Dialect) -> None:
        self.p = policy
        self.d = d
        self.q = dialect
        self.codes: dict[tuple[str, str | None], int] = {}
        self.joins: dict[str, tuple[str, str]] = {}  # ON expression -> (alias, clause)
        self.joined: dict[str, str] = {}  # alias.column -> the name later stages see
        self.lets: dict[str, Value] = {}
        self.let_exprs: dict[str, ir.Expr] = {}
        self.null_means: str | None = None  # the refusal an answer of NULL stands for

    # ------------------------------------------------------------ helpers
    def code(self, message: str, field: str | None) -> str:
        key = (message, field)
        if key not in self.codes:
            self.codes[key] = len(self.codes) + 1
        return str(self.codes[key])

    def typed(self, v: Value) -> str:
        assert v.num is not None
        return f"CAST({v.sql} AS {v.num.sql()})"

    def lit_num(self, value: int | Decimal) -> Value:
        num = N.point(value)
        if isinstance(value, int) and abs(value) < 2**63:
            # an integer literal: compared with a BIGINT column it casts nothing per row
            return Value(str(value), None, num)
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return Value(f"CAST({text} AS {num.sql()})", None, num)

    def scalar(self, value: ir.Scalar, t: ir.Type) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, Decimal)):
            return self.lit_num(value).sql
        if isinstance(value, dt.datetime):
            return self.q.timestamp_literal(value.isoformat(sep=" "))
        if isinstance(value, dt.date):
            return self.q.date_literal(value.isoformat())
        return self.q.string(value)

    def origin(self, e: object) -> str:
        """The date inputs `e` is computed from, as the Python backend names them."""
        return ", ".join(ir.date_inputs(e, self.let_exprs, self.p)) or self.d.name

    def join(self, table: str, column: str, on: str, out: str) -> str:
        """A column of a calendar table joined on `on`, as the later stages see it (the
        joins' own columns are carried out of the first stage as polc_jN_column)."""
        on = _JOINED.sub(r"\1.\2", on)  # within the FROM, an earlier join is by its alias
        key = f"{table}:{on}"
        if key not in self.joins:
            alias = f"polc_j{len(self.joins) + 1}"
            self.joins[key] = (alias, f"LEFT JOIN {table} {alias} ON {alias}.{column} = {on}")
        alias = self.joins[key][0]
        self.joined.setdefault(f"{alias}.{out}", f"{alias}_{out}")
        return f"polc_src.{alias}_{out}"

    def working_day(self, key: str, field: str) -> Value:
        day = self.join(WORKING_DAY, "cal_key", key, "cal_day")
        message = (f"{field}: working days of the deadline's year are not known: the "
                   "calendar has no official holiday schedule for it; add the State Council's schedule as a calendar file: --calendar FILE, "
                   "POLC_CALENDAR=FILE, or calendar/YYYY.toml beside the policy")
        return Value(day, f"CASE WHEN {day} IS NULL THEN {self.code(message, field)} END", None)

    def beyond(self, base: str, limit: str, field: str) -> str:
        message = f"{field}: expected a date whose deadline falls in 0001-9999"
        return f"CASE WHEN {base} > {limit} THEN {self.code(message, field)} END"

    # ------------------------------------------------------------ expressions
    def expr(self, e: ir.Expr) -> Value:
        if isinstance(e, ir.Lit):
            if isinstance(e.value, (int, Decimal)) and not isinstance(e.value, bool):
                return self.lit_num(e.value)
            if e.value is None:
                return Value(f"CAST(NULL AS {self.sql_type(self.d.type)})", None, None)
            return Value(self.scalar(e.value, e.type), None, None)
        if isinstance(e, ir.Var):
            return self.var(e)
        if isinstance(e, ir.EnumVal):
            return Value(self.q.string(e.member), None, None)
        if isinstance(e, ir.RoleVal):
            return Value(self.q.string(e.title), None, None)
        if isinstance(e, ir.Arith):
            return self.arith(e)
        if isinstance(e, (ir.Clamp, ir.MinMax)):
            parts = [self.expr(x) for x in ((e.expr, e.limit) if isinstance(e, ir.Clamp)
                                            else e.args)]
            if any(p.num is None for p in parts):
                raise Unsupported("E722", "较大/较小/最高/最低的参数不是数", e.span)
            num = N.hull(*[p.num for p in parts if p.num is not None])
            func = "LEAST" if (isinstance(e, ir.Clamp) and e.kind is ir.ClampKind.CAP) or \
                (isinstance(e, ir.MinMax) and e.func is ir.Extreme.MIN) else "GREATEST"
            inner = ", ".join(f"CAST({p.sql} AS {num.sql()})" for p in parts)
            return Value(f"{func}({inner})", seq(*[p.err for p in parts]), num)
        if isinstance(e, ir.Shift):
            return self.shift(e)
        if isinstance(e, ir.Roll):
            base = self.expr(e.expr)
            key = self.join(CALENDAR, "cal_day", base.sql, "cal_key")
            day = self.working_day(key, self.origin(e.expr))
            return Value(day.sql, seq(base.err, day.err), None)
        if isinstance(e, ir.CalendarFn):
            return self.calendar_fn(e)
        if isinstance(e, ir.CondE):
            c = self.cond(e.cond)
            return Value(c.sql, c.err, None)
        if isinstance(e, ir.CallDecision):
            return self.call(e)
        if isinstance(e, ir.IfE):
            c = self.cond(e.cond)
            return self.case([(c, self.expr(e.then))], self.expr(e.other), e.type)
        if isinstance(e, ir.LevelsE):
            rows = [(self.cond(r.cond), Value(self.q.string(r.member), None, None))
                    for r in e.rows]
            return self.case(rows, self.otherwise(e.otherwise, e.span), e.type)
        if isinstance(e, ir.RulesE):
            rows = [(self.cond(r.cond), self.expr(r.expr)) for r in e.rows]
            return self.case(rows, self.otherwise(e.otherwise, e.span), e.type)
        if isinstance(e, ir.TableE):
            return self.table(e)
        if isinstance(e, ir.NamedE):
            c = self.junction([self.cond(it.cond) for it in e.items],
                              e.kind is ir.Quantifier.ALL)
            return Value(c.sql, c.err, None)
        if isinstance(e, (ir.RangeE, ir.RangeEnd, ir.InRangeE)):
            raise Unsupported("E724", _NO_RANGE, e.span)
        if isinstance(e, ir.ScheduleE):
            raise Unsupported("E720", "分期（列表）结果无法写成一列SQL值", e.span)
        raise AssertionError(e)

    def sql_type(self, t: ir.Type) -> str:
        if t.kind is TK.RANGE:
            raise Unsupported("E724", _NO_RANGE, self.d.site.span)
        if t.kind is TK.LIST:
            raise Unsupported("E720", "列表结果无法写成一列SQL值", self.d.site.span)
        if t.kind is TK.NULL:
            return "BOOLEAN"
        if t.kind in (TK.COUNT, TK.NUM):
            return N.INPUT_TYPE
        return column_type(t, self.q)

    def var(self, e: ir.Var) -> Value:
        if e.scope is ir.Scope.INPUT:
            name = self.q.ident(e.name)
            inp = self.p.input(e.name)
            if e.type.kind in (TK.COUNT, TK.NUM):
                scale = 0 if e.type.kind is TK.COUNT else N.INPUT_SCALE
                return Value(f"polc_src.{name}", None, N.domain(inp.lo, inp.hi, scale))
            return Value(f"polc_src.{name}", None, None)
        if e.scope is ir.Scope.LOCAL:
            v = self.lets[e.name]
            if v.sql == "":
                raise Unsupported("E721", f"局部量 {e.name} 是商，只能在与常数的比较中精确使用",
                                  e.span)
            return Value(v.sql, None, v.num)  # its refusal was counted where it is set
        const = self.p.const(e.name)
        assert const is not None
        return self.expr(const.expr)

    def arith(self, e: ir.Arith) -> Value:
        left = self.expr(e.left)
        if e.op is ir.ArithOp.DIV:
            if not (isinstance(e.right, ir.Lit) and isinstance(e.right.value, (int, Decimal))):
                raise Unsupported("E721", "除数不是常数：SQL 无法按 polc 的规则（28位有效数字，"
                                  "四舍六入）精确求商", e.span)
            inverse = N.reciprocal(Decimal(e.right.value))
            if inverse is None:
                raise Unsupported("E721", f"除以 {e.right.value} 的商是无限小数，"
                                  "SQL 无法按 polc 的规则精确舍入", e.span)
            right = self.lit_num(inverse)
            how = "*"
        else:
            right = self.expr(e.right)
            how = e.op.value
        if left.num is None or right.num is None:
            raise AssertionError(e)
        num = {"+": N.add, "-": N.sub, "*": N.mul}[how](left.num, right.num)
        fits = N.fits_product if how == "*" else N.fits_sum
        if not fits(left.num, right.num) or num.precision > N.MAX_DIGITS \
                or num.magnitude > BOUND:
            raise Unsupported("E722", f"运算结果可达 {num.precision} 位数字，超出 SQL "
                              f"DECIMAL 的 {N.MAX_DIGITS} 位，无法精确计算", e.span)
        if e.op is ir.ArithOp.DIV and num.precision > N.QUOTIENT_DIGITS:
            raise Unsupported("E721", f"商可达 {num.precision} 位有效数字，polc 的运行时在 "
                              f"{N.QUOTIENT_DIGITS} 位处舍入，SQL 无法照样舍入", e.span)
        first = self.typed(left)
        if self.q is Dialect.DUCKDB and num.precision > 18 and left.num.precision <= 18:
            # DuckDB computes DECIMAL(≤18) operands in 64 bits and overflows rather than
            # widening to its own result type: one 128-bit operand makes it widen
            first = f"CAST({left.sql} AS DECIMAL(19, {left.num.scale}))"
        sql = f"CAST({first} {how} {self.typed(right)} AS {num.sql()})"
        return Value(sql, seq(left.err, right.err), num)

    def shift(self, e: ir.Shift) -> Value:
        base = self.expr(e.base)
        field = self.origin(e.base)
        if not isinstance(e.amount, ir.Lit) or not isinstance(e.amount.value, (int, Decimal)):
            raise Unsupported("E723", "期限的长度不是常数", e.span)
        amount = e.amount.value
        if e.period is V.Duration.WORKING_DAYS:
            n = int(amount)
            if e.backwards:  # the n-th working day before: n places before the first on/after
                key = self.join(CALENDAR, "cal_day", base.sql, "cal_key")
                day = self.working_day(f"({key} - {n})", field)
            else:  # the day after the base is day one (民法典 第二百零一条)
                key = self.join(CALENDAR, "cal_day", self.q.add_days(base.sql, "1"), "cal_key")
                day = self.working_day(f"({key} + {n - 1})", field)
            return Value(day.sql, seq(base.err, day.err), None)
        if e.period is V.Duration.DAYS:
            limit = _LAST_DATE - dt.timedelta(days=int(amount))
            sql = self.q.add_days(base.sql, str(int(amount)))
        elif e.period in (V.Duration.MONTHS, V.Duration.YEARS):
            months = int(amount) * (12 if e.period is V.Duration.YEARS else 1)
            last = 9999 * 12 + 11 - months  # the last month a base may be in
            limit = dt.date(last // 12 + 1, 1, 1).replace(month=last % 12 + 1)
            limit = (limit.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
                - dt.timedelta(days=1)
            sql = self.q.add_months(base.sql, str(months))
        elif e.period is V.Duration.MINUTES:
            micros = Fraction(amount) * 60_000_000
            if micros.denominator != 1:
                raise Unsupported("E723", "分钟数不是整微秒", e.span)
            moment_limit = _LAST_MOMENT - dt.timedelta(microseconds=int(micros))
            sql = self.q.add_micros(base.sql, int(micros))
            guard = self.beyond(base.sql, self.q.timestamp_literal(
                moment_limit.isoformat(sep=" ")), field)
            return Value(sql, seq(base.err, guard), None)
        else:
            raise Unsupported("E723", f"期限单位 {e.period.value} 无法写成SQL", e.span)
        guard = self.beyond(base.sql, self.q.date_literal(limit.isoformat()), field)
        return Value(sql, seq(base.err, guard), None)

    def calendar_fn(self, e: ir.CalendarFn) -> Value:
        day = self.expr(e.args[0])
        if e.func is ir.CalendarFunc.QUARTER_END:
            sql = f"last_day(make_date(year({day.sql}), quarter({day.sql}) * 3, 1))"
            return Value(sql, day.err, None)
        month = e.args[1]
        if not isinstance(month, ir.Lit) or not isinstance(month.value, int) \
                or not 1 <= month.value <= 12:
            raise Unsupported("E723", "次年月底的月份不是1到12的常数", e.span)
        sql = f"last_day(make_date(year({day.sql}) + 1, {month.value}, 1))"
        guard = self.beyond(day.sql, self.q.date_literal("9998-12-31"), self.origin(e))
        return Value(sql, seq(day.err, guard), None)

    def call(self, e: ir.CallDecision) -> Value:
        callee = self.p.decision(e.name)
        inner = _Decision(self.p, callee, self.q)
        # one numbering, one FROM
        inner.codes, inner.joins, inner.joined = self.codes, self.joins, self.joined
        value, err = inner.body()
        return Value(value.sql, err, value.num)

    def otherwise(self, other: ir.Otherwise | None, span: Span) -> Value:
        if other is not None:
            return self.expr(other.expr)
        message = f"{self.d.name}: no rule applies ({span})"
        return Value("NULL", self.code(message, None), None)

    def case(self, rows: Sequence[tuple[Value, Value]], other: Value, t: ir.Type) -> Value:
        """CASE over rows in order; its refusal follows the same order."""
        nums = [v.num for _, v in rows] + [other.num]
        num = N.hull(*[n for n in nums if n is not None]) if any(nums) else None

        def cast(v: Value) -> str:
            if num is None or v.sql == "NULL":
                return v.sql
            return f"CAST({v.sql} AS {num.sql()})"

        sql = "CASE " + " ".join(f"WHEN {c.sql} THEN {cast(v)}" for c, v in rows) \
            + f" ELSE {cast(other)} END"
        err = None
        if any(c.err or v.err for c, v in rows) or other.err:
            parts = []
            for c, v in rows:
                if c.err:
                    parts.append(f"WHEN {c.err} IS NOT NULL THEN {c.err}")
                parts.append(f"WHEN {c.sql} THEN {v.err or 'NULL'}")
            err = "CASE " + " ".join(parts) + f" ELSE {other.err or 'NULL'} END"
        return Value(sql, err, num)

    def table(self, e: ir.TableE) -> Value:
        keys = [self.key(k) for k in e.keys]
        rows = []
        for row in e.rows:
            tests = [self.test(t, k, ke) for t, k, ke in zip(row.tests, keys, e.keys)]
            tests = [t for t in tests if t != "TRUE"]
            rows.append((Value(" AND ".join(tests) or "TRUE", None, None), self.expr(row.expr)))
        v = self.case(rows, self.otherwise(e.otherwise, e.span), e.type)
        key_errs = [x.err for k in keys for x in ((k,) if isinstance(k, Value) else k)]
        return Value(v.sql, seq(*key_errs, v.err), v.num)

    # ------------------------------------------------------------ quotients
    def quotient(self, e: ir.Expr) -> tuple[Value, Value] | None:
        """(dividend, divisor) where `e` is, or is a local holding, a ÷ whose divisor is
        not a constant: such a quotient is only compared, by multiplying out.  The
        divisor's refusal (0) is counted here for a ÷ written in place, and where the
        local is set for one held in a local."""
        local = False
        while isinstance(e, ir.Var) and e.scope is ir.Scope.LOCAL:
            e, local = self.let_exprs[e.name], True
        if isinstance(e, ir.Arith) and e.op is ir.ArithOp.DIV and not isinstance(e.right, ir.Lit):
            a, b = self.expr(e.left), self.expr(e.right)
            if local:
                return Value(a.sql, None, a.num), Value(b.sql, None, b.num)
            zero = self.code(f"{self.d.name}: division by zero at {e.span}", None)
            return a, Value(b.sql, seq(b.err, f"CASE WHEN {b.sql} = 0 THEN {zero} END"), b.num)
        return None

    def key(self, k: ir.Expr) -> Value | tuple[Value, Value]:
        q = self.quotient(k)
        return q if q is not None else self.expr(k)

    def compare_quotient(self, q: tuple[Value, Value], op: str, bound: int | Decimal,
                         span: Span) -> str:
        """a ÷ b op t as a op t·b (the sign of b flips it), exact in SQL; equal to
        comparing polc.runtime's 28-digit quotient as long as that rounding cannot
        carry the quotient across t, which the digits of a, b and t decide."""
        a, b = q
        t = self.lit_num(bound)
        assert a.num is not None and b.num is not None and t.num is not None
        gap = Fraction(1, 10 ** max(a.num.scale, t.num.scale + b.num.scale)) / max(
            b.num.magnitude, Fraction(1))
        if gap <= Fraction(1, 10**27) * (abs(Fraction(bound)) + gap):
            raise Unsupported("E721", f"商与 {bound} 的比较：polc 的运行时在28位有效数字处"
                              "舍入的商可能跨过该值，SQL 无法照样比较", span)
        product = N.mul(t.num, b.num)
        if not N.fits_product(t.num, b.num) or not N.fits_sum(a.num, product):
            raise Unsupported("E722", "商的比较在 SQL DECIMAL 的38位内无法精确计算", span)
        scaled = f"CAST({t.sql} * {self.typed(b)} AS {product.sql()})"
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if b.num.lo >= 0:
            return f"({self.typed(a)} {op} {scaled})"
        return (f"(CASE WHEN {b.sql} > 0 THEN {self.typed(a)} {op} {scaled} "
                f"ELSE {self.typed(a)} {flipped} {scaled} END)")

    def test(self, t: ir.Test, key: Value | tuple[Value, Value], k: ir.Expr) -> str:
        if t.kind is ir.MatchKind.ANY:
            return "TRUE"
        if not isinstance(key, Value):
            if t.kind is ir.MatchKind.EQ:
                assert isinstance(t.value, (int, Decimal))
                return self.compare_quotient(key, "=", t.value, k.span)
            parts = []
            if t.lo is not None:
                assert isinstance(t.lo, (int, Decimal))
                parts.append(self.compare_quotient(key, ">=" if t.lo_closed else ">", t.lo,
                                                   k.span))
            if t.hi is not None:
                assert isinstance(t.hi, (int, Decimal))
                parts.append(self.compare_quotient(key, "<=" if t.hi_closed else "<", t.hi,
                                                   k.span))
            return " AND ".join(parts) or "TRUE"
        if t.kind is ir.MatchKind.EQ:
            if k.type.kind is TK.ENUM:
                return f"{key.sql} = {self.q.string(str(t.value))}"
            if k.type.kind is TK.BOOL:
                return key.sql if t.value else f"NOT {key.sql}"
            return f"{key.sql} = {self.scalar(t.value, k.type)}"
        parts = []
        if t.lo is not None:
            parts.append(f"{key.sql} {'>=' if t.lo_closed else '>'} {self.scalar(t.lo, k.type)}")
        if t.hi is not None:
            parts.append(f"{key.sql} {'<=' if t.hi_closed else '<'} {self.scalar(t.hi, k.type)}")
        return "(" + " AND ".join(parts) + ")" if parts else "TRUE"

    # ------------------------------------------------------------ conditions
    def cond(self, c: ir.Cond) -> Value:
        if isinstance(c, ir.Compare):
            q = self.quotient(c.left)
            if q is not None and isinstance(c.right, ir.Lit) \
                    and isinstance(c.right.value, (int, Decimal)):
                return Value(self.compare_quotient(q, c.op.value.replace("==", "=").replace(
                    "!=", "<>"), c.right.value, c.span), seq(q[0].err, q[1].err), None)
            left, right = self.expr(c.left), self.expr(c.right)
            if left.num is not None and right.num is not None \
                    and not N.fits_sum(left.num, right.num):
                raise Unsupported("E722", "比较的两边在 SQL DECIMAL 的38位内无法精确对齐", c.span)
            err = seq(left.err, right.err)
            if isinstance(c.right, ir.Lit) and c.right.value is None:
                test = "IS NULL" if c.op is ir.CompareOp.EQ else "IS NOT NULL"
                return Value(f"({left.sql} {test})", err, None)
            op = {"==": "=", "!=": "<>"}.get(c.op.value, c.op.value)
            return Value(f"({left.sql} {op} {right.sql})", err, None)
        if isinstance(c, ir.BoolC):
            v = self.expr(c.expr)
            return Value(v.sql, v.err, None)
        if isinstance(c, ir.NotC):
            v = self.cond(c.cond)
            return Value(f"(NOT {v.sql})", v.err, None)
        if isinstance(c, (ir.AndC, ir.OrC)):
            return self.junction([self.cond(i) for i in c.items], isinstance(c, ir.AndC))
        raise AssertionError(c)

    def junction(self, items: list[Value], all_: bool) -> Value:
        sql = "(" + (" AND " if all_ else " OR ").join(i.sql for i in items) + ")"
        if not any(i.err for i in items):
            return Value(sql, None, None)
        # Python's and/or stop at the first part that decides: later parts' refusals
        # count only when every earlier part let evaluation go on
        parts: list[str] = []
        so_far: list[str] = []
        for i in items:
            if i.err:
                going = " AND ".join(so_far) or "TRUE"
                parts.append(f"WHEN {going} AND {i.err} IS NOT NULL THEN {i.err}")
            so_far.append(i.sql if all_ else f"NOT {i.sql}")
        return Value(sql, "CASE " + " ".join(parts) + " END", None)

    # ------------------------------------------------------------ the decision
    def check(self, inp: ir.Input) -> str:
        """A condition true where the input's value is refused."""
        col = f"polc_src.{self.q.ident(inp.name)}"
        t = inp.type
        tests = [f"{col} IS NULL"]
        if t.kind in (TK.COUNT, TK.NUM):
            num = N.domain(inp.lo, inp.hi, 0)
            lo_op = ">=" if inp.lo_closed or num.lo != inp.lo else ">"
            hi_op = "<=" if inp.hi_closed or num.hi != inp.hi else "<"
            tests.append(f"NOT ({col} {lo_op} {self.lit_num(_exact(num.lo)).sql} AND "
                         f"{col} {hi_op} {self.lit_num(_exact(num.hi)).sql})")
        elif t.kind is TK.ENUM:
            assert t.enum is not None
            members = ", ".join(self.q.string(m) for m, _ in self.p.enum(t.enum).members)
            tests.append(f"{col} NOT IN ({members})")
        elif t.kind in (TK.DATE, TK.DATETIME):
            first, last = ("0001-01-01", "9999-12-31") if t.kind is TK.DATE else \
                ("0001-01-01 00:00:00", "9999-12-31 23:59:59.999999")
            lit = self.q.date_literal if t.kind is TK.DATE else self.q.timestamp_literal
            tests.append(f"{col} < {lit(first)} OR {col} > {lit(last)}")
            if inp.lo is not None:
                tests.append(f"{col} {'<' if inp.lo_closed else '<='} "
                             f"{self.scalar(inp.lo, t)}")
            if inp.hi is not None:
                tests.append(f"{col} {'>' if inp.hi_closed else '>='} "
                             f"{self.scalar(inp.hi, t)}")
        return " OR ".join(tests)

    def body(self) -> tuple[Value, str | None]:
        """The answer and its refusal after the inputs passed their checks."""
        d = self.d
        self.let_exprs = {let.name: let.expr for let in d.lets}
        errs: list[str | None] = []
        statements: list[ir.Let | ir.Require] = [*d.requires, *d.lets]
        for st in sorted(statements, key=lambda st: st.site.span):
            if isinstance(st, ir.Let):
                q = self.quotient(st.expr)
                if q is not None:
                    errs.append(seq(q[0].err, q[1].err))
                    self.lets[st.name] = Value("", None, None)  # usable only in comparisons
                    continue
                v = self.expr(st.expr)
                errs.append(v.err)
                self.lets[st.name] = Value(v.sql, None, v.num)
                continue
            c = self.cond(st.cond)
            field = st.fields[0] if st.fields else d.name
            refused = self.code(f"{field}: expected {st.message}", field)  # as InputError
            errs.append(seq(c.err, f"CASE WHEN NOT {c.sql} THEN {refused} END"))
        value = self.expr(d.result)
        if self.null_means is None and not d.type.nullable and _no_rule_only(d.result):
            # rows and conditions that cannot fail, and no 否则: the answer is NULL
            # exactly where no rule applies, so the rows are evaluated once, not twice
            self.null_means = self.code(f"{d.name}: no rule applies ({d.result.span})", None)
            value = Value(value.sql, None, value.num)
        errs.append(value.err)
        if d.type.is_money and value.num is not None:
            num = N.money(value.num)
            value = Value(f"CAST(ROUND({self.typed(value)}, 2) AS {num.sql()})", None, num)
        return value, seq(*errs)

    def query(self, source: str, keep: Sequence[tuple[str, str]]) -> Query:
        """Three stages: the inputs' checks (and the calendar joins), then the answer
        and its refusal where the inputs passed, then the refusal's words."""
        d = self.d
        q = self.q
        params = [self.p.input(n) for n in d.params]
        checks = " ".join(
            f"WHEN {self.check(i)} THEN {self.code(f'{i.name}: expected {_expected(self.p, i)}', i.name)}"
            for i in params)
        value, err = self.body()
        kind = d.type.kind
        scale = value.num.scale if value.num is not None else 0
        if kind in (TK.COUNT, TK.NUM):
            if value.num is None:  # a decision answering 无 alone, or only a quotient
                raise Unsupported("E722", "结果不是可以精确写成 DECIMAL 的数", d.site.span)
            value_type = f"DECIMAL({N.MAX_DIGITS}, {scale})"
        else:
            value_type = self.sql_type(d.type)
        errors = tuple(sorted((c, m, f) for (m, f), c in self.codes.items()))
        joined = "".join(f", {ref} AS {name}" for ref, name in self.joined.items())
        joins = "".join(f"\n  {clause}" for _, clause in self.joins.values())
        bad = f"CASE {checks} END" if checks else "CAST(NULL AS INT)"
        code = seq("polc_src.polc_bad", "polc_src.polc_err",
                   f"CASE WHEN polc_src.polc_value IS NULL THEN {self.null_means} END"
                   if self.null_means else None)
        message = "CASE polc_code " + " ".join(
            f"WHEN {c} THEN {q.string(m)}" for c, m, _ in errors) + " END"
        fields = "CASE polc_code " + " ".join(
            f"WHEN {c} THEN {q.string(f)}" for c, _, f in errors if f) + " END"
        kept = "".join(f"polc_src.{q.ident(a)} AS {q.ident(b)}, " for a, b in keep)
        sql = (f"SELECT {kept}CASE WHEN polc_code IS NULL THEN polc_value END AS value,\n"
               f"  {message} AS error,\n  {fields} AS error_field\n"
               f"FROM (SELECT polc_src.*, {code} AS polc_code\n"
               f"FROM (SELECT polc_src.*,\n"
               f"  CASE WHEN polc_src.polc_bad IS NULL THEN CAST({value.sql} AS {value_type}) "
               f"END AS polc_value,\n"
               f"  CASE WHEN polc_src.polc_bad IS NULL THEN {err or 'CAST(NULL AS INT)'} END "
               f"AS polc_err\n"
               f"FROM (SELECT polc_src.*{joined},\n  {bad} AS polc_bad\n"
               f"FROM {source} polc_src{joins}) polc_src) polc_src) polc_src")
        columns = tuple(Column(i.name, i.type.kind, column_type(i.type, self.q),
                               _expected(self.p, i),
                               tuple(m for m, _ in self.p.enum(i.type.enum).members)
                               if i.type.enum else ()) for i in params)
        return Query(d.name, sql, columns, kind, value_type, scale, bool(self.joins), errors)


_JOINED = re.compile(r"polc_src\.(polc_j[0-9]+)_(cal_[a-z]+)")


def _no_rule_only(e: ir.Expr) -> bool:
    """Whether `e` is rows without 否则 whose conditions and answers cannot be refused
    nor be NULL (no calendar, no division, no call, no 无)."""
    if not isinstance(e, (ir.LevelsE, ir.TableE, ir.RulesE)) or e.otherwise is not None:
        return False
    todo: list[Any] = list(attrs.astuple(e, recurse=False))
    while todo:
        x = todo.pop()
        if isinstance(x, tuple):
            todo.extend(x)
        elif _risky(x):
            return False
        elif attrs.has(type(x)) and not isinstance(x, (ir.Type, ir.Site, Span)):
            todo.extend(attrs.astuple(x, recurse=False))
    return True


def _risky(x: object) -> bool:
    """A node whose value may be refused or NULL."""
    if isinstance(x, (ir.Shift, ir.Roll, ir.CalendarFn, ir.CallDecision, ir.IfE, ir.LevelsE,
                      ir.TableE, ir.RulesE, ir.NamedE, ir.ScheduleE)):
        return True
    if isinstance(x, ir.Arith):
        return x.op is ir.ArithOp.DIV
    if isinstance(x, ir.Lit):
        return x.value is None
    return isinstance(x, ir.Var) and x.scope is not ir.Scope.INPUT


def _exact(f: Fraction) -> int | Decimal:
    if f.denominator == 1:
        return int(f)
    return Decimal(f.numerator) / Decimal(f.denominator)


def _expected(p: ir.Policy, inp: ir.Input) -> str:
    t = inp.type
    unit = describe(t.unit) if t.kind is TK.NUM and not t.unit.dimensionless else ""
    # the runtime words the domain from a Field, as every InputError does: the same text
    members = enum.Enum(t.enum, [(m, m) for m, _ in p.enum(t.enum).members]) if t.enum else None
    return Field(inp.name, t.kind.value, inp.label, unit, inp.lo, inp.lo_closed, inp.hi,
                 inp.hi_closed, members).expected()


def query(policy: ir.Policy, decision: str, dialect: Dialect, source: str,
          keep: Sequence[tuple[str, str]] | None = None) -> Query:
    """The query of `decision` over `source` (a table or a view); it returns the
    columns `keep` names ((source column, output name); default: the inputs) and the
    answers.  Raises Unsupported for what SQL cannot compute exactly."""
    d = policy.decision(decision)
    kept = [(n, n) for n in d.params] if keep is None else keep
    return _Decision(policy, d, dialect).query(source, kept)
