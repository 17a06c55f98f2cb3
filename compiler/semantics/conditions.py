"""Conditions and threshold words: what 400人以上, 低于 3946元, （含）, [1, 5) and 为 mean.

The one place that decides which number a threshold word includes: the word's meaning
in law (民法典 第一千二百五十九条, `vocabulary.THRESHOLD`), overridden by the document's 约定
and then by a （含）/（不含） mark (`comparison`).  The rules of placement are checked here
too: a word written on the wrong side of its number (E302), a range whose two ends point
the same way (E303), two words that disagree on their number without a mark (E304).
Conditions lower to `ir.Cond`; a table's patterns lower to `ir.Test`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Span
from polc.compiler.ir import CompareOp as C
from polc.compiler.ir import TypeKind as TK
from polc.compiler.syntax import ast as A

from . import expressions
from . import types_and_units as T
from .context import Context, Env, clause_parts, suggest


def open_end(cx: Context, word: str, mark: str | None, span: Span,
             clause: str | None) -> tuple[bool, str] | None:
    """A one-ended range's end (5000元以上, 20万元以下), in a rule or an example: whether
    it is included, and the note naming the 约定 that decided it; E239 for a word that is
    written before its number (不超过 5000元), which cannot stand alone."""
    info = V.THRESHOLD.get(word)
    if info is None or not info.after_number:
        cx.d.error("E239", f"{word!r} 不能单独作为一端开放的范围（应为 5000元以上 或 20万元以下）",
                   span, hint="a one-ended range is a number followed by 以上 or 以下 (or "
                              "another word written after its number)")
        return None
    how = comparison(cx, word, None, mark, span, clause)
    if how is None:
        return None
    return how[0] in (ir.CompareOp.GE, ir.CompareOp.LE), how[1]


def comparison(cx: Context, word: str, mark_before: str | None, mark_after: str | None,
               span: Span, clause: str | None = None) -> tuple[ir.CompareOp, str] | None:
    """The comparison a threshold word makes at a rule cited from `clause`, and a note
    naming the 约定 that decided it ("" when the document scopes none for the word).

    A mark （含）/（不含） decides first; then the innermost 约定 … 适用于 whose clause
    contains `clause`; then the document's 约定; then 民法典 第一千二百五十九条.  In a
    document that scopes a 约定 for the word, a use outside every scope that no other
    约定 or mark decides is W310: the law's meaning may not be what the text intends."""
    info = V.THRESHOLD.get(word)
    if info is None:
        cx.d.error("E301", f"未知的门槛词 {word!r}", span,
                   hint="known: " + "、".join(sorted(V.THRESHOLD)))
        return None
    direction, include = info.direction, info.includes
    marks = [m for m in (mark_before, mark_after) if m is not None]
    scopes = [s for s in cx.symbols.scoped if s.word == word]
    note = ""
    if marks:
        include = V.INCLUSION_MARKS[marks[-1]]
    else:
        parts = clause_parts(clause) if clause is not None else None
        inner = max((s for s in scopes if parts is not None and parts[:len(s.parts)] == s.parts),
                    key=lambda s: len(s.parts), default=None)
        if inner is not None:
            include = inner.include
            note = f"（{word} {_inclusion(include)}，依 {inner.clause} 的约定）"
        elif word in cx.symbols.conventions:
            include = cx.symbols.conventions[word]
            note = f"（{word} {_inclusion(include)}，依全文的约定）" if scopes else ""
        elif scopes:
            note = f"（{word} {_inclusion(include)}，依民法典 第一千二百五十九条）"
            where = "、".join(s.clause for s in scopes)
            cx.d.warning("W310", f"{word} 在此处（{clause or '未引条款'}）不在任何 约定 {word} "
                         f"的适用范围（{where}）内：按民法典 第一千二百五十九条 理解为 "
                         f"{_inclusion(include)}", span,
                         related=[(s.span, f"约定 {word} 适用于 {s.clause}") for s in scopes],
                         hint=f"if that is what the text means, say so with a 约定 {word} … "
                              f"适用于 this clause or a mark （含）/（不含）; else cite the "
                              "clause the rule comes from")
    if direction is V.Direction.LOWER:
        return (C.GE if include else C.GT), note
    return (C.LE if include else C.LT), note


