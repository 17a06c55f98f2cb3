"""Lowering of constants and decisions: a definition's parts into `ir.ConstDef` and
`ir.Decision`.

A decision is where the parts meet: its parameters must be declared inputs (E108), its
令 names must not hide another name (E101), its 要求 conditions name the inputs they test,
and its result must fit its declared type, never 无 where the type cannot be (E201).  The
expressions and conditions themselves are lowered by `expressions` and `conditions`.
"""

from __future__ import annotations

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK
from polc.compiler.syntax import ast as A

from . import conditions, expressions, hierarchies
from . import types_and_units as T
from .context import Context, Env, suggest
from .sites import site


def const(cx: Context, it: A.ConstDecl) -> ir.ConstDef | None:
    s = site(it.annot, it.span)
    e = expressions.lower(cx, it.expr, Env((), {}, s))
    return None if e is None else ir.ConstDef(it.name, it.label, e, e.type, s)


def decision(cx: Context, dec: A.Decision) -> ir.Decision | None:
    sy = cx.symbols
    dec = hierarchies.assignment_rows(cx, dec)
    typ = T.type_of(dec.type, sy.enums, cx.source.file, cx.d, sy.units)
    dsite = site(dec.annot, dec.span)
    params: list[str] = []
    for p, span in dec.params:
        if p not in sy.inputs:
            cx.d.error("E108", f"决策 {dec.name} 的参数 {p!r} 没有声明为 输入", span,
                       hint=suggest(p, sy.inputs) or f'declare it: 输入 {p} "…" : 类型')
        elif p in params:
            cx.d.error("E101", f"参数 {p!r} 重复", span)
        else:
            params.append(p)
    env = Env(tuple(params), {}, dsite, dec.name)
    lets: list[ir.Let] = []
    requires: list[ir.Require] = []
    for st in dec.stmts:
        s = site(st.annot, st.span, inherit=dsite)
        if isinstance(st, A.Let):
            e = expressions.lower(cx, st.expr, env.with_site(s))
            if st.name in env.locals or st.name in sy.inputs or st.name in cx.consts \
                    or st.name in sy.enums:
                cx.d.error("E101", f"局部名 {st.name!r} 与已有名称重复", st.span)
            if e is not None:
                env.locals[st.name] = e.type
                lets.append(ir.Let(st.name, e, s))
        else:
            c = conditions.lower(cx, st.cond, env.with_site(s))
            if c is not None:
                used = {n.name for n in ir.walk(c) if isinstance(n, ir.Var)
                        and n.scope is ir.Scope.INPUT}
                fields = tuple(p for p in params if p in used)
                requires.append(ir.Require(c, st.message, fields, s))
    rsite = site(dec.result_annot, dec.result.span, inherit=dsite)
    result = expressions.lower(cx, dec.result, env.with_site(rsite), expected=typ)
    if result is None or typ is None:
        return None
    if result.type.nullable and result.type.kind is not TK.NULL and not typ.nullable:
        cx.d.error("E201", f"决策 {dec.name} 的结果可能为 无，而类型 {typ.show()} 不可为空",
                   T.null_span(result), hint="declare the type as  T 或 无, or give a value")
    else:
        T.assignable(result.type, typ, dec.result.span, f"决策 {dec.name} 的结果", cx.d)
    # lets and requirements call decisions too, not only the result
    calls = tuple(sorted({n.name for n in ir.walk((result, lets, requires))
                          if isinstance(n, ir.CallDecision)}))
    return ir.Decision(dec.name, dec.label, tuple(params), typ, tuple(lets), tuple(requires),
                       result, dsite, rsite, calls, dec.grade)
