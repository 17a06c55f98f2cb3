"""Types and units: what a type or a literal means, and which types fit together where.

Every rule about the kinds of values lives here, so lowering only asks questions of it:
what 1.5万元 is in 元 and whether it is within the exact range (E215, E216); what a type
expression names (E103, E104); whether a value may be 无 where it is used (E201); whether
a result fits its declaration (E202, E203, E204); the joined type of a choice's branches;
whether two values can be compared or added (E203, E204); the value of a bound (E118).
The functions report to the `Diagnostics` they are given and keep no state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import (
    AREA,
    DIMENSIONLESS,
    MONEY,
    Declared,
    Unit,
    UnknownUnit,
    describe,
    parse_unit,
    show_quantity,
)
from polc.compiler.syntax import ast as A
from polc.runtime import LIMIT, PLACES

from .context import Source, suggest

BASIC = {
    V.BasicType.COUNT.value: ir.Type(TK.COUNT),
    V.BasicType.MONEY.value: ir.Type(TK.NUM, MONEY),
    V.BasicType.AREA.value: ir.Type(TK.NUM, AREA),
    V.BasicType.RATIO.value: ir.Type(TK.NUM, DIMENSIONLESS),
    V.BasicType.DATE.value: ir.DATE,
    V.BasicType.DATETIME.value: ir.DATETIME,
    V.BasicType.BOOL.value: ir.BOOL,
    V.BasicType.ROLE.value: ir.ROLE,
}

# A literal has at most PLACES digits after the decimal point in its base unit
# (1.5万元 is 15000 元, 0.0000001% is 1e-9) and a magnitude of at most LIMIT, as an input
# has: what a notice can write, so at most 36 significant digits (docs/language.md).
# They are converted to base units in this context: the factor is a power of ten, and
# nothing is rounded.
LITERAL = Context(prec=MAX_PREC, Emin=MIN_EMIN, Emax=MAX_EMAX)


# ------------------------------------------------------------ units
Units = Mapping[str, Declared]  # the policy's own units (单位), by name
NO_UNITS: Units = {}


def unit_of(word: str | None, span: Span, units: Units, d: Diagnostics) -> tuple[Unit, Decimal]:
    """A unit word's unit and factor; an unknown one is E143 and stands for a dimension of
    its own, so that its other uses raise no further errors."""
    try:
        return parse_unit(word, units)
    except UnknownUnit as exc:
        d.error("E143", f"未知单位 {exc.part!r}：既不是内置单位，也没有用 单位 声明", span,
                hint=_unknown_unit_hint(exc.part, units))
        assert word is not None
        return Unit.base(UNKNOWN + word), Decimal(1)


# the dimension an unknown unit stands for, marked so that the E143 it got is its only error
UNKNOWN = "?"


def known(*units: Unit) -> bool:
    """None of `units` has a dimension that stands for an unknown unit (already E143)."""
    return not any(d.startswith(UNKNOWN) for u in units for d, _ in u.dims)


def _unknown_unit_hint(part: str, units: Units) -> str:
    known = sorted(set(V.UNITS) | set(units), key=len, reverse=True)
    head = next((u for u in known if part.startswith(u)), None)
    words = "、".join(t.word for t in V.THRESHOLDS)
    if head is not None:
        # 400人之上: a known unit run into a word the language does not have
        return (f"{head!r} is a unit, and {part[len(head):]!r} after it is not a threshold "
                f"word (known: {words}); for a unit of the policy's own, declare it: "
                f"单位 {part} : 计数")
    close = suggest(part, known)
    return (close + "; " if close else "") + (
        f"declare the policy's own unit: 单位 {part} : 计数 (counted), 单位 {part} : 数量 "
        f"(measured) or 单位 {part} = 15亩 (a unit of a known one)")


# ------------------------------------------------------------ literals
def number(q: A.Quantity, d: Diagnostics, units: Units = NO_UNITS) -> tuple[Decimal, Unit]:
    unit, factor = unit_of(q.unit, q.span, units, d)
    value = LITERAL.multiply(Decimal(q.number), factor)
    counted = len(unit.dims) == 1 and unit.dims[0][1] == 1 and unit.dims[0][0] in units \
        and units[unit.dims[0][0]].counted
    if counted and value != value.to_integral_value():
        d.error("E147", f"{q.number}{q.unit} 不是整数个 {unit}：单位 {unit} 声明为 计数，"
                "只能有整数", q.span,
                hint="a counted unit (单位 … : 计数) has whole numbers; declare it "
                     "单位 … : 数量 if the notice measures it in fractions")
    if value.copy_abs() > LIMIT:
        d.error("E215", f"数字 {_shown(q.number)} 超出范围：字面量按基本单位"
                f"（{describe(unit)}）计，绝对值不得超过 10^{len(str(LIMIT)) - 1}",
                q.span, hint="no notice states an amount this large; check the digits")
        return Decimal(LIMIT), unit
    exponent = value.normalize(LITERAL).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        d.error("E216", f"数字 {_shown(q.number)} 的小数位过多：按基本单位"
                f"（{describe(unit)}）计至多 {PLACES} 位小数", q.span)
    return value, unit


def quantity(q: A.Quantity, d: Diagnostics, units: Units = NO_UNITS) -> ir.Lit:
    value, unit = number(q, d, units)
    if value == value.to_integral_value() and (unit.duration or not unit.dimensionless
                                               or "." not in q.number and q.unit is None):
        return ir.Lit(int(value), ir.Type(TK.COUNT, unit), q.span)
    return ir.Lit(value.normalize(LITERAL) if value != 0 else Decimal(0),
                  ir.Type(TK.NUM, unit), q.span)


def converted(q: object, units: Units) -> str:
    """What a quantity in a declared unit of another is in that one, for explanation texts:
    `area 2垧以上` is said as `area 2垧以上（2垧 = 30亩）`, so a reader sees the number the
    input is compared with."""
    if not isinstance(q, A.Quantity) or q.unit is None:
        return ""
    words = q.unit.split("/")
    if not any(w in units and units[w].factor != 1 for w in words):
        return ""
    try:
        unit, factor = parse_unit(q.unit, units)
    except UnknownUnit:
        return ""
    value = LITERAL.multiply(Decimal(q.number), factor)
    return f"（{q.number}{q.unit} = {show_quantity(value, unit)}）"


def _shown(digits: str) -> str:
    """A number as typed, shortened when it is too long to read in a message."""
    return digits if len(digits) <= 30 else f"{digits[:20]}…（共 {len(digits)} 个字符）"


def date(text: str, span: Span, d: Diagnostics) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        d.error("E105", f"无效日期 {text}", span)
        return None


def datetime(text: str, span: Span, d: Diagnostics) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        d.error("E105", f"无效时刻 {text}", span)
        return None


def scalar_lit(value: ir.Scalar, typ: ir.Type, span: Span) -> ir.Lit:
    """A bound's value as a literal of the compared value's type."""
    if isinstance(value, Decimal) and value == value.to_integral_value() and \
            typ.kind is TK.COUNT:
        value = int(value)
    kind = typ.kind if typ.kind is not TK.COUNT or isinstance(value, int) else TK.NUM
    return ir.Lit(value, ir.Type(kind, typ.unit), span)


# ------------------------------------------------------------ types
def type_of(t: A.TypeExpr, enums: Mapping[str, ir.EnumDef], file: str,
            d: Diagnostics, units: Units = NO_UNITS) -> ir.Type | None:
    span = t.span or Span(file, 0, 0, 0, 0)
    if t.kind == "nullable":
        inner = type_of(t.inner, enums, file, d, units) if t.inner else None
        return None if inner is None else inner.or_null()
    if t.kind == "list":
        inner = type_of(t.inner, enums, file, d, units) if t.inner else None
        return None if inner is None else ir.Type(TK.LIST, item=inner)
    if t.kind == "range":
        inner = type_of(t.inner, enums, file, d, units) if t.inner else None
        if inner is None:
            return None
        if not inner.numeric or inner.nullable:
            d.error("E231", f"范围 的两端须为数量（金额、计数、比率、数量(日) 等），"
                    f"不能是 {inner.show()}", span,
                    hint="范围(金额), 范围(计数(人)), 范围(比率), 范围(数量(日))")
            return None
        return ir.Type(TK.RANGE, item=inner)
    if t.kind == "named":
        assert t.name is not None
        if t.name not in enums:
            d.error("E103", f"未定义的类型 {t.name!r}", span,
                    hint=suggest(t.name, list(enums) + list(BASIC)))
            return None
        return ir.Type(TK.ENUM, enum=t.name)
    if t.kind == "数量":
        return ir.Type(TK.NUM, unit_of(t.unit, span, units, d)[0])
    base = BASIC[t.kind]
    if t.unit is not None:
        if base.kind not in (TK.COUNT, TK.NUM):
            d.error("E104", f"类型 {t.kind} 不带单位", span)
            return base
        unit, factor = unit_of(t.unit, span, units, d)
        if factor != 1:
            d.error("E104", f"类型的单位须为基本单位，{t.unit} 不是（用 元、平方米、分钟 等）",
                    span)
        return ir.Type(base.kind, unit)
    return base


def assignable(got: ir.Type, want: ir.Type, span: Span, what: str, d: Diagnostics) -> bool:
    if got.kind is TK.NULL:
        if not want.nullable:
            d.error("E201", f"{what} 不能为 无（类型 {want.show()} 不可为空）", span,
                    hint="declare the type as  T 或 无")
            return False
        return True
    if want.kind is TK.LIST and got.kind is TK.LIST and want.item and got.item:
        return assignable(got.item, want.item, span, what, d)
    if want.kind is TK.RANGE and got.kind is TK.RANGE and want.item and got.item:
        return assignable(got.item, want.item, span, f"{what}的两端", d)
    same = want.kind == got.kind and want.enum == got.enum
    if want.kind is TK.COUNT and got.kind is TK.NUM:
        d.error("E202", f"{what} 须为整数（{want.show()}），而计算结果可能有小数", span)
        return False
    if not (same or want.kind is TK.NUM and got.kind is TK.COUNT):
        d.error("E203", f"{what} 类型不符：期望 {want.show()}，实际 {got.show()}", span)
        return False
    if want.numeric and got.unit != want.unit:
        if not known(got.unit, want.unit):
            return False
        d.error("E204", f"{what} 单位不符：期望 {describe(want.unit)}，"
                f"实际 {describe(got.unit)}", span)
        return False
    return True


def present(e: ir.Expr, what: str, d: Diagnostics) -> bool:
    """Whether `e` is never 无 (E201 where it may be): arithmetic, comparisons and
    conditions need a value, and a 无 there would fail only when evaluated."""
    if not e.type.nullable:
        return True
    d.error("E201", f"{what}可能为 无（类型 {e.type.show()}），此处须有值", null_span(e),
            hint="give every branch a value, or test the case before")
    return False


def null_span(e: ir.Expr) -> Span:
    """Where a value that may be 无 gets its 无: the branch, row or 否则 that gives it."""
    while True:
        if isinstance(e, ir.IfE):
            branches = [e.then, e.other]
        elif isinstance(e, (ir.TableE, ir.RulesE)):
            branches = [r.expr for r in e.rows]
        elif isinstance(e, ir.LevelsE):
            branches = []
        else:
            return e.span
        if isinstance(e, (ir.TableE, ir.RulesE, ir.LevelsE)) and e.otherwise is not None:
            branches.append(e.otherwise.expr)
        nullable = [b for b in branches if b.type.nullable]
        if not nullable:
            return e.span
        e = nullable[0]


def unify_units(a: ir.Type, b: ir.Type, span: Span, what: str, d: Diagnostics) -> bool:
    if a.unit != b.unit:
        if not known(a.unit, b.unit):
            return False
        d.error("E204", f"{what}: 单位不同，{describe(a.unit)} 与 {describe(b.unit)} "
                "不能比较或相加", span,
                hint="write the number with the unit of the quantity it is compared with")
        return False
    return True


def join(a: ir.Type, b: ir.Type, span: Span, d: Diagnostics) -> ir.Type | None:
    """The type of a choice whose branches have types `a` and `b`."""
    if a.kind is TK.NULL:
        return b.or_null()
    if b.kind is TK.NULL:
        return a.or_null()
    if a.numeric and b.numeric:
        if not unify_units(a, b, span, "各分支的结果", d):
            return None
        kind = TK.COUNT if a.kind == b.kind is TK.COUNT else TK.NUM
        return ir.Type(kind, a.unit, nullable=a.nullable or b.nullable)
    if a.kind == b.kind is TK.RANGE and a.item and b.item:
        # rows giving 范围(计数) and 范围(比率): the ends join as numbers do
        item = join(a.item, b.item, span, d)
        return None if item is None else ir.Type(TK.RANGE, nullable=a.nullable or b.nullable,
                                                 item=item)
    if a.kind == b.kind and a.enum == b.enum:
        return ir.Type(a.kind, a.unit, a.enum, a.nullable or b.nullable, a.item or b.item)
    d.error("E203", f"各分支的结果类型不一致：{a.show()} 与 {b.show()}", span)
    return None


def join_all(types: list[ir.Type], span: Span, d: Diagnostics) -> ir.Type | None:
    if not types:
        return None
    t: ir.Type | None = types[0]
    for other in types[1:]:
        if t is None:
            return None
        t = join(t, other, span, d)
    return t


def comparable(a: ir.Expr, b: ir.Expr, span: Span, d: Diagnostics) -> bool:
    if not (present(a, "比较的左边", d) and present(b, "比较的右边", d)):
        return False
    ta, tb = a.type, b.type
    if ta.numeric and tb.numeric:
        if ta.unit != tb.unit:
            if tb.unit.dimensionless and isinstance(b, ir.Lit) and not ta.unit.dimensionless:
                # a bare number compared with a quantity: the drafter left the unit out
                d.error("E204", f"数字缺少单位：{describe(ta.unit)} 与纯数字比较", span,
                        hint=f"write the unit, e.g. …{describe(ta.unit)}")
                return False
            return unify_units(ta, tb, span, "比较", d)
        return True
    if ta.kind == tb.kind and ta.kind in (TK.DATE, TK.DATETIME):
        return True
    d.error("E203", f"不能比较 {ta.show()} 与 {tb.show()}", span)
    return False


# ------------------------------------------------------------ bounds of ranges
def bound_value(v: object, typ: ir.Type, closed: bool, source: Source,
                d: Diagnostics, units: Units = NO_UNITS) -> tuple[ir.Scalar, bool]:
    """One end of a 取值 range or an interval: its value in `typ`'s unit, and whether
    it is included (an infinite end never is)."""
    if isinstance(v, A.Inf):
        return None, False
    if not isinstance(v, (A.DateLit, A.DateTimeLit, A.Quantity)):
        # an expression: only where a value is tested (x 在 [a, b], see conditions)
        span = v.span  # type: ignore[attr-defined]
        d.error("E237", f"取值范围和查表区间的端点须为数、日期或 ∞，{source.quote(span)} 是表达式",
                span, hint="test the value instead: x 在 [income × 40%, income × 80%], "
                           "or x 在 income × 40% 至 income × 80%")
        return None, False
    kind = TK.DATE if isinstance(v, A.DateLit) else \
        TK.DATETIME if isinstance(v, A.DateTimeLit) else TK.NUM
    if kind is not (TK.NUM if typ.numeric else typ.kind):
        what = {TK.DATE: "日期", TK.DATETIME: "时刻", TK.NUM: "数量"}[kind]
        span = v.span  # type: ignore[attr-defined]
        d.error("E118", f"边界 {source.quote(span)} 是{what}，不能与 {typ.show()} 比较",
                span, hint="a bound has the kind of the value it limits")
        return None, False
    if isinstance(v, A.DateLit):
        return date(v.text, v.span, d), closed
    if isinstance(v, A.DateTimeLit):
        return datetime(v.text, v.span, d), closed
    assert isinstance(v, A.Quantity)
    lit = quantity(v, d, units)
    unify_units(typ, lit.type, v.span, "取值范围", d)
    return lit.value, closed


def empty(lo: ir.Scalar, lo_closed: bool, hi: ir.Scalar, hi_closed: bool) -> bool:
    """No value lies between the bounds (`bound_value` gives both of the key's kind)."""
    if lo is None or hi is None:
        return False
    return lo > hi or (lo == hi and not (lo_closed and hi_closed))  # type: ignore[operator]
