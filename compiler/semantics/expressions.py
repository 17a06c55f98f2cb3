"""Lowering of expressions: each AST expression to its typed `ir.Expr`, or None and a
diagnostic.

The names an expression uses are resolved here (locals, parameters, constants, enum
members, roles, decisions: E109–E112), and each form is typed by the rules of
`types_and_units`: arithmetic and dates (E205, E206), 最高/最低, 较大/较小 and the calendar
functions (E214), the multi-way choices 查表, 取最严重, 规则, 全部/任一 and 分期 (E207, E208,
E209, E212; a 查表 row's patterns are `conditions.pattern`).
One function per AST class, found through the table EXPRESSIONS, so the call graph is
plain to a reader and a tool.  Conditions are lowered by `conditions`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.ir import TypeKind as TK
from polc.compiler.syntax import ast as A

from . import conditions
from . import types_and_units as T
from .context import Context, Env, suggest
from .sites import site


def lower(cx: Context, e: A.Expr, env: Env, expected: ir.Type | None = None
          ) -> ir.Expr | None:
    """`e` as IR; `expected` is the type the context wants, which lets a bare member
    name resolve to that enum's member."""
    result: ir.Expr | None = EXPRESSIONS[type(e)](cx, e, env, expected)
    return result


def _cond_value(cx: Context, e: A.CondValue, env: Env, expected: ir.Type | None
                ) -> ir.Expr | None:
    c = conditions.lower(cx, e.cond, env)
    return None if c is None else ir.CondE(c, ir.BOOL, e.span)


def _quantity(cx: Context, e: A.Quantity, env: Env, expected: ir.Type | None) -> ir.Expr:
    return T.quantity(e, cx.d, cx.symbols.units)


def _date(cx: Context, e: A.DateLit, env: Env, expected: ir.Type | None) -> ir.Expr:
    return ir.Lit(T.date(e.text, e.span, cx.d), ir.DATE, e.span)


def _datetime(cx: Context, e: A.DateTimeLit, env: Env, expected: ir.Type | None) -> ir.Expr:
    return ir.Lit(T.datetime(e.text, e.span, cx.d), ir.DATETIME, e.span)


def _null(cx: Context, e: A.NullLit, env: Env, expected: ir.Type | None) -> ir.Expr:
    return ir.Lit(None, ir.NULL, e.span)


def _bool(cx: Context, e: A.BoolLit, env: Env, expected: ir.Type | None) -> ir.Expr:
    return ir.Lit(e.value, ir.BOOL, e.span)