def _inclusion(include: bool) -> str:
    return next(w for w, inc in V.CONVENTION_INCLUSION.items() if inc == include)


def lower(cx: Context, c: A.Cond, env: Env) -> ir.Cond | None:
    result: ir.Cond | None = CONDITIONS[type(c)](cx, c, env)
    return result


def _truth(cx: Context, c: A.Truth, env: Env) -> ir.Cond | None:
    text = cx.quote(c.span)
    e = expressions.lower(cx, c.expr, env)
    if e is None or not T.present(e, "条件", cx.d):
        return None
    if e.type.kind is not TK.BOOL:
        cx.d.error("E213", f"条件须为 是否 类型，{text!r} 是 {e.type.show()}", c.span,
                   hint="compare it: x 400人以上, x >= 3, x 为 member")
        return None
    return ir.BoolC(e, text, c.span)


def _not(cx: Context, c: A.Not, env: Env) -> ir.Cond | None:
    inner = lower(cx, c.cond, env)
    return None if inner is None else ir.NotC(inner, cx.quote(c.span), c.span)


def _and_or(cx: Context, c: A.And | A.Or, env: Env) -> ir.Cond | None:
    items = [lower(cx, i, env) for i in c.items]
    if any(i is None for i in items):
        return None
    flat: list[ir.Cond] = []
    cls = ir.AndC if isinstance(c, A.And) else ir.OrC
    for i in items:
        if isinstance(i, cls):
            flat.extend(i.items)
        elif i is not None:
            flat.append(i)
    return cls(tuple(flat), cx.quote(c.span), c.span)


def _post_compare(cx: Context, c: A.PostCompare, env: Env) -> ir.Cond | None:
    """`n 300人以上400人以下`: the words after their numbers."""
    subj = expressions.lower(cx, c.subject, env)
    if subj is None:
        return None
    parts: list[ir.Cond] = []
    for b in c.bounds:
        if not (b.word in V.THRESHOLD and V.THRESHOLD[b.word].after_number):
            cx.d.error("E302", f"{b.word!r} 应写在数字之前（如 低于 3946元），"
                       "数字之后只用 以上、以下、以内 等", b.span)
            return None
        how = comparison(cx, b.word, b.mark_before, b.mark_after, b.span, env.site.clause)
        rhs = T.quantity(b.quantity, cx.d, cx.symbols.units)
        if how is None or not T.comparable(subj, rhs, b.span, cx.d):
            return None
        op, note = how
        note += T.converted(b.quantity, cx.symbols.units)
        parts.append(ir.Compare(subj, op, rhs, cx.quote(c.subject.span) + " " +
                                cx.quote(b.span) + note, b.span))
    text = cx.quote(c.span)
    if len(parts) == 2:
        ops = {p.op.value[0] for p in parts if isinstance(p, ir.Compare)}
        if ops != {"<", ">"}:
            cx.d.error("E303", "区间的两端须一上一下（如 300人以上400人以下）", c.span)
            return None
        return ir.AndC(tuple(parts), text, c.span)
    return parts[0]


