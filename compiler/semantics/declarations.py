"""The declaration pass: every name the file declares, into `Symbols`, built once.

Runs before anything is lowered, because any expression may name any input, enum member
or role, and a decision may take (取) a decision declared below it.  It reads the file
header (E402, E105), the conventions that fix what a threshold word includes (E301,
E117), the enums, roles, bodies and inputs (their types and 取值 ranges: E106, E211), and
which declaration holds each name (E101); constants and decisions are only registered
here, and the decisions put in dependency order (cycles E107, chains too deep E121).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import Declared, UnknownUnit, parse_unit, show_number
from polc.compiler.syntax import ast as A

from . import types_and_units as T
from .context import ScopedConvention, Source, Symbols, clause_parts
from .sites import site

# 取 chains between decisions are at most this deep: far beyond any notice, and well
# within Python's call stack, which evaluation uses (one frame a decision)
MAX_CALL_DEPTH = 64


class _Names:
    """Which declaration holds each (namespace, name): the first; a later one is E101."""

    def __init__(self, diags: Diagnostics) -> None:
        self.d = diags
        self.seen: dict[tuple[str, str], Span] = {}

    def unique(self, ns: str, name: str, span: Span) -> bool:
        key = (ns, name)
        if key in self.seen:
            self.d.error("E101", f"重复定义 {name!r}", span,
                         related=[(self.seen[key], "first defined here")])
            return False
        self.seen[key] = span
        return True


def declare(module: A.Module, source: Source, d: Diagnostics) -> Symbols:
    items = module.items
    headers = _headers(module, d)
    units = _units(items, d)
    conventions, convention_sites, scoped = _conventions(items, d)
    names = _Names(d)
    enums: dict[str, ir.EnumDef] = {}
    members: dict[str, list[str]] = {}
    roles: dict[str, ir.RoleDef] = {}
    bodies: dict[str, ir.Body] = {}
    for it in items:
        if isinstance(it, A.EnumDecl):
            if not names.unique("type", it.name, it.span):
                continue
            listed: dict[str, str] = {}  # member -> label
            for m in it.members:
                if m.name in listed:
                    d.error("E101", f"枚举 {it.name} 的成员 {m.name!r} 重复", m.span)
                    continue
                listed[m.name] = m.label
                members.setdefault(m.name, []).append(it.name)
            high_first = None if it.order is None else V.ENUM_ORDERS[it.order]
            enums[it.name] = ir.EnumDef(it.name, it.label, tuple(listed.items()),
                                        site(it.annot, it.span), high_first,
                                        _levels_bodies(it, listed))
        elif isinstance(it, A.RoleDecl):
            if names.unique("value", it.name, it.span):
                roles[it.name] = ir.RoleDef(it.name, it.label, site(it.annot, it.span))
        elif isinstance(it, A.BodyDecl) and names.unique("value", it.name, it.span):
            bodies[it.name] = ir.Body(it.name, it.label, it.aliases, ir.BodyKind.BODY,
                                      site(it.annot, it.span))
    inputs: dict[str, ir.Input] = {}
    for it in items:
        if isinstance(it, A.InputDecl) and names.unique("value", it.name, it.span):
            typ = T.type_of(it.type, enums, module.file, d, units)
            if typ is not None and typ.kind is TK.RANGE:
                # a range is what a decision answers (the fine a body may impose), not a
                # fact about a case; an input is one value
                d.error("E231", f"输入 {it.name} 不能是范围类型：范围 是决策的结果", it.span,
                        hint="declare the input as the number (金额, 计数 …) and test it "
                             "with 在 against a decision's range")
            elif typ is not None:
                inputs[it.name] = _input(it, typ, source, units, d)
    consts = tuple(it for it in items if isinstance(it, A.ConstDecl)
                   and names.unique("value", it.name, it.span))
    decisions = {it.name: it for it in items if isinstance(it, A.Decision)
                 and names.unique("decision", it.name, it.span)}
    # an enum class shares the module namespace with the decision functions, and a
    # parameter of the same name would hide the class inside a function
    for (ns, name), span in sorted(names.seen.items(), key=lambda kv: kv[1]):
        if ns != "type" and ("type", name) in names.seen:
            d.error("E101", f"名称 {name!r} 已用作枚举类型名", span,
                    related=[(names.seen[("type", name)], "the enum")])
    return Symbols(
        headers=headers, conventions=conventions, convention_sites=convention_sites,
        enums=enums, members={m: tuple(es) for m, es in members.items()}, roles=roles,
        bodies=bodies, inputs=inputs, consts=consts, decisions=decisions,
        order=tuple(_decision_order(decisions, d)), declared=dict(names.seen), scoped=scoped,
        units=units,
    )


def _headers(module: A.Module, d: Diagnostics) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    for it in module.items:
        if isinstance(it, A.Header):
            # a notice may replace or repeal several others (semantics/validity.py)
            if any(k == it.key for k, _ in headers) and it.key not in (
                    V.Header.REPLACES.value, V.Header.REPEALS.value):
                d.error("E101", f"重复的文件头 {it.key}", it.span)
            headers.append((it.key, it.value))
    if not any(k == V.Header.DOCNO.value for k, _ in headers):
        d.error("E402", "缺少 文号：每个文件须注明它编码的通知", Span(module.file, 1, 1, 1, 2),
                hint='start the file with 文号 "海政办发〔2022〕55号"')
    for k, v in headers:
        if k in (V.Header.WRITTEN.value, V.Header.EFFECTIVE.value):
            try:
                dt.date.fromisoformat(v)
            except ValueError:
                d.error("E105", f"{k} 不是有效日期: {v}", module.items[0].span)
    return tuple(headers)


def _conventions(items: tuple[A.Item, ...], d: Diagnostics
                 ) -> tuple[dict[str, bool], tuple[tuple[str, bool, ir.Site], ...],
                            tuple[ScopedConvention, ...]]:
    """What each threshold word includes by the document's 约定, the 约定 themselves, and
    those that hold in one clause (适用于)."""
    conventions: dict[str, bool] = {}
    first: dict[tuple[str, tuple[str, ...]], tuple[bool, Span]] = {}
    stated: list[tuple[str, bool, ir.Site]] = []
    scoped: list[ScopedConvention] = []
    for it in items:
        if not isinstance(it, A.Convention):
            continue
        parts = clause_parts(it.clause) if it.clause is not None else ()
        key = (it.word, parts)
        if V.THRESHOLD.get(it.word) is None:
            d.error("E301", f"未知的门槛词 {it.word!r}", it.span)
        elif key in first:
            _convention_twice(it, *first[key], d)
        else:
            first[key] = (it.include, it.span)
            if it.clause is None:
                conventions[it.word] = it.include
            else:
                scoped.append(ScopedConvention(it.word, it.include, it.clause, parts, it.span))
        stated.append((it.word, it.include, site(it.annot, it.span)))
    return conventions, tuple(stated), tuple(scoped)


def _convention_twice(it: A.Convention, before: bool, first: Span, d: Diagnostics) -> None:
    """A second 约定 for the same word: whichever won, half the file would be misread."""
    def inclusion(include: bool) -> str:
        return next(w for w, inc in V.CONVENTION_INCLUSION.items() if inc == include)
    if before == it.include:
        message = f"重复的约定：{it.word} 已经约定为 {inclusion(before)}"
    else:
        where = "一份文件里" if it.clause is None else f" {it.clause} 里"
        message = (f"约定 {it.word} {inclusion(it.include)} 与前面的约定 "
                   f"{it.word} {inclusion(before)} 矛盾：一个门槛词在{where}只有一种含义")
    d.error("E117", message, it.span, hint="keep one 约定 for each word",
            related=[(first, f"the first 约定 {it.word} is here")])


def _units(items: tuple[A.Item, ...], d: Diagnostics) -> dict[str, Declared]:
    """The policy's own units (单位), in file order: a unit is defined by those above it,
    so a definition never goes round in a circle."""
    units: dict[str, Declared] = {}
    first: dict[str, Span] = {}
    later = {it.name for it in items if isinstance(it, A.UnitDecl)}
    for it in items:
        if not isinstance(it, A.UnitDecl):
            continue
        if it.name in V.UNITS:
            dim, factor = V.UNITS[it.name]
            meaning = f"= {show_number(factor)}{dim}" if dim and factor != 1 else \
                f"单位 {dim or '纯数字'}"
            d.error("E144", f"{it.name} 已是内置单位（{meaning}），不能再声明", it.name_span,
                    hint="use the built-in unit, or give the policy's own one another name")
            continue
        if it.name in first:
            d.error("E144", f"单位 {it.name} 重复声明", it.name_span,
                    related=[(first[it.name], "first declared here")])
            continue
        first[it.name] = it.name_span
        if it.kind is not None:
            if it.kind not in (V.BasicType.COUNT.value, V.Keyword.QUANTITY.value):
                d.error("E146", f"新单位 {it.name} 的量纲须为 计数 或 数量，不能是 {it.kind}",
                        it.span, hint=f"单位 {it.name} : 计数 (counted one by one) or : 数量 "
                        f"(measured); a unit of 元, 平方米 … is 单位 {it.name} = N元")
                continue
            units[it.name] = Declared(it.name, Decimal(1), it.kind == V.BasicType.COUNT.value)
            continue
        assert it.base is not None
        unit = _unit_base(it, units, later, d)
        if unit is None:
            continue
        value, base = T.number(it.base, d, units)
        if value <= 0:
            d.error("E145", f"单位 {it.name} = {it.base.number}{it.base.unit}：一个单位须为正数",
                    it.base.span)
            continue
        (dim, _), = base.dims
        units[it.name] = Declared(dim, value)
    return units


def _unit_base(it: A.UnitDecl, units: dict[str, Declared], later: set[str],
               d: Diagnostics) -> str | None:
    """The unit word a derived unit is defined in (单位 垧 = 15亩), if it is one it can be:
    a single unit with a dimension, built in or declared above."""
    assert it.base is not None
    word = it.base.unit
    if word is None or "/" in word:
        d.error("E145", f"单位 {it.name} 须等于某个单位的数量（如 单位 {it.name} = 15亩），"
                f"而 {it.base.number}{word or ''} " + ("是纯数字" if word is None else "是复合单位"),
                it.base.span, hint="a declared unit is a multiple of one unit; write the "
                "compound where it is used (元/垧)")
        return None
    try:
        unit, _ = parse_unit(word, units)
    except UnknownUnit:
        if word in later:
            d.error("E148", f"单位 {it.name} 由 {word} 定义，而 {word} 在它之后才声明"
                    + ("（即它自己）" if word == it.name else ""), it.base.span,
                    hint="declare a unit before the units defined by it")
            return None
        T.unit_of(word, it.base.span, units, d)
        return None
    if unit.dimensionless:
        d.error("E145", f"单位 {it.name} 须等于某个单位的数量，而 {word} 是比率，不是单位",
                it.base.span, hint="a ratio (%, ‰) is not a unit of anything")
        return None
    return word


def _input(it: A.InputDecl, typ: ir.Type, source: Source, units: T.Units,
           d: Diagnostics) -> ir.Input:
    lo: ir.Scalar = None
    hi: ir.Scalar = None
    lo_closed = hi_closed = True
    if typ.numeric:
        lo = 0  # counts, money, areas and ratios are never negative unless 取值 says so
    if it.domain is not None:
        if not (typ.numeric or typ.kind in (TK.DATE, TK.DATETIME)):
            d.error("E106", f"类型 {typ.show()} 不能限定取值范围", it.domain.span)
        else:
            lo, lo_closed = T.bound_value(it.domain.lo, typ, it.domain.lo_closed, source, d,
                                          units)
            hi, hi_closed = T.bound_value(it.domain.hi, typ, it.domain.hi_closed, source, d,
                                          units)
            if T.empty(lo, lo_closed, hi, hi_closed):
                d.error("E211", f"取值范围 {source.quote(it.domain.span)} 是空的："
                        "没有一个输入能落在其中", it.domain.span,
                        hint="the lower bound comes first" if lo > hi  # type: ignore[operator]
                        else "one value is a range closed at both ends: [1人, 1人]")
    return ir.Input(it.name, it.label, typ, lo, lo_closed, hi, hi_closed,
                    site(it.annot, it.span))


def _decision_order(decisions: dict[str, A.Decision], d: Diagnostics) -> list[str]:
    """The decisions, each after the decisions it takes (取), found without recursion
    (a chain may be thousands long); cycles are E107, chains past MAX_CALL_DEPTH E121."""
    deps: dict[str, dict[str, Span]] = {}
    for name, dec in decisions.items():
        refs = [n for n in A.walk(dec) if isinstance(n, A.DecisionRef)]
        deps[name] = {r.name: r.span for r in sorted(refs, key=lambda r: r.span)
                      if r.name in decisions}
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in decisions:
        if state.get(root):
            continue
        state[root] = 1
        path = [root]
        pending = [iter(sorted(deps[root]))]
        while pending:
            m = next(pending[-1], None)
            if m is None:
                pending.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)
            elif state.get(m) == 1:
                d.error("E107", "决策循环引用: " + " → ".join(path + [m]), decisions[m].span)
            elif not state.get(m):
                state[m] = 1
                path.append(m)
                pending.append(iter(sorted(deps[m])))
    depth: dict[str, int] = {}
    for n in order:
        callees = [m for m in deps[n] if m in depth]
        deepest = max(callees, key=depth.__getitem__, default=None)
        depth[n] = 0 if deepest is None else depth[deepest] + 1
        # reported once, where the chain first passes the limit
        if deepest is not None and depth[n] == MAX_CALL_DEPTH + 1:
            d.error("E121", f"取 链过深：从决策 {n} 起一层层 取 了 {depth[n]} 层决策"
                    f"（上限 {MAX_CALL_DEPTH} 层）", deps[n][deepest],
                    hint="compute the value in fewer steps, e.g. with 令 in one decision")
    return order


def _levels_bodies(it: A.EnumDecl, listed: dict[str, str]) -> tuple[str | None, ...] | None:
    # a 层级's bodies, one for each level kept (a repeated level is E101 and dropped)
    if it.hierarchy is None:
        return None
    bodies: dict[str, str | None] = {}
    for m, body in zip(it.members, it.hierarchy, strict=True):
        if m.name in listed:
            bodies.setdefault(m.name, body)
    return tuple(bodies[m] for m in listed)