def _ref(cx: Context, e: A.Ref, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    n = e.name
    sy = cx.symbols
    if n in env.locals:
        return ir.Var(n, ir.Scope.LOCAL, env.locals[n], e.span)
    if n in env.params:
        return ir.Var(n, ir.Scope.INPUT, sy.inputs[n].type, e.span)
    if n in cx.consts:
        cx.used_consts.add(n)
        return ir.Var(n, ir.Scope.CONST, cx.consts[n].type, e.span)
    if expected is not None and expected.kind is TK.ENUM and expected.enum \
            and sy.enums[expected.enum].has(n):
        return ir.EnumVal(expected.enum, n, ir.Type(TK.ENUM, enum=expected.enum), e.span)
    if n in sy.roles:
        return ir.RoleVal(n, sy.roles[n].title, ir.ROLE, e.span)
    if n in sy.inputs:
        cx.d.error("E109", f"输入 {n!r} 不在决策 {env.decision} 的参数列表中", e.span,
                   hint=f"add {n} to the decision's (…) list")
        return None
    enums = sy.members.get(n, ())
    if len(enums) == 1:
        return ir.EnumVal(enums[0], n, ir.Type(TK.ENUM, enum=enums[0]), e.span)
    names = [*env.locals, *env.params, *cx.consts, *sy.roles, *sy.members]
    cx.d.error("E110", f"未定义的名称 {n!r}", e.span, hint=suggest(n, names))
    return None


def _binop(cx: Context, e: A.BinOp, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    left = lower(cx, e.left, env)
    right = lower(cx, e.right, env)
    d = cx.d
    if left is None or right is None:
        return None
    if not (T.present(left, "运算的左边", d) and T.present(right, "运算的右边", d)):
        return None
    lt, rt = left.type, right.type
    if e.op in "+-" and lt.kind in (TK.DATE, TK.DATETIME):
        period = V.DURATIONS.get(rt.unit.duration or "") if rt.numeric else None
        if period is None:
            d.error("E205", f"日期只能加减期间（{'、'.join(V.PERIOD_WORDS)}），"
                    f"不能加 {rt.show()}", e.span)
            return None
        if lt.kind is TK.DATE and period is V.Duration.MINUTES:
            d.error("E205", "日期不能加小时或分钟；用 时刻 类型", e.span)
            return None
        if lt.kind is TK.DATETIME and period is not V.Duration.MINUTES:
            d.error("E205", "时刻只加小时或分钟", e.span)
            return None
        if period is not V.Duration.MINUTES and rt.kind is not TK.COUNT:
            d.error("E205", f"{'、'.join(V.DATE_PERIOD_WORDS)}须为整数", e.span,
                    hint=_whole_period_hint(right))
            return None
        if e.op == "-" and period is V.Duration.MINUTES:
            d.error("E230", "时刻不能减去期间；只有日期可以减去日、工作日、月、年", e.span,
                    hint="d - 10日, d - 3工作日 (提前3个工作日), d - 1月, d - 1年")
            return None
        return ir.Shift(left, right, period, e.op == "-", lt, e.span)
    if not (lt.numeric and rt.numeric):
        d.error("E206", f"算术运算需要数量，实际为 {lt.show()} {e.op} {rt.show()}", e.span)
        return None
    kind = TK.COUNT if lt.kind == rt.kind is TK.COUNT and e.op != "/" else TK.NUM
    if e.op in "+-":
        if not T.unify_units(lt, rt, e.span, "加减", d):
            return None
        unit = lt.unit
    elif e.op == "*":
        unit = lt.unit * rt.unit
    else:
        unit = lt.unit / rt.unit
    return ir.Arith(ir.ArithOp(e.op), left, right, ir.Type(kind, unit), e.span)


def _whole_period_hint(right: ir.Expr) -> str:
    # 数量(日) is the natural first guess for a day count, and the message alone does not say
    # that only the type (not the value) is wrong
    unit = right.type.unit
    whole = f"{V.BasicType.COUNT.value}({unit})"
    if isinstance(right, ir.Var) and right.scope in (ir.Scope.INPUT, ir.Scope.CONST):
        return f"a count of {unit} is typed {whole}, not {right.type.show()}: declare {right.name} : {whole}"
    return f"a count of {unit} is typed {whole}, not {right.type.show()}"


def _bound(cx: Context, e: A.Bound, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    inner = lower(cx, e.expr, env, expected)
    limit = lower(cx, e.limit, env)
    d = cx.d
    if inner is None or limit is None:
        return None
    if not (T.present(inner, "最高/最低 的值", d) and T.present(limit, "最高/最低 的限额", d)):
        return None
    if not (inner.type.numeric and limit.type.numeric):
        d.error("E206", "最高/最低 需要数量", e.span)
        return None
    T.unify_units(inner.type, limit.type, e.span, "最高/最低", d)
    kind = TK.COUNT if inner.type.kind == limit.type.kind is TK.COUNT else TK.NUM
    return ir.Clamp(ir.ClampKind.CAP if e.kind == "max" else ir.ClampKind.FLOOR, inner, limit,
                    ir.Type(kind, inner.type.unit), e.span)


def _call(cx: Context, e: A.Call, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    if e.func in _CALENDAR:
        return _calendar_call(cx, e, env)
    if e.func in (V.Function.UP.value, V.Function.DOWN.value):
        return _step(cx, e, env, expected)
    if e.func in (V.Function.LOWER_END.value, V.Function.UPPER_END.value):
        return _range_end(cx, e, env)
    args = [lower(cx, a, env, expected) for a in e.args]
    if any(a is None for a in args):
        return None
    real = [a for a in args if a is not None]
    if not all(T.present(a, f"{e.func} 的参数", cx.d) for a in real):
        return None
    if not all(a.type.numeric for a in real):
        cx.d.error("E206", f"{e.func} 需要数量", e.span)
        return None
    for a in real[1:]:
        T.unify_units(real[0].type, a.type, e.span, e.func, cx.d)
    kind = TK.COUNT if all(a.type.kind is TK.COUNT for a in real) else TK.NUM
    return ir.MinMax(ir.Extreme.MAX if e.func == V.Function.LARGER.value else ir.Extreme.MIN,
                     tuple(real), ir.Type(kind, real[0].type.unit), e.span)


def _step(cx: Context, e: A.Call, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    """上一级(x) / 下一级(x): the neighbour of x in its ordered enum, 无 past either end.

    Lowered to the one-key table it is (member => neighbour, 否则 => 无), so the
    analysis, the code, the explanation and the diagram treat it as any table."""
    if len(e.args) != 1:
        cx.d.error("E241", f"{e.func} 需要 1 个参数（一个有序枚举的值）", e.span)
        return None
    arg = lower(cx, e.args[0], env, expected)
    if arg is None:
        return None
    if arg.type.kind is not TK.ENUM or not arg.type.enum:
        cx.d.error("E241", f"{e.func} 的参数须为有序枚举的值，此处是 {arg.type.show()}", e.span)
        return None
    enum = cx.symbols.enums[arg.type.enum]
    if enum.high_first is None:
        cx.d.error("E240", f"枚举 {enum.name} 未声明顺序，不能取 {e.func}", e.span,
                   hint=f"declare its order: 枚举 {enum.name} \"{enum.label}\" 由重到轻 {{…}} "
                        "(or 由轻到重 / 由高到低 / 由低到高)")
        return None
    up = e.func == V.Function.UP.value
    ladder = enum.severest_first  # top first
    step = -1 if up else 1
    typ = ir.Type(TK.ENUM, enum=enum.name)
    here = env.site or ir.Site(e.span)
    rows = tuple(
        ir.TableRow((ir.Test(ir.MatchKind.EQ, value=m, text=m),),
                    ir.EnumVal(enum.name, ladder[i + step], typ, e.span), here)
        for i, m in enumerate(ladder) if 0 <= i + step < len(ladder))
    other = ir.Otherwise(ir.Lit(None, ir.NULL, e.span), here)
    return ir.TableE((arg,), rows, other, typ.or_null(), e.span)


# ------------------------------------------------------------ ranges
def _range(cx: Context, e: A.RangeLit, env: Env, expected: ir.Type | None
           ) -> ir.Expr | None:
    """`10万元以上20万元以下` (each end's word read as a comparison is: the clause's 约定,
    the document's, the law), or `income × 40% 至 income × 80%` (included unless marked);
    `5000元以上` / `20万元以下` alone is one-ended, the other end open (None): the text
    gives no number for it, so none is invented."""
    if e.lo is None or e.hi is None:
        return _open_range(cx, e, env)
    lo = lower(cx, e.lo, env)
    hi = lower(cx, e.hi, env)
    d = cx.d
    if lo is None or hi is None:
        return None
    if not (T.present(lo, "范围的下限", d) and T.present(hi, "范围的上限", d)):
        return None
    if not (lo.type.numeric and hi.type.numeric):
        d.error("E232", f"范围的两端须为数量，此处是 {lo.type.show()} 与 {hi.type.show()}",
                e.span, hint="a range holds numbers; a date is tested against two dates: "
                             "d 在 [2024-01-01, 2024-12-31]")
        return None
    if not T.unify_units(lo.type, hi.type, e.span, "范围的两端", d):
        return None
    notes: list[str] = []
    if e.lo_word is not None and e.hi_word is not None:
        ends = []
        for word, mark, want in ((e.lo_word, e.lo_mark, V.Direction.LOWER),
                                 (e.hi_word, e.hi_mark, V.Direction.UPPER)):
            info = V.THRESHOLD.get(word)
            if info is not None and info.direction is not want:
                d.error("E303", "范围的两端须一上一下，下限在前（如 10万元以上20万元以下）",
                        e.span)
                return None
            how = conditions.comparison(cx, word, None, mark, e.span, env.site.clause)
            if how is None:
                return None
            op, note = how
            ends.append(op in (ir.CompareOp.GE, ir.CompareOp.LE))
            if note:
                notes.append(note)
        lo_closed, hi_closed = ends
    else:
        lo_closed = e.lo_mark is None or V.INCLUSION_MARKS[e.lo_mark]
        hi_closed = e.hi_mark is None or V.INCLUSION_MARKS[e.hi_mark]
    if isinstance(lo, ir.Lit) and isinstance(hi, ir.Lit) \
            and T.empty(lo.value, lo_closed, hi.value, hi_closed):
        reversed_ends = lo.value > hi.value  # type: ignore[operator]
        d.error("E233", f"范围 {cx.quote(e.span)} 是空的：没有数同时满足两端", e.span,
                hint="the lower end comes first: 10万元以上20万元以下" if reversed_ends
                else "a range of one number includes both ends: 5万元 至 5万元")
        return None
    kind = TK.COUNT if lo.type.kind == hi.type.kind is TK.COUNT else TK.NUM
    item = ir.Type(kind, lo.type.unit)
    return ir.RangeE(lo, hi, lo_closed, hi_closed, cx.quote(e.span) + "".join(notes),
                     ir.Type(TK.RANGE, item=item), e.span)


def _open_range(cx: Context, e: A.RangeLit, env: Env) -> ir.Expr | None:
    """`5000元以上` (no upper end) / `20万元以下` (no lower end)."""
    upper = e.lo is None
    end_ast, word, mark = (e.hi, e.hi_word, e.hi_mark) if upper else (e.lo, e.lo_word, e.lo_mark)
    assert end_ast is not None and word is not None
    d = cx.d
    end = lower(cx, end_ast, env)
    if end is None or not T.present(end, "范围的一端", d):
        return None
    if not end.type.numeric:
        d.error("E232", f"范围的一端须为数量，此处是 {end.type.show()}", e.span)
        return None
    how = conditions.open_end(cx, word, mark, e.span, env.site.clause)
    if how is None:
        return None
    closed, note = how
    item = ir.Type(TK.COUNT if end.type.kind is TK.COUNT else TK.NUM, end.type.unit)
    # the explanation and diagrams say the open side honestly: 5000元以上（无上限）
    text = cx.quote(e.span) + note + ("（无下限）" if upper else "（无上限）")
    return ir.RangeE(None if upper else end, end if upper else None,
                     True if upper else closed, closed if upper else True, text,
                     ir.Type(TK.RANGE, item=item), e.span)


def _range_end(cx: Context, e: A.Call, env: Env) -> ir.Expr | None:
    """下限(r) / 上限(r): an end of a range value (its number, included or not)."""
    if len(e.args) != 1:
        cx.d.error("E234", f"{e.func} 需要 1 个参数（一个范围）", e.span)
        return None
    r = lower(cx, e.args[0], env)
    if r is None or not T.present(r, f"{e.func} 的范围", cx.d):
        return None
    if r.type.kind is not TK.RANGE or r.type.item is None:
        cx.d.error("E234", f"{e.func} 的参数须为范围，此处是 {r.type.show()}", e.span,
                   hint="下限(fine) where fine is a 范围(金额) decision or local")
        return None
    upper = e.func == V.Function.UPPER_END.value
    if isinstance(r, ir.RangeE):  # written out: the end itself
        end = r.hi if upper else r.lo
        if end is None:
            cx.d.error("E238", f"{e.func} 无从取得：范围 {r.text} 没有{'上限' if upper else '下限'}",
                       e.span, hint="the text gives that end no number; nothing is "
                                    "invented for it")
        return end
    return ir.RangeEnd(r, upper, r.type.item, e.span)


# the functions of a date, each to the IR's function
_CALENDAR: dict[str, ir.CalendarFunc] = {
    V.Function.QUARTER_END.value: ir.CalendarFunc.QUARTER_END,
    V.Function.NEXT_YEAR_MONTH_END.value: ir.CalendarFunc.NEXT_YEAR_MONTH_END,
    V.Function.YEAR_END.value: ir.CalendarFunc.YEAR_END,
    V.Function.THIS_YEAR_END.value: ir.CalendarFunc.YEAR_END,
    V.Function.YEAR_END_DI.value: ir.CalendarFunc.YEAR_END,
    V.Function.MONTH_END.value: ir.CalendarFunc.MONTH_END,
}


def _calendar_call(cx: Context, e: A.Call, env: Env) -> ir.Expr | None:
    func = _CALENDAR[e.func]
    want = 2 if func is ir.CalendarFunc.NEXT_YEAR_MONTH_END else 1
    if len(e.args) != want:
        cx.d.error("E214", f"{e.func} 需要 {want} 个参数", e.span,
                   hint="季末(日期)、年末(日期)、当年年末(日期)、年底(日期)、月底(日期)；"
                        "次年月底(日期, 月份)")
        return None
    args = [lower(cx, a, env) for a in e.args]
    if any(a is None for a in args):
        return None
    date_arg = args[0]
    assert date_arg is not None
    if not T.present(date_arg, f"{e.func} 的日期", cx.d):
        return None
    if date_arg.type.kind is not TK.DATE:
        cx.d.error("E214", f"{e.func} 的第一个参数须为日期，实际为 {date_arg.type.show()}",
                   e.span)
        return None
    if func is not ir.CalendarFunc.NEXT_YEAR_MONTH_END:
        return ir.CalendarFn(func, (date_arg,), ir.DATE, e.span)
    month = args[1]
    if not (isinstance(month, ir.Lit) and isinstance(month.value, int)
            and 1 <= month.value <= 12):
        cx.d.error("E214", "次年月底 的月份须为 1 至 12 的整数", e.span)
        return None
    return ir.CalendarFn(ir.CalendarFunc.NEXT_YEAR_MONTH_END, (date_arg, month), ir.DATE,
                         e.span)


def _decision_ref(cx: Context, e: A.DecisionRef, env: Env, expected: ir.Type | None
                  ) -> ir.Expr | None:
    callee = cx.decisions.get(e.name)
    if callee is None:
        # a declared callee that is not lowered has its own errors (or is on a cycle)
        if e.name not in cx.symbols.decisions:
            cx.d.error("E111", f"未定义的决策 {e.name!r}", e.span,
                       hint=suggest(e.name, cx.symbols.decisions))
        return None
    missing = [p for p in callee.params if p not in env.params]
    if missing:
        cx.d.error("E112", f"取 {e.name} 需要输入 {', '.join(missing)}，"
                   f"它们不在本决策的参数中", e.span)
        return None
    return ir.CallDecision(e.name, callee.params, callee.type, e.span)


def _if(cx: Context, e: A.If, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    c = conditions.lower(cx, e.cond, env)
    a = lower(cx, e.then, env, expected)
    b = lower(cx, e.other, env, expected)
    if c is None or a is None or b is None:
        return None
    t = T.join(a.type, b.type, e.span, cx.d)
    return None if t is None else ir.IfE(c, a, b, t, e.span)


def _roll_forward(cx: Context, e: A.RollForward, env: Env, expected: ir.Type | None
                  ) -> ir.Expr | None:
    inner = lower(cx, e.expr, env)
    if inner is None or not T.present(inner, "顺延 的日期", cx.d):
        return None
    if inner.type.kind is not TK.DATE:
        cx.d.error("E205", "顺延 只用于日期", e.span)
        return None
    return ir.Roll(inner, inner.type, e.span)


# ------------------------------------------------------------ multi-way choices
def _otherwise(cx: Context, o: A.Otherwise | None, env: Env, expected: ir.Type | None
               ) -> tuple[ir.Otherwise | None, list[ir.Type], bool]:
    if o is None:
        return None, [], True
    s = site(o.annot, o.span, inherit=env.site)
    e = lower(cx, o.expr, env.with_site(s), expected)
    if e is None:
        return None, [], False
    return ir.Otherwise(e, s), [e.type], True


def _levels(cx: Context, e: A.Levels, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    if expected is None or expected.kind is not TK.ENUM or not expected.enum:
        cx.d.error("E207", "取最严重 的结果须为枚举类型（决策声明为 : 枚举名）", e.span)
        return None
    enum = cx.symbols.enums[expected.enum]
    order = enum.severest_first
    rank = {m: i for i, m in enumerate(order)}  # membership and order in O(1)
    rows: dict[str, ir.LevelRow] = {}
    ok = True
    for r in e.rows:
        if r.member not in rank:
            cx.d.error("E208", f"{r.member!r} 不是枚举 {enum.name} 的成员", r.span,
                       hint=suggest(r.member, order))
            ok = False
            continue
        if r.member in rows:
            cx.d.error("E101", f"级别 {r.member} 重复", r.span)
            continue
        s = site(r.annot, r.span, inherit=env.site)
        c = conditions.lower(cx, r.cond, env.with_site(s))
        if c is None:
            ok = False
            continue
        rows[r.member] = ir.LevelRow(r.member, c, s)
    listed = [r.member for r in e.rows if r.member in rank]
    if listed != sorted(listed, key=rank.__getitem__):
        cx.d.warning("W301", f"级别的书写顺序与枚举 {enum.name} 的顺序（最严重在前）不同；"
                     "按枚举顺序判定", e.span)
    other, _, ok2 = _otherwise(cx, e.otherwise, env, expected)
    if not (ok and ok2):
        return None
    nullable = bool(other and other.expr.type.kind is TK.NULL)
    return ir.LevelsE(enum.name, tuple(rows[m] for m in order if m in rows), other,
                      ir.Type(TK.ENUM, enum=enum.name, nullable=nullable), e.span)


def _table(cx: Context, e: A.Table, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    hit = ir.HitPolicy(V.HIT_POLICIES[e.hit]) if e.hit is not None else ir.HitPolicy.UNIQUE
    keys = [lower(cx, k, env) for k in e.keys]
    if any(k is None for k in keys):
        return None
    real_keys = [k for k in keys if k is not None]
    # an enum key that is 无 matches no member and falls to 否则; any other key
    # would be compared as a number, a date or a truth value
    if not all(k.type.kind is TK.ENUM or T.present(k, "查表 的键", cx.d) for k in real_keys):
        return None
    if hit is ir.HitPolicy.COLLECT:
        # the rows give the items of the list the decision declares
        expected = expected.item if expected is not None and expected.kind is TK.LIST else None
        if e.otherwise is not None:
            cx.d.error("E150", f"{e.hit} 的表不用 否则：没有行适用时，结果是空列表",
                       e.otherwise.span, hint="remove the 否则 row, or use 按首条 / 按唯一")
            return None
    rows: list[ir.TableRow] = []
    types: list[ir.Type] = []
    ok = True
    for r in e.rows:
        if len(r.patterns) != len(real_keys):
            cx.d.error("E209", f"此行有 {len(r.patterns)} 个条件，表有 {len(real_keys)} 个键",
                       r.span)
            ok = False
            continue
        s = site(r.annot, r.span, inherit=env.site)
        tests = [conditions.pattern(cx, p, k.type, s.clause)
                 for p, k in zip(r.patterns, real_keys)]
        v = lower(cx, r.expr, env.with_site(s), expected)
        if v is None or any(t is None for t in tests):
            ok = False
            continue
        types.append(v.type)
        rows.append(ir.TableRow(tuple(t for t in tests if t is not None), v, s))
    other, otypes, ok2 = _otherwise(cx, e.otherwise, env, expected)
    if not (ok and ok2):
        return None
    t = T.join_all(types + otypes, e.span, cx.d)
    if t is None:
        return None
    if hit.collects and hit is not ir.HitPolicy.COLLECT:
        ordered = t.numeric or (hit is not ir.HitPolicy.SUM and t.kind in (TK.DATE, TK.DATETIME))
        if not ordered or t.nullable:
            what = "数值" if hit is ir.HitPolicy.SUM else "数值或日期"
            cx.d.error("E151", f"{e.hit} 的各行结果须为{what}（不可为 无），此表的结果为 "
                       f"{t.show()}", e.span,
                       hint="use 按全部 to collect other values as a list")
            return None
    if hit is ir.HitPolicy.COLLECT:
        t = ir.Type(TK.LIST, item=t)
    return ir.TableE(tuple(real_keys), tuple(rows), other, t, e.span, hit)


def _rules(cx: Context, e: A.Rules, env: Env, expected: ir.Type | None) -> ir.Expr | None:
    rows: list[ir.RuleRow] = []
    types: list[ir.Type] = []
    ok = True
    for r in e.rows:
        s = site(r.annot, r.span, inherit=env.site)
        c = conditions.lower(cx, r.cond, env.with_site(s))
        v = lower(cx, r.expr, env.with_site(s), expected)
        if c is None or v is None:
            ok = False
            continue
        types.append(v.type)
        rows.append(ir.RuleRow(c, v, s))
    other, otypes, ok2 = _otherwise(cx, e.otherwise, env, expected)
    if not (ok and ok2):
        return None
    t = T.join_all(types + otypes, e.span, cx.d)
    return None if t is None else ir.RulesE(tuple(rows), other, t, e.span)


def _named_conds(cx: Context, e: A.NamedConds, env: Env, expected: ir.Type | None
                 ) -> ir.Expr | None:
    items: list[ir.NamedItem] = []
    names: set[str] = set()
    ok = True
    for it in e.items:
        if it.name in names:
            cx.d.error("E101", f"条件名 {it.name!r} 重复", it.span)
        names.add(it.name)
        s = site(it.annot, it.span, inherit=env.site)
        c = conditions.lower(cx, it.cond, env.with_site(s))
        if c is None:
            ok = False
            continue
        items.append(ir.NamedItem(it.name, it.label, c, s))
    return ir.NamedE(ir.Quantifier(e.kind), tuple(items), ir.BOOL, e.span) if ok else None


def _schedule(cx: Context, e: A.Schedule, env: Env, expected: ir.Type | None
              ) -> ir.Expr | None:
    total = lower(cx, e.total, env)
    if total is None or not T.present(total, "分期 的总额", cx.d):
        return None
    if not total.type.numeric:
        cx.d.error("E206", "分期 的总额须为数量", e.span)
        return None
    raw = [T.number(q, cx.d, cx.symbols.units) for q in e.shares]
    if all(u.dimensionless and q.unit == "%" for (_, u), q in zip(raw, e.shares)):
        shares = [v for v, _ in raw]
        if sum(shares) != 1:
            cx.d.error("E212", f"各期比例之和为 {sum(shares) * 100}%，不是 100%", e.span)
            return None
    elif all(q.unit is None for q in e.shares):
        parts = [v for v, _ in raw]
        total_parts = sum(parts)
        shares = [p / total_parts for p in parts]
    else:
        cx.d.error("E212", "分期比例须全部用 % 或全部为比例数（4︰3︰3）", e.span)
        return None
    share_type = ir.Type(TK.LIST, item=ir.Type(TK.NUM, total.type.unit))
    return ir.ScheduleE(total, tuple(shares), share_type, e.span)


# AST expression class -> its lowering: every member of A.Expr (tests/semantics)
EXPRESSIONS: dict[type, Callable[[Context, Any, Env, ir.Type | None], ir.Expr | None]] = {
    A.CondValue: _cond_value,
    A.Quantity: _quantity,
    A.DateLit: _date,
    A.DateTimeLit: _datetime,
    A.NullLit: _null,
    A.BoolLit: _bool,
    A.Ref: _ref,
    A.BinOp: _binop,
    A.Bound: _bound,
    A.Call: _call,
    A.DecisionRef: _decision_ref,
    A.If: _if,
    A.RollForward: _roll_forward,
    A.Levels: _levels,
    A.Table: _table,
    A.Rules: _rules,
    A.NamedConds: _named_conds,
    A.Schedule: _schedule,
    A.RangeLit: _range,
}