def _pre_compare(cx: Context, c: A.PreCompare, env: Env) -> ir.Cond | None:
    """`n 超过 20亿元`, `n 超过 20亿元 以上（不含）`: the word before its number."""
    subj = expressions.lower(cx, c.subject, env)
    # the subject's type lets a bare member name stand on the right (grade 高于 larger)
    rhs = expressions.lower(cx, c.rhs, env, subj.type if subj is not None else None)
    if subj is None or rhs is None:
        return None
    if c.word in V.THRESHOLD and V.THRESHOLD[c.word].after_number:
        cx.d.error("E302", f"{c.word!r} 应写在数字之后（如 400人以上）", c.span)
        return None
    if c.word_after is not None:
        d1 = V.THRESHOLD.get(c.word)
        d2 = V.THRESHOLD.get(c.word_after)
        if d1 and d2 and d1.direction != d2.direction:
            cx.d.error("E303", f"{c.word} 与 {c.word_after} 方向相反", c.span)
            return None
        if d1 and d2 and d1.includes != d2.includes and c.mark is None:
            cx.d.error("E304", f"{c.word}…{c.word_after}：两个门槛词对是否包含本数的约定"
                       "相反，须以（含）或（不含）写明", c.span,
                       hint="add （含） or （不含） and a 解读 saying why")
            return None
    how = comparison(cx, c.word, None, c.mark, c.span, env.site.clause)
    if how is None:
        return None
    op, note = how
    if subj.type.kind is TK.ENUM:
        return ordered(cx, subj, op, rhs, cx.quote(c.span), c.span)
    if not T.comparable(subj, rhs, c.span, cx.d):
        return None
    note += T.converted(c.rhs, cx.symbols.units)
    return ir.Compare(subj, op, rhs, cx.quote(c.span) + note, c.span)


def _member_bound(cx: Context, c: A.MemberBound, env: Env) -> ir.Cond | None:
    """`grade III以上`: the member and the members above it in the enum's declared order
    (以上 includes the member by 民法典 第一千二百五十九条, as it includes a number)."""
    subj = expressions.lower(cx, c.subject, env)
    if subj is None:
        return None
    if subj.type.kind is not TK.ENUM:
        cx.d.error("E203", f"{c.member}{c.word}：{cx.quote(c.subject.span)} 不是枚举"
                   f"（{subj.type.show()}），不能与成员比较", c.span,
                   hint="a number before the word needs its unit: 3人以上")
        return None
    rhs = expressions.lower(cx, A.Ref(c.member, c.member_span), env, subj.type)
    if rhs is None:
        return None
    how = comparison(cx, c.word, None, c.mark, c.span, env.site.clause)
    if how is None:
        return None
    op, note = how
    return ordered(cx, subj, op, rhs, cx.quote(c.span) + note, c.span)


def _cmp(cx: Context, c: A.Cmp, env: Env) -> ir.Cond | None:
    left = expressions.lower(cx, c.left, env)
    right = expressions.lower(cx, c.right, env, left.type if left is not None else None)
    if left is None or right is None:
        return None
    op = C(c.op)
    text = cx.quote(c.span)
    if op in (C.EQ, C.NE) and left.type.kind in (TK.ENUM, TK.BOOL, TK.ROLE):
        if left.type.kind != right.type.kind or left.type.enum != right.type.enum:
            cx.d.error("E203", f"比较两边类型不同：{left.type.show()} 与 "
                       f"{right.type.show()}", c.span)
            return None
        return ir.Compare(left, op, right, text, c.span)
    if left.type.kind is TK.ENUM:
        return ordered(cx, left, op, right, text, c.span)
    if not T.comparable(left, right, c.span, cx.d):
        return None
    return ir.Compare(left, op, right, text, c.span)


