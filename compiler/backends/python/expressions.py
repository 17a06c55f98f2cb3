"""IR expressions and conditions to Python, in an explicit `Frame`.

`value` gives an expression as `Code`, writing the statements it needs first (an
if/elif chain for a table, say) into the frame's lines; `assign` writes statements
that leave a value in a variable; `condition` gives a test.  In a tracing frame (the
`explain_*` twin) each test and row is recorded with the site of the rule it belongs
to, which the caller names by running the code in `frame.at(site)`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.ir import TypeKind as TK

from .code import TRUE, Code, Prec, binary, both, call, chained, compare, either, negate
from .frame import Frame

# branches per if/elif run (see chain)
CHAIN_RUN = 100
# + - × of Decimals that might round in 28 digits (see polc.compiler.analysis.bounds)
_EXACT_OPS = {ir.ArithOp.ADD: "add", ir.ArithOp.SUB: "sub", ir.ArithOp.MUL: "mul"}
# the runtime's function for each period a date moves by
_SHIFTS = {V.Duration.DAYS: "add_days", V.Duration.WORKING_DAYS: "add_working_days",
           V.Duration.MONTHS: "add_months", V.Duration.YEARS: "add_years",
           V.Duration.MINUTES: "add_minutes"}
# d - N: the same count, backwards (提前N个工作日, 前10日); minutes are never subtracted
_BACKWARDS = {V.Duration.DAYS: "days_before", V.Duration.WORKING_DAYS: "working_days_before",
              V.Duration.MONTHS: "months_before", V.Duration.YEARS: "years_before"}
_DATE_ENDS = {ir.CalendarFunc.QUARTER_END: "quarter_end", ir.CalendarFunc.YEAR_END: "year_end",
              ir.CalendarFunc.MONTH_END: "month_end_of"}
_SELECTIONS = (ir.IfE, ir.LevelsE, ir.TableE, ir.RulesE)

# one branch of a chain: its test and the code that writes its body
Branch = tuple[Callable[[], Code], Callable[[], None]]


def value(e: ir.Expr, f: Frame, num: bool = False) -> Code:
    """`e` as an expression, after the statements it needs.

    `num`: a Decimal is expected, so a whole-number value is given as a Decimal:
    mixing int and Decimal in min/max or in one variable defeats the type checker."""
    if num and e.type.kind is TK.COUNT:
        if isinstance(e, ir.Lit):
            return f.lit(Decimal(e.value))  # type: ignore[arg-type]
        if isinstance(e, _SELECTIONS):
            target = f.out.temporary()
            assign(e, target, f, num=True)
            return Code(target)
        return call(f.scope.std("Decimal"), value(e, f))
    if isinstance(e, ir.Lit):
        return f.lit(e.value)
    if isinstance(e, ir.Var):
        return Code("CONST_" + e.name if e.scope is ir.Scope.CONST else e.name)
    if isinstance(e, ir.EnumVal):
        return f.scope.member(e.enum, e.member)
    if isinstance(e, ir.RoleVal):
        return f.lit(e.title)
    if isinstance(e, ir.Arith):
        return _arith(e, f)
    if isinstance(e, ir.Clamp):
        num = e.type.kind is TK.NUM
        func = "min" if e.kind is ir.ClampKind.CAP else "max"
        return call(func, value(e.expr, f, num), value(e.limit, f, num))
    if isinstance(e, ir.MinMax):
        num = e.type.kind is TK.NUM
        return call(e.func.value, *(value(a, f, num) for a in e.args))
    if isinstance(e, ir.CalendarFn):
        day = value(e.args[0], f)
        if e.func in _DATE_ENDS:
            return call(f.rt(_DATE_ENDS[e.func]), day)
        return call(f.rt("month_end"), f"{day.within(Prec.ATOM)}.year + 1",
                    value(e.args[1], f), repr(origin(e, f)))
    if isinstance(e, ir.Shift):
        func = _BACKWARDS[e.period] if e.backwards else _SHIFTS[e.period]
        return call(f.rt(func), value(e.base, f), value(e.amount, f), repr(origin(e.base, f)))
    if isinstance(e, ir.Roll):
        return call(f.rt("roll_forward"), value(e.expr, f), repr(origin(e.expr, f)))
    if isinstance(e, ir.CondE):
        return condition(e.cond, f)
    if isinstance(e, ir.RangeE):
        if f.tracing:
            # the explanation says which range was made, and whether each end is included
            ends = e.ends()
            f.emit(f"_tr.row({('范围 ' + e.text + '（' + ends + '）')!r}, {f.scope.site(f.site)})")
        # every range holds Decimals, so rows giving 范围(计数) and 范围(比率) share a type
        lo = Code("None") if e.lo is None else value(e.lo, f, True)
        hi = Code("None") if e.hi is None else value(e.hi, f, True)
        return call(f.rt("make_range"), lo, hi,
                    repr(e.lo_closed), repr(e.hi_closed), repr(f.owner), repr(str(e.span)))
    if isinstance(e, ir.RangeEnd):
        # a one-ended range has no number for its open end: refused there, not invented
        end = call(f.rt("range_end"), value(e.range, f), repr(e.upper), repr(f.owner),
                   repr(str(e.span)))
        # the ends of a range of counts are whole numbers (the checker made them so)
        return call("int", end) if e.type.kind is TK.COUNT and not num else end
    if isinstance(e, ir.InRangeE):
        return compare(value(e.value, f), "in", value(e.range, f))
    if isinstance(e, ir.CallDecision):
        # through an alias: the caller may have a parameter named like the callee
        return call(f"_decision_{e.name}", *(f"{a}={a}" for a in e.args))
    target = f.out.temporary()
    assign(e, target, f)
    return Code(target)


def _arith(e: ir.Arith, f: Frame) -> Code:
    left, right = value(e.left, f), value(e.right, f)
    how = f.scope.plan.ops[id(e)]
    where = (repr(f.owner), repr(str(e.span)))
    if how == "div":
        return call(f.rt("div"), left, right, *where)
    if how == "exact":
        return call(f.rt(_EXACT_OPS[e.op]), left, right, *where)
    if how == "bounded":
        return call(f.rt("bounded"), binary(left, e.op.value, right), *where)
    return binary(left, e.op.value, right)


def origin(e: ir.Expr, f: Frame) -> str:
    """The date inputs `e` is computed from: the runtime's date functions name them
    when a deadline leaves the calendar or the years a date can hold."""
    return ", ".join(ir.date_inputs(e, f.lets, f.scope.policy)) or f.owner


def assign(e: ir.Expr, target: str, f: Frame, num: bool = False) -> None:
    """Statements that leave the value of `e` in `target`.

    `num`: the target holds a Decimal, so whole-number branches are written as
    Decimals too (one type per variable, as mypy and readers expect)."""
    num = num or (e.type.kind is TK.NUM and not isinstance(e, ir.Lit))
    out = f.out
    if isinstance(e, ir.IfE):
        f.emit(f"if {condition(e.cond, f)}:")
        out.indent += 1
        assign(e.then, target, f, num)
        out.indent -= 1
        f.emit("else:")
        out.indent += 1
        assign(e.other, target, f, num)
        out.indent -= 1
    elif isinstance(e, ir.LevelsE):
        def level(row: ir.LevelRow) -> Branch:
            def body() -> None:
                if f.tracing:
                    f.emit(f"_tr.row({('级别 ' + row.member)!r}, {f.scope.site(row.site)})")
                f.emit(f"{target} = {f.scope.member(e.enum, row.member)}")
            return (lambda: condition(row.cond, f.at(row.site))), body
        chain(f, [level(r) for r in e.rows], lambda: _otherwise(e.otherwise, target, f, e.span, num))
    elif isinstance(e, ir.RulesE):
        def rule(row: ir.RuleRow) -> Branch:
            def body() -> None:
                if f.tracing:
                    f.emit(f"_tr.row({row.cond.text!r}, {f.scope.site(row.site)})")
                # what the row's value tests is cited from the row
                assign(row.expr, target, f.at(row.site), num)
            return (lambda: condition(row.cond, f.at(row.site))), body
        chain(f, [rule(r) for r in e.rows], lambda: _otherwise(e.otherwise, target, f, e.span, num))
    elif isinstance(e, ir.TableE):
        _table(e, target, f, num)
    elif isinstance(e, ir.NamedE):
        _named(e, target, f)
    elif isinstance(e, ir.ScheduleE):
        shares = ", ".join(f.lit(s).text for s in e.shares)
        f.emit(f"{target} = {f.rt('schedule')}({value(e.total, f)}, ({shares},))")
    else:
        f.emit(f"{target} = {value(e, f, num)}")


def _table(e: ir.TableE, target: str, f: Frame, num: bool) -> None:
    keys = []
    for k in e.keys:
        code = value(k, f)
        if not isinstance(k, (ir.Var, ir.Lit)):
            tmp = f.out.temporary()
            f.emit(f"{tmp} = {code}")
            code = Code(tmp)
        keys.append(code)

    def test(row: ir.TableRow) -> Code:
        tests = [cell(t, k, key.type, f) for t, k, key in zip(row.tests, keys, e.keys)]
        return both([t for t in tests if t is not TRUE] or [TRUE])

    if e.hit.collects:
        _collect(e, target, f, num, test)
        return

    # 按唯一 rows never overlap and 按首条 takes the first that applies: either way
    # the if/elif chain in written order
    def row_branch(row: ir.TableRow) -> Branch:
        def test_row() -> Code:
            return test(row)

        def body() -> None:
            if f.tracing:
                text = ", ".join(t.text for t in row.tests)
                f.emit(f"_tr.row({text!r}, {f.scope.site(row.site)})")
            # what the row's value tests (a condition, a range) is cited from the row
            assign(row.expr, target, f.at(row.site), num)
        return test_row, body

    chain(f, [row_branch(r) for r in e.rows],
          lambda: _otherwise(e.otherwise, target, f, e.span, num))


def _collect(e: ir.TableE, target: str, f: Frame, num: bool,
             test: Callable[[ir.TableRow], Code]) -> None:
    """按全部 / 按合计 / 按最大 / 按最小: every row that applies, in written order,
    gives an item; the list, or its sum, largest or smallest."""
    item = e.type.item if e.hit is ir.HitPolicy.COLLECT else e.type
    assert item is not None
    decimal = num or item.kind is TK.NUM
    shown = ir.Type(TK.NUM, item.unit) if decimal and item.kind is TK.COUNT else item
    out = f.out
    rows = out.temporary("_rows")
    f.emit(f"{rows}: list[{f.scope.py_type(shown)}] = []")
    for row in e.rows:
        f.emit(f"if {test(row)}:")
        out.indent += 1
        if f.tracing:
            text = ", ".join(t.text for t in row.tests)
            f.emit(f"_tr.row({text!r}, {f.scope.site(row.site)})")
        one = out.temporary()
        assign(row.expr, one, f, decimal)
        f.emit(f"{rows}.append({one})")
        out.indent -= 1
    if e.hit is ir.HitPolicy.COLLECT:
        f.emit(f"{target} = {rows}")
        return
    f.emit(f"if not {rows}:")
    out.indent += 1
    _otherwise(e.otherwise, target, f, e.span, num)
    out.indent -= 1
    f.emit("else:")
    out.indent += 1
    if e.hit is ir.HitPolicy.SUM and decimal:
        # exact, and refused past the runtime's bound, as every other sum of Decimals
        each = out.temporary("_x")
        f.emit(f"{target} = {rows}[0]")
        f.emit(f"for {each} in {rows}[1:]:")
        f.emit(f"    {target} = {f.rt('add')}({target}, {each}, {f.owner!r}, {str(e.span)!r})")
    else:
        func = {ir.HitPolicy.SUM: "sum", ir.HitPolicy.MAX: "max", ir.HitPolicy.MIN: "min"}[e.hit]
        f.emit(f"{target} = {func}({rows})")
    out.indent -= 1


def _named(e: ir.NamedE, target: str, f: Frame) -> None:
    if not f.tracing:
        op = both if e.kind is ir.Quantifier.ALL else either
        f.emit(f"{target} = {op([condition(it.cond, f.at(it.site)) for it in e.items])}")
        return
    parts = []
    lazy = f.may_fail(e.items)
    for it in e.items:
        test = condition(it.cond, f.at(it.site))
        site = f.scope.site(it.site)
        if lazy:
            parts.append(f"((lambda: {test}), {it.name!r}, {it.label!r}, {site})")
        else:
            parts.append(f"_tr.named({test}, {it.name!r}, {it.label!r}, {site})")
    joined = ", ".join(parts)
    if lazy:
        # each item as a function: the tracer shows them all, yet evaluates the ones
        # after the answer is decided only as far as they can be, as the decision does
        # not evaluate them at all
        f.emit(f"{target} = _tr.named_{e.kind.value}(({joined},))")
    else:
        f.emit(f"{target} = {e.kind.value}(({joined},))")


def chain(f: Frame, branches: list[Branch], otherwise: Callable[[], None]) -> None:
    """if/elif/else over `branches`, then `otherwise` when none holds.

    CPython nests each elif inside the one before, so a chain of thousands of rows
    overflows its parser; long chains are cut into flat runs of CHAIN_RUN branches
    linked by a "missed" flag."""
    if not branches:
        otherwise()
        return
    out = f.out
    runs = [branches[i:i + CHAIN_RUN] for i in range(0, len(branches), CHAIN_RUN)]
    flag = out.temporary("_missed") if len(runs) > 1 else ""
    if flag:
        f.emit(f"{flag} = False")
    for n, run in enumerate(runs):
        if n:
            f.emit(f"if {flag}:")
            out.indent += 1
            f.emit(f"{flag} = False")
        for i, (tests, lines) in enumerate(_merged(f, run)):
            f.emit(f"{'if' if i == 0 else 'elif'} {either(tests)}:")
            out.lines.extend(lines)
        f.emit("else:")
        out.indent += 1
        if n < len(runs) - 1:
            f.emit(f"{flag} = True")
        else:
            otherwise()
        out.indent -= 1
        if n:
            out.indent -= 1


def _merged(f: Frame, run: list[Branch]) -> list[tuple[list[Code], list[str]]]:
    """Each branch's test and body lines; neighbours whose bodies are the same code are
    merged into one branch (`if a or b:`), as a reader would write it."""
    out = f.out
    merged: list[tuple[list[Code], list[str]]] = []
    for test, body in run:
        code = test()
        mark = len(out.lines)
        out.indent += 1
        body()
        out.indent -= 1
        lines = out.lines[mark:]
        del out.lines[mark:]
        if merged and merged[-1][1] == lines:
            merged[-1][0].append(code)
        else:
            merged.append(([code], lines))
    return merged


def _otherwise(other: ir.Otherwise | None, target: str, f: Frame, span: Span,
               num: bool) -> None:
    if other is not None:
        if f.tracing:
            f.emit(f"_tr.row('否则', {f.scope.site(other.site)})")
        assign(other.expr, target, f, num)
    else:
        # the inputs inline, at the one place that needs them: no per-call closure
        f.emit(f"raise {f.rt('NoRuleApplies')}({f.owner!r}, {str(span)!r}, {f.args})")


def cell(t: ir.Test, key: Code, ktype: ir.Type, f: Frame) -> Code:
    """The test of one cell of a table row on its key."""
    if t.kind is ir.MatchKind.ANY:
        return TRUE
    if t.kind is ir.MatchKind.EQ:
        if ktype.kind is TK.ENUM:
            return compare(key, "is", f.scope.member(ktype.enum, t.value))
        if ktype.kind is TK.BOOL:
            return key if t.value else negate(key)
        return compare(key, "==", f.lit(t.value))
    lo_op = "<=" if t.lo_closed else "<"
    hi_op = "<=" if t.hi_closed else "<"
    if t.lo is not None and t.hi is not None:
        return chained(f.lit(t.lo), lo_op, key, hi_op, f.lit(t.hi))
    if t.lo is not None:
        return compare(f.lit(t.lo), lo_op, key)
    if t.hi is not None:
        return compare(key, hi_op, f.lit(t.hi))
    return TRUE


def condition(c: ir.Cond, f: Frame) -> Code:
    if isinstance(c, ir.Compare):
        left, right = value(c.left, f), value(c.right, f)
        op = c.op.value
        if isinstance(c.right, ir.EnumVal):
            op = "is" if c.op is ir.CompareOp.EQ else "is not"
        test = compare(left, op, right)
        if not f.tracing:
            return test
        subject = c.left.name if isinstance(c.left, ir.Var) else c.text
        return call("_tr.cond", test, repr(c.text), f.scope.site(f.site),
                    f"({subject!r}, {left})")
    if isinstance(c, ir.BoolC) and isinstance(c.expr, ir.InRangeE) and f.tracing:
        # the value and the range it was tested against, both shown
        x, r = value(c.expr.value, f), value(c.expr.range, f)
        subject = c.expr.value.name if isinstance(c.expr.value, ir.Var) else c.text
        return call("_tr.cond", compare(x, "in", r), repr(c.text), f.scope.site(f.site),
                    f"({subject!r}, {x})", f"('范围', {r})")
    if isinstance(c, ir.BoolC):
        v = value(c.expr, f)
        if not f.tracing:
            return v
        return call("_tr.cond", call("bool", v), repr(c.text), f.scope.site(f.site))
    if isinstance(c, ir.NotC):
        return negate(condition(c.cond, f))
    if isinstance(c, ir.AndC):
        if not f.tracing and (ranged := _range(c, f)) is not None:
            return ranged
        # an explanation lists every part (eagerly) when none can raise; otherwise it
        # evaluates what the decision evaluates, so it fails only where that fails
        parts = [condition(i, f) for i in c.items]
        if f.tracing and not f.may_fail(c.items):
            return call("all", f"({', '.join(p.text for p in parts)},)")
        return both(parts)
    if isinstance(c, ir.OrC):
        parts = [condition(i, f) for i in c.items]
        if f.tracing and not f.may_fail(c.items):
            return call("any", f"({', '.join(p.text for p in parts)},)")
        return either(parts)
    raise AssertionError(c)


def _range(c: ir.AndC, f: Frame) -> Code | None:
    """A range on one subject reads best chained: 300 <= x < 400."""
    if len(c.items) != 2:
        return None
    a, b = c.items
    C = ir.CompareOp
    if not (isinstance(a, ir.Compare) and isinstance(b, ir.Compare) and a.left == b.left
            and a.op in (C.GT, C.GE) and b.op in (C.LT, C.LE)):
        return None
    subject = value(a.left, f)
    lo_op = "<" if a.op is C.GT else "<="
    return chained(value(a.right, f), lo_op, subject, b.op.value, value(b.right, f))
