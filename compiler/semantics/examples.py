"""Lowering of examples (例): a worked case's inputs and expected result as typed values.

An example is a test the notice's reader can check by hand, so its values are read with
the rules of the inputs they give: each input of the decision named once (E113, E114,
E120), each value of its input's type and unit (E201, E203, E204, E208), the expected
result of the decision's type, or 拒绝 (ir.REJECTED).  Running the examples is a tool's
job (`tools/examples.py`); this module only says what they state.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import describe
from polc.compiler.syntax import ast as A
from polc.runtime import Range

from . import conditions
from . import types_and_units as T
from .context import Context, suggest
from .sites import site


def example(cx: Context, ex: A.Example) -> ir.Example | None:
    dec = cx.decisions.get(ex.decision)
    if dec is None:
        if ex.decision not in cx.symbols.decisions:
            cx.d.error("E111", f"例 引用了未定义的决策 {ex.decision!r}", ex.span,
                       hint=suggest(ex.decision, cx.symbols.decisions))
        return None
    args: list[tuple[str, ir.Scalar]] = []
    ok = True
    given: dict[str, Span] = {}
    for name, value, span in ex.args:
        if name not in dec.params:
            cx.d.error("E113", f"决策 {dec.name} 没有输入 {name!r}", span,
                       hint=suggest(name, dec.params))
            ok = False
            continue
        if name in given:
            cx.d.error("E120", f"例 重复给出输入 {name!r}", span,
                       related=[(given[name], "first given here")])
            ok = False
            continue
        given[name] = span
        args.append((name, _value(cx, value, cx.symbols.inputs[name].type, f"输入 {name}")))
    # a 拒绝 example names every input too: what it expects refused is a value,
    # never a missing argument (the decision's function cannot be called without one)
    missing = [p for p in dec.params if p not in given]
    if missing:
        cx.d.error("E114", f"例 缺少输入 {', '.join(missing)}", ex.span)
        ok = False
    if ex.expected.kind == "rejected":
        expected: object = ir.REJECTED
    else:
        # a range's words read as at the rule: the example's clause, else the decision's
        clause = site(ex.annot, ex.span).clause or dec.result_site.clause or dec.site.clause
        expected = _value(cx, ex.expected, dec.type, "期望结果", clause)
    return ir.Example(dec.name, tuple(args), expected, site(ex.annot, ex.span)) if ok else None


def _value(cx: Context, v: A.Value, typ: ir.Type, what: str, clause: str | None = None
           ) -> object:
    d = cx.d
    if v.kind == "null":
        if not typ.nullable:
            d.error("E201", f"{what} 不能为 无", v.span)
        return None
    if typ.kind is TK.RANGE and typ.item is not None:
        return _range(cx, v, typ.item, what, clause)
    if typ.kind is TK.LIST:
        if v.kind != "list" or typ.item is None:
            d.error("E203", f"{what} 须为列表 [ … ]", v.span)
            return None
        return [_value(cx, i, typ.item, what) for i in v.items]
    if typ.numeric:
        if v.kind != "quantity":
            d.error("E203", f"{what} 须为数量，实际为 {v.text!r}", v.span)
            return None
        try:
            value, unit = T.number(A.Quantity(v.text.lstrip("-"), v.unit, v.span), d,
                                   cx.symbols.units)
        except (InvalidOperation, KeyError):
            d.error("E203", f"{what} 无效数量 {v.text}", v.span)
            return None
        if v.text.startswith("-"):
            value = value.copy_negate()
        if v.unit is not None and unit != typ.unit and T.known(unit, typ.unit):
            d.error("E204", f"{what} 单位不符：期望 {describe(typ.unit)}，实际 {v.unit}",
                    v.span)
        if typ.kind is TK.COUNT and value == value.to_integral_value():
            return int(value)
        return value
    if typ.kind is TK.DATE:
        if v.kind != "date":
            d.error("E203", f"{what} 须为日期 YYYY-MM-DD", v.span)
            return None
        return T.date(v.text, v.span, d)
    if typ.kind is TK.DATETIME:
        if v.kind != "datetime":
            d.error("E203", f"{what} 须为时刻 YYYY-MM-DDTHH:MM", v.span)
            return None
        return T.datetime(v.text, v.span, d)
    if typ.kind is TK.BOOL:
        if v.kind != "bool":
            d.error("E203", f"{what} 须为 是 或 否", v.span)
            return None
        return V.BOOLEANS[v.text]
    if typ.kind is TK.ENUM:
        assert typ.enum is not None
        enum = cx.symbols.enums[typ.enum]
        if v.kind != "name" or not enum.has(v.text):
            d.error("E208", f"{what}: {v.text!r} 不是枚举 {typ.enum} 的成员", v.span,
                    hint=suggest(v.text, [m for m, _ in enum.members]))
            return None
        return v.text
    if typ.kind is TK.ROLE:
        if v.kind == "string":
            return v.text
        if v.kind == "name" and v.text in cx.symbols.roles:
            return cx.symbols.roles[v.text].title
        d.error("E203", f"{what} 须为角色（\"区政府主要领导\" 或角色名）", v.span)
        return None
    d.error("E203", f"{what}: 不支持的值", v.span)
    return None


def _range(cx: Context, v: A.Value, item: ir.Type, what: str, clause: str | None) -> object:
    """`=> 10万元以上20万元以下`, `=> 2000元 至 5000元（不含）`: the range the example
    expects, its words read as the decision's rule reads them (约定 and marks)."""
    if v.kind == "range_open":
        return _open_range(cx, v, item, what, clause)
    if v.kind != "range":
        cx.d.error("E203", f"{what} 须为范围（如 10万元以上20万元以下、2000元 至 5000元）",
                   v.span)
        return None
    lo_word, lo_mark, hi_word, hi_mark = v.text.split("|")
    lo, hi = (_value(cx, end, item, what) for end in v.items)
    if not (isinstance(lo, (int, Decimal)) and isinstance(hi, (int, Decimal))):
        return None
    closed = []
    for word, mark, want in ((lo_word, lo_mark, V.Direction.LOWER),
                             (hi_word, hi_mark, V.Direction.UPPER)):
        if not word:
            closed.append(not mark or V.INCLUSION_MARKS[mark])
            continue
        info = V.THRESHOLD.get(word)
        if info is not None and info.direction is not want:
            cx.d.error("E303", "范围的两端须一上一下，下限在前（如 10万元以上20万元以下）",
                       v.span)
            return None
        how = conditions.comparison(cx, word, None, None, v.span, clause)
        if how is None:
            return None
        closed.append(how[0] in (ir.CompareOp.GE, ir.CompareOp.LE))
    if T.empty(lo, closed[0], hi, closed[1]):
        cx.d.error("E233", f"{what} 的范围是空的", v.span)
        return None
    # a range's ends are Decimals, as the generated code makes them
    return Range(Decimal(lo), Decimal(hi), closed[0], closed[1])


def _open_range(cx: Context, v: A.Value, item: ir.Type, what: str, clause: str | None
                ) -> object:
    """`=> 5000元以上`, `=> 20万元以下`: a one-ended range, its other end open (None)."""
    word = v.text
    how = conditions.open_end(cx, word, None, v.span, clause)
    if how is None:
        return None
    end = _value(cx, v.items[0], item, what)
    if not isinstance(end, (int, Decimal)):
        return None
    closed = how[0]
    if V.THRESHOLD[word].direction is V.Direction.UPPER:
        return Range(None, Decimal(end), True, closed)
    return Range(Decimal(end), None, closed, True)