def ordered(cx: Context, left: ir.Expr, op: C, right: ir.Expr, text: str, span: Span
            ) -> ir.Cond | None:
    """`grade 高于 larger`, `level >= city`: members of an ordered enum compared in its
    declared order (higher = more severe, or nearer the top).

    Lowered to the members that satisfy it (`grade 为 I 或 grade 为 II`), which the
    analysis boxes and the code tests as any 为; two values neither of which is a member
    are compared member by member of the left."""
    if right.type.kind is not TK.ENUM or right.type.enum != left.type.enum:
        cx.d.error("E203", f"比较两边类型不同：{left.type.show()} 与 {right.type.show()}", span)
        return None
    if not (T.present(left, "比较的左边", cx.d) and T.present(right, "比较的右边", cx.d)):
        return None
    assert left.type.enum is not None
    enum = cx.symbols.enums[left.type.enum]
    if enum.high_first is None:
        cx.d.error("E240", f"枚举 {enum.name} 未声明顺序，不能比较高低", span,
                   hint=f"declare its order: 枚举 {enum.name} \"{enum.label}\" 由重到轻 {{…}} "
                        "(or 由轻到重 / 由高到低 / 由低到高), or compare with 为 / ==")
        return None
    members = enum.severest_first
    holds = _ORDER_TESTS[op]

    def member(e: ir.Expr, m: str) -> ir.Cond:
        # an explanation shows which member made the comparison hold
        shown = f"{text}（{cx.quote(e.span)} 为 {m}）"
        return ir.Compare(e, C.EQ, ir.EnumVal(enum.name, m, e.type, span), shown, span)

    def either(items: list[ir.Cond]) -> ir.Cond:
        if not items:
            return ir.BoolC(ir.Lit(False, ir.BOOL, span), text, span)
        return items[0] if len(items) == 1 else ir.OrC(tuple(items), text, span)

    if isinstance(right, ir.EnumVal):
        r = enum.rank(right.member)
        return either([member(left, m) for m in members if holds(enum.rank(m), r)])
    if isinstance(left, ir.EnumVal):
        r = enum.rank(left.member)
        return either([member(right, m) for m in members if holds(r, enum.rank(m))])
    pairs: list[ir.Cond] = []
    for a in members:
        above = [member(right, b) for b in members if holds(enum.rank(a), enum.rank(b))]
        if above:
            pairs.append(ir.AndC((member(left, a), either(above)), text, span))
    return either(pairs)


_ORDER_TESTS: dict[C, Callable[[int, int], bool]] = {
    C.GT: lambda a, b: a > b, C.GE: lambda a, b: a >= b, C.LT: lambda a, b: a < b,
    C.LE: lambda a, b: a <= b, C.EQ: lambda a, b: a == b, C.NE: lambda a, b: a != b}


def _in_interval(cx: Context, c: A.InInterval, env: Env) -> ir.Cond | None:
    subj = expressions.lower(cx, c.subject, env)
    if subj is None or not T.present(subj, "比较的值", cx.d):
        return None
    literal = (A.Inf, A.Quantity, A.DateLit, A.DateTimeLit)
    if not (isinstance(c.interval.lo, literal) and isinstance(c.interval.hi, literal)):
        return _in_bounds(cx, c, subj, env)
    t = interval_test(cx, c.interval, subj.type, cx.quote(c.interval.span))
    if t is None:
        return None
    text = cx.quote(c.span)
    parts = []
    if t.lo is not None:
        parts.append(ir.Compare(subj, C.GE if t.lo_closed else C.GT,
                                T.scalar_lit(t.lo, subj.type, c.span), text, c.span))
    if t.hi is not None:
        parts.append(ir.Compare(subj, C.LE if t.hi_closed else C.LT,
                                T.scalar_lit(t.hi, subj.type, c.span), text, c.span))
    if not parts:
        return ir.BoolC(ir.Lit(True, ir.BOOL, c.span), text, c.span)
    return parts[0] if len(parts) == 1 else ir.AndC(tuple(parts), text, c.span)


