"""Stage 3: resolve names and check types, units, boundary words and citations.

Turns the AST into the IR (`polc.compiler.ir`), collecting every problem as a
diagnostic rather than stopping at the first.  Meaning is assigned here and
only here: which number a threshold word includes (民法典 第一千二百五十九条,
overridden by the document's 约定 and by （含）/（不含） marks), what 1.5万元 is
in 元, which name a bare identifier refers to.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterable
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

from polc.compiler import ir, lexical
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.ir import CompareOp as C
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import (
    AREA,
    DIMENSIONLESS,
    MONEY,
    Unit,
    describe,
    parse_unit,
)
from polc.compiler.syntax import ast as A
from polc.runtime import LIMIT, PLACES

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

# as polc fmt's blanks: formatting a file never changes an explanation text
_BLANKS = re.compile(r"[ \t\u3000\ufeff]+")


def _empty(lo: ir.Scalar, lo_closed: bool, hi: ir.Scalar, hi_closed: bool) -> bool:
    """No value lies between the bounds (`bound_value` gives both of the key's kind)."""
    if lo is None or hi is None:
        return False
    return lo > hi or (lo == hi and not (lo_closed and hi_closed))  # type: ignore[operator]

# A literal has at most PLACES digits after the decimal point in its base unit
# (1.5万元 is 15000 元, 0.0000001% is 1e-9) and a magnitude of at most LIMIT, as an input
# has: what a notice can write, so at most 36 significant digits (docs/language.md).
# They are converted to base units in this context: the factor is a power of ten, and
# nothing is rounded.
_LITERAL = Context(prec=MAX_PREC, Emin=MIN_EMIN, Emax=MAX_EMAX)
# 取 chains between decisions are at most this deep: far beyond any notice, and well
# within Python's call stack, which evaluation uses (one frame a decision)
MAX_CALL_DEPTH = 64




class Checker:
    def __init__(self, module: A.Module, text: str, diags: Diagnostics) -> None:
        self.m = module
        self.text = text
        self.lines = lexical.LineMap(text)
        self.d = diags
        self.file = module.file
        self.conventions: dict[str, bool] = {}
        self.enums: dict[str, ir.EnumDef] = {}
        self.members: dict[str, list[str]] = {}  # member id -> enums having it
        self.roles: dict[str, ir.RoleDef] = {}
        self.bodies: dict[str, ir.Body] = {}
        self.inputs: dict[str, ir.Input] = {}
        self.consts: dict[str, ir.ConstDef] = {}
        self.decl_decisions: dict[str, A.Decision] = {}
        self.decisions: dict[str, ir.Decision] = {}
        self.readings: list[tuple[Span, str]] = []
        self.used_inputs: set[str] = set()
        self.used_consts: set[str] = set()

    # ------------------------------------------------------------ helpers
    def source(self, span: Span) -> str:
        # runs of blanks become one space, so explanation texts do not depend on layout
        # (polc fmt may re-space a line; the generated module must stay the same)
        if span.line <= 0:
            return ""
        parts = self.lines.pieces(span.line, span.col, span.end_line, span.end_col)
        if len(parts) == 1:
            return _BLANKS.sub(" ", parts[0])
        return _BLANKS.sub(" ", " ".join(p.strip() for p in parts))

    def site(self, annot: A.Annot, span: Span, *, inherit: ir.Site | None = None,
             required: str | None = None) -> ir.Site:
        for r in annot.readings:
            self.readings.append((r.span, r.text))
        if annot.cites:
            c = annot.cites[0]
            quotes = tuple(q for cite in annot.cites for q in cite.quotes)
            return ir.Site(span, c.clause, quotes, tuple(r.text for r in annot.readings),
                           annot.derived[0].reason if annot.derived else None)
        if annot.derived:
            return ir.Site(span, None, (), tuple(r.text for r in annot.readings),
                           annot.derived[0].reason)
        if inherit is not None:
            return ir.Site(span, inherit.clause, inherit.quotes,
                           tuple(r.text for r in annot.readings), inherit.derived)
        if required:
            self.d.error("E401", f"{required} 没有引文：每条规则须以 引 注明条款和原文，"
                         "或以 推导 说明理由", span,
                         hint='add 引 CLAUSE 「quote」 or 推导 "reason"')
        return ir.Site(span, None, (), tuple(r.text for r in annot.readings))

    def suggest(self, name: str, candidates: Iterable[str]) -> str:
        close = difflib.get_close_matches(name, sorted(set(candidates)), n=1)
        return f"did you mean {close[0]!r}?" if close else ""

    # ------------------------------------------------------------ numbers
    def number(self, q: A.Quantity) -> tuple[Decimal, Unit]:
        unit, factor = parse_unit(q.unit)
        value = _LITERAL.multiply(Decimal(q.number), factor)
        if value.copy_abs() > LIMIT:
            self.d.error("E215", f"数字 {_shown(q.number)} 超出范围：字面量按基本单位"
                         f"（{describe(unit)}）计，绝对值不得超过 10^{len(str(LIMIT)) - 1}",
                         q.span, hint="no notice states an amount this large; check the digits")
            return Decimal(LIMIT), unit
        exponent = value.normalize(_LITERAL).as_tuple().exponent
        if isinstance(exponent, int) and exponent < -PLACES:
            self.d.error("E216", f"数字 {_shown(q.number)} 的小数位过多：按基本单位"
                         f"（{describe(unit)}）计至多 {PLACES} 位小数", q.span)
        return value, unit

    def quantity(self, q: A.Quantity) -> ir.Lit:
        value, unit = self.number(q)
        if value == value.to_integral_value() and (unit.duration or not unit.dimensionless
                                                   or "." not in q.number and q.unit is None):
            return ir.Lit(int(value), ir.Type(TK.COUNT, unit), q.span)
        return ir.Lit(value.normalize(_LITERAL) if value != 0 else Decimal(0),
                      ir.Type(TK.NUM, unit), q.span)

    # ------------------------------------------------------------ types
    def type_of(self, t: A.TypeExpr) -> ir.Type | None:
        span = t.span or Span(self.file, 0, 0, 0, 0)
        if t.kind == "nullable":
            inner = self.type_of(t.inner) if t.inner else None
            return None if inner is None else inner.or_null()
        if t.kind == "list":
            inner = self.type_of(t.inner) if t.inner else None
            return None if inner is None else ir.Type(TK.LIST, item=inner)
        if t.kind == "named":
            assert t.name is not None
            if t.name not in self.enums:
                self.d.error("E103", f"未定义的类型 {t.name!r}", span,
                             hint=self.suggest(t.name, list(self.enums) + list(BASIC)))
                return None
            return ir.Type(TK.ENUM, enum=t.name)
        if t.kind == "数量":
            return ir.Type(TK.NUM, parse_unit(t.unit)[0])
        base = BASIC[t.kind]
        if t.unit is not None:
            if base.kind not in (TK.COUNT, TK.NUM):
                self.d.error("E104", f"类型 {t.kind} 不带单位", span)
                return base
            unit, factor = parse_unit(t.unit)
            if factor != 1:
                self.d.error("E104", f"类型的单位须为基本单位，{t.unit} 不是（用 元、平方米、分钟 等）",
                             span)
            return ir.Type(base.kind, unit)
        return base

    # ------------------------------------------------------------ pass 1
    def run(self) -> ir.Policy | None:
        headers: list[tuple[str, str]] = []
        conventions: list[tuple[str, bool, ir.Site]] = []
        seen: dict[tuple[str, str], Span] = {}

        def unique(ns: str, name: str, span: Span) -> bool:
            key = (ns, name)
            if key in seen:
                self.d.error("E101", f"重复定义 {name!r}", span,
                             related=[(seen[key], "first defined here")])
                return False
            seen[key] = span
            return True

        items = self.m.items
        convention_at: dict[str, Span] = {}
        for it in items:
            if isinstance(it, A.Header):
                if any(k == it.key for k, _ in headers):
                    self.d.error("E101", f"重复的文件头 {it.key}", it.span)
                headers.append((it.key, it.value))
            elif isinstance(it, A.Convention):
                direction = V.THRESHOLD.get(it.word)
                if direction is None:
                    self.d.error("E301", f"未知的门槛词 {it.word!r}", it.span)
                elif it.word in self.conventions:
                    self.convention_twice(it, convention_at[it.word])
                else:
                    self.conventions[it.word] = it.include
                    convention_at[it.word] = it.span
                site = self.site(it.annot, it.span, required="约定")
                conventions.append((it.word, it.include, site))
        if not any(k == V.Header.DOCNO.value for k, _ in headers):
            self.d.error("E402", "缺少 文号：每个文件须注明它编码的通知", Span(self.file, 1, 1, 1, 2),
                         hint='start the file with 文号 "海政办发〔2022〕55号"')
        for k, v in headers:
            if k in (V.Header.WRITTEN.value, V.Header.EFFECTIVE.value):
                try:
                    dt.date.fromisoformat(v)
                except ValueError:
                    self.d.error("E105", f"{k} 不是有效日期: {v}", self.m.items[0].span)

        for it in items:
            if isinstance(it, A.EnumDecl):
                if not unique("type", it.name, it.span):
                    continue
                members = []
                mseen: set[str] = set()
                for m in it.members:
                    if m.name in mseen:
                        self.d.error("E101", f"枚举 {it.name} 的成员 {m.name!r} 重复", m.span)
                        continue
                    mseen.add(m.name)
                    members.append((m.name, m.label))
                    self.members.setdefault(m.name, []).append(it.name)
                    self.site(m.annot, m.span)
                self.enums[it.name] = ir.EnumDef(it.name, it.label, tuple(members),
                                                 self.site(it.annot, it.span, required="枚举"))
            elif isinstance(it, A.RoleDecl):
                if unique("value", it.name, it.span):
                    self.roles[it.name] = ir.RoleDef(it.name, it.label,
                                                     self.site(it.annot, it.span, required="角色"))
            elif isinstance(it, A.BodyDecl) and unique("value", it.name, it.span):
                self.bodies[it.name] = ir.Body(it.name, it.label, it.aliases, ir.BodyKind.BODY,
                                               self.site(it.annot, it.span, required="机构"))

        for it in items:
            if isinstance(it, A.InputDecl):
                if not unique("value", it.name, it.span):
                    continue
                typ = self.type_of(it.type)
                if typ is None:
                    continue
                self.inputs[it.name] = self.input_def(it, typ)
        for it in items:
            if isinstance(it, A.ConstDecl):
                if not unique("value", it.name, it.span):
                    continue
                site = self.site(it.annot, it.span, required="常量")
                e = self.expr(it.expr, _Env(self, (), {}, None, site))
                if e is not None:
                    self.consts[it.name] = ir.ConstDef(it.name, it.label, e, e.type, site)
        for it in items:
            if isinstance(it, A.Decision) and unique("decision", it.name, it.span):
                self.decl_decisions[it.name] = it
        # an enum class shares the module namespace with the decision functions, and a
        # parameter of the same name would hide the class inside a function
        for (ns, name), span in sorted(seen.items(), key=lambda kv: kv[1]):
            if ns != "type" and ("type", name) in seen:
                self.d.error("E101", f"名称 {name!r} 已用作枚举类型名", span,
                             related=[(seen[("type", name)], "the enum")])
        # decisions in dependency order, so 取 OTHER can see the callee's type
        order = self.decision_order()
        for name in order:
            dec = self.decision(self.decl_decisions[name])
            if dec is not None:
                self.decisions[name] = dec
        examples = [ex for it in items if isinstance(it, A.Example)
                    for ex in [self.example(it)] if ex is not None]
        flows, ladders, relations, groups = self.flows(items)

        for name, inp in self.inputs.items():
            if name not in self.used_inputs:
                self.d.warning("W501", f"输入 {name!r} 未被任何决策使用", inp.site.span)
        for name, c in self.consts.items():
            if name not in self.used_consts:
                self.d.warning("W502", f"常量 {name!r} 未被使用", c.site.span)
        # a role or body nothing refers to is usually a typo'd name elsewhere; the
        # issuer (发文机关) is declared to say who speaks, and may stand alone
        actors = {n.name for d in self.decisions.values() for n in ir.walk(d)
                  if isinstance(n, ir.RoleVal)}
        actors |= {x for r in relations for x in (r.subject, r.object)}
        actors |= {x for g in groups for x in g.leads + g.participants}
        actors |= {n.actor for f in flows for n in f.nodes if n.actor}
        actors |= {x for lad in ladders for x in (lad.actor, lad.target)}
        issuer = dict(headers).get(V.Header.ISSUER.value)
        for name, decl in [*self.roles.items(), *self.bodies.items()]:
            title = decl.title if isinstance(decl, ir.RoleDef) else decl.label
            if name not in actors and title != issuer:
                self.d.warning("W503", f"{'角色' if isinstance(decl, ir.RoleDef) else '机构'} "
                               f"{name!r}（{title}）未被任何决策、关系、工作组或流程使用",
                               decl.site.span)

        docno = dict(headers).get(V.Header.DOCNO.value, "")
        return ir.Policy(
            file=self.file, docno=docno, headers=tuple(headers),
            conventions=tuple(conventions), enums=tuple(self.enums.values()),
            roles=tuple(self.roles.values()), bodies=tuple(self.bodies.values()),
            relations=tuple(relations), groups=tuple(groups),
            inputs=tuple(self.inputs.values()), consts=tuple(self.consts.values()),
            decisions=tuple(self.decisions[n] for n in self.decl_decisions
                            if n in self.decisions),
            examples=tuple(examples), flows=tuple(flows), ladders=tuple(ladders),
            readings=tuple(self.readings),
            sha256=hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
        )

    def convention_twice(self, it: A.Convention, first: Span) -> None:
        """A second 约定 for the same word: whichever won, half the file would be misread."""
        def inclusion(include: bool) -> str:
            return next(w for w, inc in V.CONVENTION_INCLUSION.items() if inc == include)
        before = self.conventions[it.word]
        if before == it.include:
            message = f"重复的约定：{it.word} 已经约定为 {inclusion(before)}"
        else:
            message = (f"约定 {it.word} {inclusion(it.include)} 与前面的约定 "
                       f"{it.word} {inclusion(before)} 矛盾：一个门槛词在一份文件里只有一种含义")
        self.d.error("E117", message, it.span, hint="keep one 约定 for each word",
                     related=[(first, f"the first 约定 {it.word} is here")])

    def input_def(self, it: A.InputDecl, typ: ir.Type) -> ir.Input:
        lo: ir.Scalar = None
        hi: ir.Scalar = None
        lo_closed = hi_closed = True
        if typ.numeric:
            lo = 0  # counts, money, areas and ratios are never negative unless 取值 says so
        if it.domain is not None:
            if not (typ.numeric or typ.kind in (TK.DATE, TK.DATETIME)):
                self.d.error("E106", f"类型 {typ.show()} 不能限定取值范围", it.domain.span)
            else:
                lo, lo_closed = self.bound_value(it.domain.lo, typ, it.domain.lo_closed)
                hi, hi_closed = self.bound_value(it.domain.hi, typ, it.domain.hi_closed)
                if _empty(lo, lo_closed, hi, hi_closed):
                    self.d.error("E211", f"取值范围 {self.source(it.domain.span)} 是空的："
                                 "没有一个输入能落在其中", it.domain.span,
                                 hint="the lower bound comes first" if lo > hi  # type: ignore[operator]
                                 else "one value is a range closed at both ends: [1人, 1人]")
        return ir.Input(it.name, it.label, typ, lo, lo_closed, hi, hi_closed,
                        self.site(it.annot, it.span))

    def bound_value(self, v: object, typ: ir.Type, closed: bool) -> tuple[ir.Scalar, bool]:
        if isinstance(v, A.Inf):
            return None, False
        kind = TK.DATE if isinstance(v, A.DateLit) else \
            TK.DATETIME if isinstance(v, A.DateTimeLit) else TK.NUM
        if kind is not (TK.NUM if typ.numeric else typ.kind):
            what = {TK.DATE: "日期", TK.DATETIME: "时刻", TK.NUM: "数量"}[kind]
            self.d.error("E118", f"边界 {self.source(v.span)} 是{what}，不能与 {typ.show()} 比较",
                         v.span, hint="a bound has the kind of the value it limits")
            return None, False
        if isinstance(v, A.DateLit):
            return self.date(v.text, v.span), closed
        if isinstance(v, A.DateTimeLit):
            return self.datetime(v.text, v.span), closed
        assert isinstance(v, A.Quantity)
        lit = self.quantity(v)
        self.unify_units(typ, lit.type, v.span, "取值范围")
        return lit.value, closed

    def date(self, text: str, span: Span) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.d.error("E105", f"无效日期 {text}", span)
            return None

    def datetime(self, text: str, span: Span) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            self.d.error("E105", f"无效时刻 {text}", span)
            return None

    def decision_order(self) -> list[str]:
        """The decisions, each after the decisions it takes (取), found without recursion
        (a chain may be thousands long); cycles are E107, chains past MAX_CALL_DEPTH E121."""
        deps: dict[str, dict[str, Span]] = {}
        for name, dec in self.decl_decisions.items():
            refs = [n for n in A.walk(dec) if isinstance(n, A.DecisionRef)]
            deps[name] = {r.name: r.span for r in sorted(refs, key=lambda r: r.span)
                          if r.name in self.decl_decisions}
        order: list[str] = []
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for root in self.decl_decisions:
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
                    self.d.error("E107", "决策循环引用: " + " → ".join(path + [m]),
                                 self.decl_decisions[m].span)
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
                self.d.error("E121", f"取 链过深：从决策 {n} 起一层层 取 了 {depth[n]} 层决策"
                             f"（上限 {MAX_CALL_DEPTH} 层）", deps[n][deepest],
                             hint="compute the value in fewer steps, e.g. with 令 in one decision")
        return order

    # ------------------------------------------------------------ decisions
    def decision(self, dec: A.Decision) -> ir.Decision | None:
        typ = self.type_of(dec.type)
        site = self.site(dec.annot, dec.span, required=f"决策 {dec.name}")
        params: list[str] = []
        for p, span in dec.params:
            if p not in self.inputs:
                self.d.error("E108", f"决策 {dec.name} 的参数 {p!r} 没有声明为 输入", span,
                             hint=self.suggest(p, self.inputs) or f'declare it: 输入 {p} "…" : 类型')
            elif p in params:
                self.d.error("E101", f"参数 {p!r} 重复", span)
            else:
                params.append(p)
                self.used_inputs.add(p)
        env = _Env(self, tuple(params), {}, typ, site)
        env.decision = dec.name
        lets: list[ir.Let] = []
        requires: list[ir.Require] = []
        for st in dec.stmts:
            if isinstance(st, A.Let):
                s = self.site(st.annot, st.span, inherit=site)
                e = self.expr(st.expr, env.with_site(s))
                if st.name in env.locals or st.name in self.inputs or st.name in self.consts \
                        or st.name in self.enums:
                    self.d.error("E101", f"局部名 {st.name!r} 与已有名称重复", st.span)
                if e is not None:
                    env.locals[st.name] = e.type
                    lets.append(ir.Let(st.name, e, s))
            else:
                s = self.site(st.annot, st.span, inherit=site)
                c = self.cond(st.cond, env.with_site(s))
                if c is not None:
                    used = {n.name for n in ir.walk(c) if isinstance(n, ir.Var)
                            and n.scope is ir.Scope.INPUT}
                    fields = tuple(p for p in params if p in used)
                    requires.append(ir.Require(c, st.message, fields, s))
        rsite = self.site(dec.result_annot, dec.result.span if hasattr(dec.result, "span")
                          else dec.span, inherit=site)
        result = self.expr(dec.result, env.with_site(rsite), expected=typ)
        if result is None or typ is None:
            return None
        if result.type.nullable and result.type.kind is not TK.NULL and not typ.nullable:
            self.d.error("E201", f"决策 {dec.name} 的结果可能为 无，而类型 {typ.show()} 不可为空",
                         _null_span(result), hint="declare the type as  T 或 无, or give a value")
        else:
            self.assignable(result.type, typ, dec.result.span, f"决策 {dec.name} 的结果")
        # lets and requirements call decisions too, not only the result
        calls = tuple(sorted({n.name for n in ir.walk((result, lets, requires))
                              if isinstance(n, ir.CallDecision)}))
        return ir.Decision(dec.name, dec.label, tuple(params), typ, tuple(lets), tuple(requires),
                           result, site, rsite, calls)

    def assignable(self, got: ir.Type, want: ir.Type, span: Span, what: str) -> bool:
        if got.kind is TK.NULL:
            if not want.nullable:
                self.d.error("E201", f"{what} 不能为 无（类型 {want.show()} 不可为空）", span,
                             hint="declare the type as  T 或 无")
                return False
            return True
        if want.kind is TK.LIST and got.kind is TK.LIST and want.item and got.item:
            return self.assignable(got.item, want.item, span, what)
        ok = False
        if want.kind == got.kind and want.enum == got.enum or want.kind is TK.NUM and got.kind is TK.COUNT:
            ok = True
        elif want.kind is TK.COUNT and got.kind is TK.NUM:
            self.d.error("E202", f"{what} 须为整数（{want.show()}），而计算结果可能有小数", span)
            return False
        if not ok:
            self.d.error("E203", f"{what} 类型不符：期望 {want.show()}，实际 {got.show()}", span)
            return False
        if want.numeric and got.unit != want.unit:
            self.d.error("E204", f"{what} 单位不符：期望 {describe(want.unit)}，"
                         f"实际 {describe(got.unit)}", span)
            return False
        return True

    def present(self, e: ir.Expr, what: str) -> bool:
        """Whether `e` is never 无 (E201 where it may be): arithmetic, comparisons and
        conditions need a value, and a 无 there would fail only when evaluated."""
        if not e.type.nullable:
            return True
        self.d.error("E201", f"{what}可能为 无（类型 {e.type.show()}），此处须有值", _null_span(e),
                     hint="give every branch a value, or test the case before")
        return False

    def unify_units(self, a: ir.Type, b: ir.Type, span: Span, what: str) -> bool:
        if a.unit != b.unit:
            self.d.error("E204", f"{what}: 单位不同，{describe(a.unit)} 与 {describe(b.unit)} "
                         "不能比较或相加", span,
                         hint="write the number with the unit of the quantity it is compared with")
            return False
        return True

    # ------------------------------------------------------------ expressions
    def expr(self, e: A.Expr, env: _Env, expected: ir.Type | None = None) -> ir.Expr | None:
        method = getattr(self, "e_" + type(e).__name__)
        result: ir.Expr | None = method(e, env, expected)
        return result

    def e_CondValue(self, e: A.CondValue, env: _Env,
                    expected: ir.Type | None) -> ir.Expr | None:
        c = self.cond(e.cond, env)
        return None if c is None else ir.CondE(c, ir.BOOL, e.span)

    def e_Quantity(self, e: A.Quantity, env: _Env, expected: ir.Type | None) -> ir.Expr:
        return self.quantity(e)

    def e_DateLit(self, e: A.DateLit, env: _Env, expected: ir.Type | None) -> ir.Expr:
        return ir.Lit(self.date(e.text, e.span), ir.DATE, e.span)

    def e_DateTimeLit(self, e: A.DateTimeLit, env: _Env, expected: ir.Type | None) -> ir.Expr:
        return ir.Lit(self.datetime(e.text, e.span), ir.DATETIME, e.span)

    def e_NullLit(self, e: A.NullLit, env: _Env, expected: ir.Type | None) -> ir.Expr:
        return ir.Lit(None, ir.NULL, e.span)

    def e_BoolLit(self, e: A.BoolLit, env: _Env, expected: ir.Type | None) -> ir.Expr:
        return ir.Lit(e.value, ir.BOOL, e.span)

    def e_Ref(self, e: A.Ref, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        n = e.name
        if n in env.locals:
            return ir.Var(n, ir.Scope.LOCAL, env.locals[n], e.span)
        if n in env.params:
            return ir.Var(n, ir.Scope.INPUT, self.inputs[n].type, e.span)
        if n in self.consts:
            self.used_consts.add(n)
            return ir.Var(n, ir.Scope.CONST, self.consts[n].type, e.span)
        if expected is not None and expected.kind is TK.ENUM and expected.enum \
                and self.enums[expected.enum].has(n):
            return ir.EnumVal(expected.enum, n, ir.Type(TK.ENUM, enum=expected.enum), e.span)
        if n in self.roles:
            return ir.RoleVal(n, self.roles[n].title, ir.ROLE, e.span)
        if n in self.inputs:
            self.d.error("E109", f"输入 {n!r} 不在决策 {env.decision} 的参数列表中", e.span,
                         hint=f"add {n} to the decision's (…) list")
            return None
        enums = self.members.get(n, [])
        if len(enums) == 1:
            return ir.EnumVal(enums[0], n, ir.Type(TK.ENUM, enum=enums[0]), e.span)
        names = list(env.locals) + list(env.params) + list(self.consts) + list(self.roles) + \
            list(self.members)
        self.d.error("E110", f"未定义的名称 {n!r}", e.span, hint=self.suggest(n, names))
        return None

    def e_BinOp(self, e: A.BinOp, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        left = self.expr(e.left, env)
        right = self.expr(e.right, env)
        if left is None or right is None:
            return None
        if not (self.present(left, "运算的左边") and self.present(right, "运算的右边")):
            return None
        lt, rt = left.type, right.type
        if e.op in "+-" and lt.kind in (TK.DATE, TK.DATETIME):
            period = V.DURATIONS.get(rt.unit.duration or "") if rt.numeric else None
            if period is None:
                self.d.error("E205", f"日期只能加减期间（{'、'.join(V.PERIOD_WORDS)}），"
                             f"不能加 {rt.show()}", e.right_span if hasattr(e, "right_span")
                             else e.span)
                return None
            if lt.kind is TK.DATE and period is V.Duration.MINUTES:
                self.d.error("E205", "日期不能加小时或分钟；用 时刻 类型", e.span)
                return None
            if lt.kind is TK.DATETIME and period is not V.Duration.MINUTES:
                self.d.error("E205", "时刻只加小时或分钟", e.span)
                return None
            if period is not V.Duration.MINUTES and rt.kind is not TK.COUNT:
                self.d.error("E205", f"{'、'.join(V.DATE_PERIOD_WORDS)}须为整数", e.span)
                return None
            if e.op == "-" and period is not V.Duration.WORKING_DAYS:
                self.d.error("E205", "只支持 提前N工作日 形式的减法", e.span)
                return None
            return ir.Shift(left, right, period, e.op == "-", lt, e.span)
        if not (lt.numeric and rt.numeric):
            self.d.error("E206", f"算术运算需要数量，实际为 {lt.show()} {e.op} {rt.show()}", e.span)
            return None
        kind = TK.COUNT if lt.kind == rt.kind is TK.COUNT and e.op != "/" else TK.NUM
        if e.op in "+-":
            if not self.unify_units(lt, rt, e.span, "加减"):
                return None
            unit = lt.unit
        elif e.op == "*":
            unit = lt.unit * rt.unit
        else:
            unit = lt.unit / rt.unit
        return ir.Arith(ir.ArithOp(e.op), left, right, ir.Type(kind, unit), e.span)

    def e_Bound(self, e: A.Bound, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        inner = self.expr(e.expr, env, expected)
        limit = self.expr(e.limit, env)
        if inner is None or limit is None:
            return None
        if not (self.present(inner, "最高/最低 的值") and self.present(limit, "最高/最低 的限额")):
            return None
        if not (inner.type.numeric and limit.type.numeric):
            self.d.error("E206", "最高/最低 需要数量", e.span)
            return None
        self.unify_units(inner.type, limit.type, e.span, "最高/最低")
        kind = TK.COUNT if inner.type.kind == limit.type.kind is TK.COUNT else TK.NUM
        return ir.Clamp(ir.ClampKind.CAP if e.kind == "max" else ir.ClampKind.FLOOR, inner, limit, ir.Type(kind, inner.type.unit), e.span)

    def e_Call(self, e: A.Call, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        if e.func in (V.Function.QUARTER_END.value, V.Function.NEXT_YEAR_MONTH_END.value):
            return self.calendar_call(e, env)
        args = [self.expr(a, env, expected) for a in e.args]
        if any(a is None for a in args):
            return None
        real = [a for a in args if a is not None]
        if not all(self.present(a, f"{e.func} 的参数") for a in real):
            return None
        if not all(a.type.numeric for a in real):
            self.d.error("E206", f"{e.func} 需要数量", e.span)
            return None
        for a in real[1:]:
            self.unify_units(real[0].type, a.type, e.span, e.func)
        kind = TK.COUNT if all(a.type.kind is TK.COUNT for a in real) else TK.NUM
        return ir.MinMax(ir.Extreme.MAX if e.func == V.Function.LARGER.value else ir.Extreme.MIN,
                         tuple(real),
                         ir.Type(kind, real[0].type.unit), e.span)

    def calendar_call(self, e: A.Call, env: _Env) -> ir.Expr | None:
        want = 1 if e.func == V.Function.QUARTER_END.value else 2
        if len(e.args) != want:
            self.d.error("E214", f"{e.func} 需要 {want} 个参数", e.span,
                         hint="季末(日期)；次年月底(日期, 月份)")
            return None
        args = [self.expr(a, env) for a in e.args]
        if any(a is None for a in args):
            return None
        date_arg = args[0]
        assert date_arg is not None
        if not self.present(date_arg, f"{e.func} 的日期"):
            return None
        if date_arg.type.kind is not TK.DATE:
            self.d.error("E214", f"{e.func} 的第一个参数须为日期，实际为 {date_arg.type.show()}",
                         e.span)
            return None
        if e.func == V.Function.QUARTER_END.value:
            return ir.CalendarFn(ir.CalendarFunc.QUARTER_END, (date_arg,), ir.DATE, e.span)
        month = args[1]
        if not (isinstance(month, ir.Lit) and isinstance(month.value, int)
                and 1 <= month.value <= 12):
            self.d.error("E214", "次年月底 的月份须为 1 至 12 的整数", e.span)
            return None
        return ir.CalendarFn(ir.CalendarFunc.NEXT_YEAR_MONTH_END, (date_arg, month), ir.DATE, e.span)

    def e_DecisionRef(self, e: A.DecisionRef, env: _Env,
                      expected: ir.Type | None) -> ir.Expr | None:
        callee = self.decisions.get(e.name)
        if callee is None:
            if e.name not in self.decl_decisions:
                self.d.error("E111", f"未定义的决策 {e.name!r}", e.span,
                             hint=self.suggest(e.name, self.decl_decisions))
            return None
        missing = [p for p in callee.params if p not in env.params]
        if missing:
            self.d.error("E112", f"取 {e.name} 需要输入 {', '.join(missing)}，"
                         f"它们不在本决策的参数中", e.span)
            return None
        return ir.CallDecision(e.name, callee.params, callee.type, e.span)

    def e_If(self, e: A.If, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        c = self.cond(e.cond, env)
        a = self.expr(e.then, env, expected)
        b = self.expr(e.other, env, expected)
        if c is None or a is None or b is None:
            return None
        t = self.join(a.type, b.type, e.span)
        return None if t is None else ir.IfE(c, a, b, t, e.span)

    def join(self, a: ir.Type, b: ir.Type, span: Span) -> ir.Type | None:
        if a.kind is TK.NULL:
            return b.or_null()
        if b.kind is TK.NULL:
            return a.or_null()
        if a.numeric and b.numeric:
            if not self.unify_units(a, b, span, "各分支的结果"):
                return None
            kind = TK.COUNT if a.kind == b.kind is TK.COUNT else TK.NUM
            return ir.Type(kind, a.unit, nullable=a.nullable or b.nullable)
        if a.kind == b.kind and a.enum == b.enum:
            return ir.Type(a.kind, a.unit, a.enum, a.nullable or b.nullable, a.item or b.item)
        self.d.error("E203", f"各分支的结果类型不一致：{a.show()} 与 {b.show()}", span)
        return None

    def join_all(self, types: list[ir.Type], span: Span) -> ir.Type | None:
        if not types:
            return None
        t: ir.Type | None = types[0]
        for other in types[1:]:
            if t is None:
                return None
            t = self.join(t, other, span)
        return t

    def e_RollForward(self, e: A.RollForward, env: _Env,
                      expected: ir.Type | None) -> ir.Expr | None:
        inner = self.expr(e.expr, env)
        if inner is None or not self.present(inner, "顺延 的日期"):
            return None
        if inner.type.kind is not TK.DATE:
            self.d.error("E205", "顺延 只用于日期", e.span)
            return None
        return ir.Roll(inner, inner.type, e.span)

    def otherwise(self, o: A.Otherwise | None, env: _Env,
                  expected: ir.Type | None) -> tuple[ir.Otherwise | None, list[ir.Type], bool]:
        if o is None:
            return None, [], True
        s = self.site(o.annot, o.span, inherit=env.site)
        e = self.expr(o.expr, env.with_site(s), expected)
        if e is None:
            return None, [], False
        return ir.Otherwise(e, s), [e.type], True

    def e_Levels(self, e: A.Levels, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        if expected is None or expected.kind is not TK.ENUM or not expected.enum:
            self.d.error("E207", "取最严重 的结果须为枚举类型（决策声明为 : 枚举名）", e.span)
            return None
        enum = self.enums[expected.enum]
        order = [m for m, _ in enum.members]
        rank = {m: i for i, m in enumerate(order)}  # membership and order in O(1)
        rows: dict[str, ir.LevelRow] = {}
        ok = True
        for r in e.rows:
            if r.member not in rank:
                self.d.error("E208", f"{r.member!r} 不是枚举 {enum.name} 的成员", r.span,
                             hint=self.suggest(r.member, order))
                ok = False
                continue
            if r.member in rows:
                self.d.error("E101", f"级别 {r.member} 重复", r.span)
                continue
            s = self.site(r.annot, r.span, inherit=env.site)
            c = self.cond(r.cond, env.with_site(s))
            if c is None:
                ok = False
                continue
            rows[r.member] = ir.LevelRow(r.member, c, s)
        listed = [r.member for r in e.rows if r.member in rank]
        if listed != sorted(listed, key=rank.__getitem__):
            self.d.warning("W301", f"级别的书写顺序与枚举 {enum.name} 的顺序（最严重在前）不同；"
                           "按枚举顺序判定", e.span)
        other, _, ok2 = self.otherwise(e.otherwise, env, expected)
        if not (ok and ok2):
            return None
        return ir.LevelsE(enum.name, tuple(rows[m] for m in order if m in rows), other,
                          ir.Type(TK.ENUM, enum=enum.name, nullable=bool(
                              other and other.expr.type.kind is TK.NULL)), e.span)

    def e_Table(self, e: A.Table, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        keys = [self.expr(k, env) for k in e.keys]
        if any(k is None for k in keys):
            return None
        real_keys = [k for k in keys if k is not None]
        # an enum key that is 无 matches no member and falls to 否则; any other key
        # would be compared as a number, a date or a truth value
        if not all(k.type.kind is TK.ENUM or self.present(k, "查表 的键") for k in real_keys):
            return None
        rows: list[ir.TableRow] = []
        types: list[ir.Type] = []
        ok = True
        for r in e.rows:
            if len(r.patterns) != len(real_keys):
                self.d.error("E209", f"此行有 {len(r.patterns)} 个条件，表有 {len(real_keys)} 个键",
                             r.span)
                ok = False
                continue
            tests = []
            for p, k in zip(r.patterns, real_keys):
                t = self.pattern(p, k.type)
                if t is None:
                    ok = False
                tests.append(t)
            s = self.site(r.annot, r.span, inherit=env.site)
            v = self.expr(r.expr, env.with_site(s), expected)
            if v is None or any(t is None for t in tests):
                ok = False
                continue
            types.append(v.type)
            rows.append(ir.TableRow(tuple(t for t in tests if t is not None), v, s))
        other, otypes, ok2 = self.otherwise(e.otherwise, env, expected)
        if not (ok and ok2):
            return None
        t = self.join_all(types + otypes, e.span)
        if t is None:
            return None
        return ir.TableE(tuple(real_keys), tuple(rows), other, t, e.span)

    def pattern(self, p: A.Pattern, key: ir.Type) -> ir.Test | None:
        text = self.source(p.span)
        if isinstance(p, A.AnyPat):
            return ir.Test(ir.MatchKind.ANY, text="*")
        if isinstance(p, A.NamePat):
            if key.kind is not TK.ENUM or key.enum is None:
                self.d.error("E210", f"{p.name!r} 是名称，但此键的类型是 {key.show()}", p.span)
                return None
            if not self.enums[key.enum].has(p.name):
                members = [m for m, _ in self.enums[key.enum].members]
                self.d.error("E208", f"{p.name!r} 不是枚举 {key.enum} 的成员", p.span,
                             hint=self.suggest(p.name, members))
                return None
            return ir.Test(ir.MatchKind.EQ, value=p.name, text=text)
        if isinstance(p, A.BoolPat):
            if key.kind is not TK.BOOL:
                self.d.error("E210", f"是/否 只能匹配 是否 类型的键，此键是 {key.show()}", p.span)
                return None
            return ir.Test(ir.MatchKind.EQ, value=p.value, text=text)
        if isinstance(p, A.EqPat):
            if isinstance(p.value, A.DateLit):
                if key.kind is not TK.DATE:
                    self.d.error("E210", f"日期不能匹配 {key.show()} 类型的键", p.span)
                    return None
                return ir.Test(ir.MatchKind.EQ, value=self.date(p.value.text, p.span), text=text)
            lit = self.quantity(p.value)
            if not key.numeric:
                self.d.error("E210", f"数量不能匹配 {key.show()} 类型的键", p.span)
                return None
            if p.value.unit is not None:
                self.unify_units(key, lit.type, p.span, "表的条件")
            return ir.Test(ir.MatchKind.EQ, value=lit.value, text=text)
        if isinstance(p, A.BoundPat):
            if not key.numeric:
                self.d.error("E210", f"门槛不能匹配 {key.show()} 类型的键", p.span)
                return None
            lit = self.quantity(p.quantity)
            if p.quantity.unit is not None:
                self.unify_units(key, lit.type, p.span, "表的条件")
            op = self.word_op(p.word, None, p.mark, p.span)
            if op is None:
                return None
            if op in (C.GT, C.GE):
                return ir.Test(ir.MatchKind.INTERVAL, lo=lit.value, lo_closed=op is C.GE, hi=None,
                               hi_closed=False, text=text)
            return ir.Test(ir.MatchKind.INTERVAL, lo=None, lo_closed=False, hi=lit.value,
                           hi_closed=op is C.LE, text=text)
        if isinstance(p, A.Interval):
            return self.interval_test(p, key, text)
        raise AssertionError(p)

    def interval_test(self, iv: A.Interval, key: ir.Type, text: str) -> ir.Test | None:
        if not (key.numeric or key.kind in (TK.DATE, TK.DATETIME)):
            self.d.error("E210", f"区间不能匹配 {key.show()} 类型的键", iv.span)
            return None
        lo, lo_closed = self.bound_value(iv.lo, key, iv.lo_closed)
        hi, hi_closed = self.bound_value(iv.hi, key, iv.hi_closed)
        if _empty(lo, lo_closed, hi, hi_closed):
            self.d.error("E211", f"区间 {text} 是空的", iv.span)
            return None
        return ir.Test(ir.MatchKind.INTERVAL, lo=lo, lo_closed=lo_closed, hi=hi, hi_closed=hi_closed,
                       text=text)

    def e_Rules(self, e: A.Rules, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        rows: list[ir.RuleRow] = []
        types: list[ir.Type] = []
        ok = True
        for r in e.rows:
            s = self.site(r.annot, r.span, inherit=env.site)
            c = self.cond(r.cond, env.with_site(s))
            v = self.expr(r.expr, env.with_site(s), expected)
            if c is None or v is None:
                ok = False
                continue
            types.append(v.type)
            rows.append(ir.RuleRow(c, v, s))
        other, otypes, ok2 = self.otherwise(e.otherwise, env, expected)
        if not (ok and ok2):
            return None
        t = self.join_all(types + otypes, e.span)
        return None if t is None else ir.RulesE(tuple(rows), other, t, e.span)

    def e_NamedConds(self, e: A.NamedConds, env: _Env,
                     expected: ir.Type | None) -> ir.Expr | None:
        items: list[ir.NamedItem] = []
        names: set[str] = set()
        ok = True
        for it in e.items:
            if it.name in names:
                self.d.error("E101", f"条件名 {it.name!r} 重复", it.span)
            names.add(it.name)
            s = self.site(it.annot, it.span, inherit=env.site)
            c = self.cond(it.cond, env.with_site(s))
            if c is None:
                ok = False
                continue
            items.append(ir.NamedItem(it.name, it.label, c, s))
        return ir.NamedE(ir.Quantifier(e.kind), tuple(items), ir.BOOL, e.span) if ok else None

    def e_Schedule(self, e: A.Schedule, env: _Env, expected: ir.Type | None) -> ir.Expr | None:
        total = self.expr(e.total, env)
        if total is None or not self.present(total, "分期 的总额"):
            return None
        if not total.type.numeric:
            self.d.error("E206", "分期 的总额须为数量", e.span)
            return None
        raw = [self.number(q) for q in e.shares]
        if all(u.dimensionless and q.unit == "%" for (_, u), q in zip(raw, e.shares)):
            shares = [v for v, _ in raw]
            if sum(shares) != 1:
                self.d.error("E212", f"各期比例之和为 {sum(shares) * 100}%，不是 100%", e.span)
                return None
        elif all(q.unit is None for q in e.shares):
            parts = [v for v, _ in raw]
            total_parts = sum(parts)
            shares = [p / total_parts for p in parts]
        else:
            self.d.error("E212", "分期比例须全部用 % 或全部为比例数（4︰3︰3）", e.span)
            return None
        return ir.ScheduleE(total, tuple(shares), ir.Type(TK.LIST, item=ir.Type(TK.NUM,
                                                                                total.type.unit)),
                            e.span)

    # ------------------------------------------------------------ conditions
    def word_op(self, word: str, mark_before: str | None, mark_after: str | None,
                span: Span) -> ir.CompareOp | None:
        info = V.THRESHOLD.get(word)
        if info is None:
            self.d.error("E301", f"未知的门槛词 {word!r}", span,
                         hint="known: " + "、".join(sorted(V.THRESHOLD)))
            return None
        direction, include = info.direction, info.includes
        include = self.conventions.get(word, include)
        marks = [m for m in (mark_before, mark_after) if m is not None]
        if marks:
            include = V.INCLUSION_MARKS[marks[-1]]
        if direction is V.Direction.LOWER:
            return C.GE if include else C.GT
        return C.LE if include else C.LT

    def cond(self, c: A.Cond, env: _Env) -> ir.Cond | None:
        text = self.source(c.span)
        if isinstance(c, A.Truth):
            e = self.expr(c.expr, env)
            if e is None or not self.present(e, "条件"):
                return None
            if e.type.kind is not TK.BOOL:
                self.d.error("E213", f"条件须为 是否 类型，{text!r} 是 {e.type.show()}", c.span,
                             hint="compare it: x 400人以上, x >= 3, x 为 member")
                return None
            return ir.BoolC(e, text, c.span)
        if isinstance(c, A.Not):
            inner = self.cond(c.cond, env)
            return None if inner is None else ir.NotC(inner, text, c.span)
        if isinstance(c, (A.And, A.Or)):
            items = [self.cond(i, env) for i in c.items]
            if any(i is None for i in items):
                return None
            flat: list[ir.Cond] = []
            cls = ir.AndC if isinstance(c, A.And) else ir.OrC
            for i in items:
                if isinstance(i, cls):
                    flat.extend(i.items)
                elif i is not None:
                    flat.append(i)
            return cls(tuple(flat), text, c.span)
        if isinstance(c, A.PostCompare):
            subj = self.expr(c.subject, env)
            if subj is None:
                return None
            parts: list[ir.Cond] = []
            for b in c.bounds:
                if not (b.word in V.THRESHOLD and V.THRESHOLD[b.word].after_number):
                    self.d.error("E302", f"{b.word!r} 应写在数字之前（如 低于 3946元），"
                                 "数字之后只用 以上、以下、以内 等", b.span)
                    return None
                op = self.word_op(b.word, b.mark_before, b.mark_after, b.span)
                rhs = self.quantity(b.quantity)
                if op is None or not self.comparable(subj, rhs, b.span):
                    return None
                parts.append(ir.Compare(subj, op, rhs, self.source(c.subject.span) + " " +
                                        self.source(b.span), b.span))
            if len(parts) == 2:
                ops = {p.op.value[0] for p in parts if isinstance(p, ir.Compare)}
                if ops != {"<", ">"}:
                    self.d.error("E303", "区间的两端须一上一下（如 300人以上400人以下）", c.span)
                    return None
                return ir.AndC(tuple(parts), text, c.span)
            return parts[0]
        if isinstance(c, A.PreCompare):
            subj = self.expr(c.subject, env)
            rhs = self.expr(c.rhs, env)
            if subj is None or rhs is None:
                return None
            if c.word in V.THRESHOLD and V.THRESHOLD[c.word].after_number:
                self.d.error("E302", f"{c.word!r} 应写在数字之后（如 400人以上）", c.span)
                return None
            if c.word_after is not None:
                d1 = V.THRESHOLD.get(c.word)
                d2 = V.THRESHOLD.get(c.word_after)
                if d1 and d2 and d1.direction != d2.direction:
                    self.d.error("E303", f"{c.word} 与 {c.word_after} 方向相反", c.span)
                    return None
                if d1 and d2 and d1.includes != d2.includes and c.mark is None:
                    self.d.error("E304", f"{c.word}…{c.word_after}：两个门槛词对是否包含本数的约定"
                                 "相反，须以（含）或（不含）写明", c.span,
                                 hint="add （含） or （不含） and a 解读 saying why")
                    return None
            op = self.word_op(c.word, None, c.mark, c.span)
            if op is None or not self.comparable(subj, rhs, c.span):
                return None
            return ir.Compare(subj, op, rhs, text, c.span)
        if isinstance(c, A.Cmp):
            left = self.expr(c.left, env)
            right = self.expr(c.right, env, left.type if left is not None else None)
            if left is None or right is None:
                return None
            op = C(c.op)
            if op in (C.EQ, C.NE) and left.type.kind in (TK.ENUM, TK.BOOL, TK.ROLE):
                if left.type.kind != right.type.kind or left.type.enum != right.type.enum:
                    self.d.error("E203", f"比较两边类型不同：{left.type.show()} 与 "
                                 f"{right.type.show()}", c.span)
                    return None
                return ir.Compare(left, op, right, text, c.span)
            if not self.comparable(left, right, c.span):
                return None
            return ir.Compare(left, op, right, text, c.span)
        if isinstance(c, A.InInterval):
            subj = self.expr(c.subject, env)
            if subj is None or not self.present(subj, "比较的值"):
                return None
            t = self.interval_test(c.interval, subj.type, self.source(c.interval.span))
            if t is None:
                return None
            parts = []
            if t.lo is not None:
                parts.append(ir.Compare(subj, C.GE if t.lo_closed else C.GT,
                                        self.scalar_lit(t.lo, subj.type, c.span), text, c.span))
            if t.hi is not None:
                parts.append(ir.Compare(subj, C.LE if t.hi_closed else C.LT,
                                        self.scalar_lit(t.hi, subj.type, c.span), text, c.span))
            if not parts:
                return ir.BoolC(ir.Lit(True, ir.BOOL, c.span), text, c.span)
            return parts[0] if len(parts) == 1 else ir.AndC(tuple(parts), text, c.span)
        if isinstance(c, A.IsMember):
            subj = self.expr(c.subject, env)
            if subj is None:
                return None
            if subj.type.kind is not TK.ENUM or not subj.type.enum:
                self.d.error("E210", f"为 只用于枚举，此处是 {subj.type.show()}", c.span)
                return None
            if not self.enums[subj.type.enum].has(c.member):
                members = [m for m, _ in self.enums[subj.type.enum].members]
                self.d.error("E208", f"{c.member!r} 不是枚举 {subj.type.enum} 的成员", c.span,
                             hint=self.suggest(c.member, members))
                return None
            return ir.Compare(subj, C.EQ, ir.EnumVal(subj.type.enum, c.member, subj.type, c.span),
                              text, c.span)
        raise AssertionError(c)

    def scalar_lit(self, value: ir.Scalar, typ: ir.Type, span: Span) -> ir.Lit:
        if isinstance(value, Decimal) and value == value.to_integral_value() and \
                typ.kind is TK.COUNT:
            value = int(value)
        kind = typ.kind if typ.kind is not TK.COUNT or isinstance(value, int) else TK.NUM
        return ir.Lit(value, ir.Type(kind, typ.unit), span)

    def comparable(self, a: ir.Expr, b: ir.Expr, span: Span) -> bool:
        if not (self.present(a, "比较的左边") and self.present(b, "比较的右边")):
            return False
        ta, tb = a.type, b.type
        if ta.numeric and tb.numeric:
            if ta.unit != tb.unit:
                if tb.unit.dimensionless and isinstance(b, ir.Lit) and not ta.unit.dimensionless:
                    # a bare number compared with a quantity: the drafter left the unit out
                    self.d.error("E204", f"数字缺少单位：{describe(ta.unit)} 与纯数字比较", span,
                                 hint=f"write the unit, e.g. …{describe(ta.unit)}")
                    return False
                return self.unify_units(ta, tb, span, "比较")
            return True
        if ta.kind == tb.kind and ta.kind in (TK.DATE, TK.DATETIME):
            return True
        self.d.error("E203", f"不能比较 {ta.show()} 与 {tb.show()}", span)
        return False

    # ------------------------------------------------------------ examples
    def example(self, ex: A.Example) -> ir.Example | None:
        site = self.site(ex.annot, ex.span, required="例")
        dec = self.decisions.get(ex.decision)
        if dec is None:
            if ex.decision not in self.decl_decisions:
                self.d.error("E111", f"例 引用了未定义的决策 {ex.decision!r}", ex.span,
                             hint=self.suggest(ex.decision, self.decl_decisions))
            return None
        args: list[tuple[str, ir.Scalar]] = []
        ok = True
        given: dict[str, Span] = {}
        for name, value, span in ex.args:
            if name not in dec.params:
                self.d.error("E113", f"决策 {dec.name} 没有输入 {name!r}", span,
                             hint=self.suggest(name, dec.params))
                ok = False
                continue
            if name in given:
                self.d.error("E120", f"例 重复给出输入 {name!r}", span,
                             related=[(given[name], "first given here")])
                ok = False
                continue
            given[name] = span
            v = self.value(value, self.inputs[name].type, f"输入 {name}")
            args.append((name, v))
        # a 拒绝 example names every input too: what it expects refused is a value,
        # never a missing argument (the decision's function cannot be called without one)
        missing = [p for p in dec.params if p not in given]
        expected = ex.expected
        if missing:
            self.d.error("E114", f"例 缺少输入 {', '.join(missing)}", ex.span)
            ok = False
        if expected.kind == "rejected":
            exp: object = ir.REJECTED
        else:
            exp = self.value(expected, dec.type, "期望结果")
        return ir.Example(dec.name, tuple(args), exp, site) if ok else None

    def value(self, v: A.Value, typ: ir.Type, what: str) -> object:
        if v.kind == "null":
            if not typ.nullable:
                self.d.error("E201", f"{what} 不能为 无", v.span)
            return None
        if typ.kind is TK.LIST:
            if v.kind != "list" or typ.item is None:
                self.d.error("E203", f"{what} 须为列表 [ … ]", v.span)
                return None
            return [self.value(i, typ.item, what) for i in v.items]
        if typ.numeric:
            if v.kind != "quantity":
                self.d.error("E203", f"{what} 须为数量，实际为 {v.text!r}", v.span)
                return None
            try:
                value, unit = self.number(A.Quantity(v.text.lstrip("-"), v.unit, v.span))
            except (InvalidOperation, KeyError):
                self.d.error("E203", f"{what} 无效数量 {v.text}", v.span)
                return None
            if v.text.startswith("-"):
                value = value.copy_negate()
            if v.unit is not None and unit != typ.unit:
                self.d.error("E204", f"{what} 单位不符：期望 {describe(typ.unit)}，实际 {v.unit}",
                             v.span)
            if typ.kind is TK.COUNT and value == value.to_integral_value():
                return int(value)
            return value
        if typ.kind is TK.DATE:
            if v.kind != "date":
                self.d.error("E203", f"{what} 须为日期 YYYY-MM-DD", v.span)
                return None
            return self.date(v.text, v.span)
        if typ.kind is TK.DATETIME:
            if v.kind != "datetime":
                self.d.error("E203", f"{what} 须为时刻 YYYY-MM-DDTHH:MM", v.span)
                return None
            return self.datetime(v.text, v.span)
        if typ.kind is TK.BOOL:
            if v.kind != "bool":
                self.d.error("E203", f"{what} 须为 是 或 否", v.span)
                return None
            return V.BOOLEANS[v.text]
        if typ.kind is TK.ENUM:
            assert typ.enum is not None
            if v.kind != "name" or not self.enums[typ.enum].has(v.text):
                members = [m for m, _ in self.enums[typ.enum].members]
                self.d.error("E208", f"{what}: {v.text!r} 不是枚举 {typ.enum} 的成员", v.span,
                             hint=self.suggest(v.text, members))
                return None
            return v.text
        if typ.kind is TK.ROLE:
            if v.kind == "string":
                return v.text
            if v.kind == "name" and v.text in self.roles:
                return self.roles[v.text].title
            self.d.error("E203", f"{what} 须为角色（\"区政府主要领导\" 或角色名）", v.span)
            return None
        self.d.error("E203", f"{what}: 不支持的值", v.span)
        return None

    # ------------------------------------------------------------ flows
    def flows(self, items: tuple[A.Item, ...]) -> tuple[list[ir.Flow], list[ir.Ladder],
                                                        list[ir.RelationDef], list[ir.Group]]:
        actors = set(self.bodies) | set(self.roles)
        flows: list[ir.Flow] = []
        ladders: list[ir.Ladder] = []
        relations: list[ir.RelationDef] = []
        groups: list[ir.Group] = []

        def actor(name: str, span: Span) -> None:
            if name not in actors:
                self.d.error("E115", f"未定义的机构或角色 {name!r}", span,
                             hint=self.suggest(name, actors) or f'declare it: 机构 {name} "…"')

        for it in items:
            if isinstance(it, A.Relation):
                actor(it.subject, it.span)
                actor(it.object, it.span)
                relations.append(ir.RelationDef(it.subject, it.verb, it.object,
                                                self.site(it.annot, it.span, required="关系")))
            elif isinstance(it, A.GroupDecl):
                for n in it.leads + it.participants:
                    actor(n, it.span)
                groups.append(ir.Group(it.name, it.label, it.leads, it.participants,
                                       self.site(it.annot, it.span, required="工作组")))
            elif isinstance(it, A.Ladder):
                actor(it.actor, it.span)
                actor(it.target, it.span)
                rungs = tuple((r.label, self.site(r.annot, r.span, required="措施"))
                              for r in it.rungs)
                ladders.append(ir.Ladder(it.name, it.label, it.actor, it.target, rungs,
                                         self.site(it.annot, it.span, required="阶梯")))
            elif isinstance(it, A.Flow):
                fsite = self.site(it.annot, it.span, required="流程")
                nodes: dict[str, ir.FlowNode] = {}
                for n in it.nodes:
                    if n.name in nodes:
                        self.d.error("E101", f"流程节点 {n.name!r} 重复", n.span)
                        continue
                    if n.actor is not None:
                        actor(n.actor, n.span)
                    nodes[n.name] = ir.FlowNode(
                        ir.FlowNodeKind(n.kind), n.name, n.label, n.actor, n.inputs, n.outputs,
                        self.site(n.annot, n.span, inherit=fsite,
                                  required=None if n.kind in ("choice", "end") else "步骤"))
                edges = []
                for e in it.edges:
                    for end in (e.src, e.dst):
                        if end not in nodes:
                            self.d.error("E116", f"流程 {it.name} 没有节点 {end!r}", e.span,
                                         hint=self.suggest(end, nodes))
                    amount: int | Decimal | None = None
                    how: V.Duration | None = None
                    if e.deadline is not None:
                        lit = self.quantity(e.deadline)
                        period = V.DURATIONS.get(lit.type.unit.duration or "")
                        how = period
                        if how is None:
                            self.d.error("E205", f"时限须为期间（{'、'.join(V.PERIOD_WORDS)}）",
                                         e.deadline.span)
                        amount = lit.value  # type: ignore[assignment]
                    edges.append(ir.FlowEdge(
                        e.src, e.dst, e.when, amount, how,
                        self.source(e.deadline.span) if e.deadline else None, e.roll, e.loop,
                        self.site(e.annot, e.span, inherit=nodes[e.src].site
                                  if e.src in nodes else fsite)))
                flows.append(ir.Flow(it.name, it.label, tuple(nodes.values()), tuple(edges),
                                     fsite))
        return flows, ladders, relations, groups


class _Env:
    def __init__(self, checker: Checker, params: tuple[str, ...], locals_: dict[str, ir.Type],
                 result: ir.Type | None, site: ir.Site) -> None:
        self.checker = checker
        self.params = params
        self.locals = locals_
        self.result = result
        self.site = site
        self.decision = ""

    def with_site(self, site: ir.Site) -> _Env:
        env = _Env(self.checker, self.params, self.locals, self.result, site)
        env.decision = self.decision
        return env


def _null_span(e: ir.Expr) -> Span:
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


def _shown(digits: str) -> str:
    """A number as typed, shortened when it is too long to read in a message."""
    return digits if len(digits) <= 30 else f"{digits[:20]}…（共 {len(digits)} 个字符）"


def check(module: A.Module, text: str, diags: Diagnostics) -> ir.Policy | None:
    return Checker(module, text, diags).run()