def _in_bounds(cx: Context, c: A.InInterval, subj: ir.Expr, env: Env) -> ir.Cond | None:
    """`x 在 [income × 40%, income × 80%]`: an interval whose ends are expressions is
    its comparisons, as `x 在 income × 40% 至 income × 80%` is."""
    iv = c.interval
    text = cx.quote(c.span)
    parts: list[ir.Cond] = []
    for end, lower_end, closed in ((iv.lo, True, iv.lo_closed), (iv.hi, False, iv.hi_closed)):
        if isinstance(end, A.Inf):
            continue
        e = expressions.lower(cx, end, env)
        if e is None or not T.comparable(subj, e, c.span, cx.d):
            return None
        op = (C.GE if closed else C.GT) if lower_end else (C.LE if closed else C.LT)
        parts.append(ir.Compare(subj, op, e, text, c.span))
    return parts[0] if len(parts) == 1 else ir.AndC(tuple(parts), text, c.span)


def _is_member(cx: Context, c: A.IsMember, env: Env) -> ir.Cond | None:
    subj = expressions.lower(cx, c.subject, env)
    if subj is None:
        return None
    if subj.type.kind is not TK.ENUM or not subj.type.enum:
        cx.d.error("E210", f"为 只用于枚举，此处是 {subj.type.show()}", c.span)
        return None
    enum = cx.symbols.enums[subj.type.enum]
    if not enum.has(c.member):
        cx.d.error("E208", f"{c.member!r} 不是枚举 {enum.name} 的成员", c.span,
                   hint=suggest(c.member, [m for m, _ in enum.members]))
        return None
    return ir.Compare(subj, C.EQ, ir.EnumVal(enum.name, c.member, subj.type, c.span),
                      cx.quote(c.span), c.span)


def _in_value(cx: Context, c: A.InValue, env: Env) -> ir.Cond | None:
    """`fine 在 fine_range`: a number in a range value.  A range written out here
    (`x 在 income × 40% 至 income × 80%`) is its two comparisons, which the analysis reads
    as any; a range value from a local, a 取 or a table is tested whole."""
    subj = expressions.lower(cx, c.subject, env)
    r = expressions.lower(cx, c.range, env)
    if subj is None or r is None:
        return None
    if not (T.present(subj, "比较的值", cx.d) and T.present(r, "范围", cx.d)):
        return None
    if r.type.kind is not TK.RANGE or r.type.item is None:
        cx.d.error("E235", f"在 的右边须为范围（或 [a, b]、a 至 b），此处是 {r.type.show()}",
                   c.span, hint="fine 在 fine_range, where fine_range is a 范围 decision or "
                                "local; x 在 [1, 5)")
        return None
    if not subj.type.numeric:
        cx.d.error("E235", f"只有数量能在范围中，此处是 {subj.type.show()}", c.span)
        return None
    if not T.unify_units(subj.type, r.type.item, c.span, "范围", cx.d):
        return None
    text = cx.quote(c.span)
    if isinstance(r, ir.RangeE):
        # an open end (5000元以上) tests nothing on its side
        tests: list[ir.Cond] = []
        if r.lo is not None:
            tests.append(ir.Compare(subj, C.GE if r.lo_closed else C.GT, r.lo,
                                    f"{text}（下限 {r.text}）", c.span))
        if r.hi is not None:
            tests.append(ir.Compare(subj, C.LE if r.hi_closed else C.LT, r.hi,
                                    f"{text}（上限 {r.text}）", c.span))
        return tests[0] if len(tests) == 1 else ir.AndC(tuple(tests), text, c.span)
    return ir.BoolC(ir.InRangeE(subj, r, ir.BOOL, c.span), text, c.span)


# AST condition class -> its lowering: every member of A.Cond (tests/semantics)
CONDITIONS: dict[type, Callable[[Context, Any, Env], ir.Cond | None]] = {
    A.Truth: _truth,
    A.Not: _not,
    A.And: _and_or,
    A.Or: _and_or,
    A.PostCompare: _post_compare,
    A.PreCompare: _pre_compare,
    A.Cmp: _cmp,
    A.InInterval: _in_interval,
    A.IsMember: _is_member,
    A.MemberBound: _member_bound,
    A.InValue: _in_value,
}


# ------------------------------------------------------------ intervals and patterns
def interval_test(cx: Context, iv: A.Interval, key: ir.Type, text: str) -> ir.Test | None:
    if not (key.numeric or key.kind in (TK.DATE, TK.DATETIME)):
        cx.d.error("E210", f"区间不能匹配 {key.show()} 类型的键", iv.span)
        return None
    lo, lo_closed = T.bound_value(iv.lo, key, iv.lo_closed, cx.source, cx.d,
                                  cx.symbols.units)
    hi, hi_closed = T.bound_value(iv.hi, key, iv.hi_closed, cx.source, cx.d,
                                  cx.symbols.units)
    if T.empty(lo, lo_closed, hi, hi_closed):
        cx.d.error("E211", f"区间 {text} 是空的", iv.span)
        return None
    return ir.Test(ir.MatchKind.INTERVAL, lo=lo, lo_closed=lo_closed, hi=hi, hi_closed=hi_closed,
                   text=text)


def pattern(cx: Context, p: A.Pattern, key: ir.Type, clause: str | None = None
            ) -> ir.Test | None:
    """A 查表 row's test of one key."""
    text = cx.quote(p.span)
    if isinstance(p, A.AnyPat):
        return ir.Test(ir.MatchKind.ANY, text="*")
    if isinstance(p, A.NamePat):
        if key.kind is not TK.ENUM or key.enum is None:
            cx.d.error("E210", f"{p.name!r} 是名称，但此键的类型是 {key.show()}", p.span)
            return None
        enum = cx.symbols.enums[key.enum]
        if not enum.has(p.name):
            cx.d.error("E208", f"{p.name!r} 不是枚举 {key.enum} 的成员", p.span,
                       hint=suggest(p.name, [m for m, _ in enum.members]))
            return None
        return ir.Test(ir.MatchKind.EQ, value=p.name, text=text)
    if isinstance(p, A.BoolPat):
        if key.kind is not TK.BOOL:
            cx.d.error("E210", f"是/否 只能匹配 是否 类型的键，此键是 {key.show()}", p.span)
            return None
        return ir.Test(ir.MatchKind.EQ, value=p.value, text=text)
    if isinstance(p, A.EqPat):
        if isinstance(p.value, A.DateLit):
            if key.kind is not TK.DATE:
                cx.d.error("E210", f"日期不能匹配 {key.show()} 类型的键", p.span)
                return None
            return ir.Test(ir.MatchKind.EQ, value=T.date(p.value.text, p.span, cx.d), text=text)
        lit = T.quantity(p.value, cx.d, cx.symbols.units)
        if not key.numeric:
            cx.d.error("E210", f"数量不能匹配 {key.show()} 类型的键", p.span)
            return None
        if p.value.unit is not None:
            T.unify_units(key, lit.type, p.span, "表的条件", cx.d)
        return ir.Test(ir.MatchKind.EQ, value=lit.value, text=text)
    if isinstance(p, A.BoundPat):
        if not key.numeric:
            cx.d.error("E210", f"门槛不能匹配 {key.show()} 类型的键", p.span)
            return None
        lit = T.quantity(p.quantity, cx.d, cx.symbols.units)
        if p.quantity.unit is not None:
            T.unify_units(key, lit.type, p.span, "表的条件", cx.d)
        how = comparison(cx, p.word, None, p.mark, p.span, clause)
        if how is None:
            return None
        op, note = how
        text += note + T.converted(p.quantity, cx.symbols.units)
        if op in (C.GT, C.GE):
            return ir.Test(ir.MatchKind.INTERVAL, lo=lit.value, lo_closed=op is C.GE, hi=None,
                           hi_closed=False, text=text)
        return ir.Test(ir.MatchKind.INTERVAL, lo=None, lo_closed=False, hi=lit.value,
                       hi_closed=op is C.LE, text=text)
    assert isinstance(p, A.Interval)
    return interval_test(cx, p, key, text)
