"""Static analyses over the IR, in the manner of DMN verifiers.

Conditions built from single-input comparisons are turned into unions of
boxes (one interval or set of members per input) over the inputs' declared
domains, after the boundary convention has been applied (the IR comparisons
already carry the resolved operators).  On boxes the analyses are exact:

- W601 a 取最严重 / 查表 / 依次 without 否则 that leaves input values uncovered;
- E602 two rows of a (unique-hit) 查表 that both match some input, with
  different results; W603 the same with equal results;
- E604 two 查表 rows with identical patterns;
- W605 a 依次 rule or a level that can never apply (covered by earlier rows);
- W606 the rows of a one-key band table whose thresholds are out of order;
- W607 a level that gets less severe when a harm quantity grows.

Every finding carries a concrete counterexample.  Conditions that cannot be
boxed (arithmetic on two inputs, 取 another decision, locals) make the
analysis that needs them skip silently: a missed finding is better than a
false one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal

import attrs

from . import ir
from .diagnostics import Diagnostics, Span
from .units import MONEY

Num = int | Decimal
# boxes larger than this are given up on: the analyses are for readable policies
MAX_BOXES = 4096
MAX_STEPS = 20000


class _GiveUp(Exception):
    """The analysis would be too expensive; skip it silently."""


# ---------------------------------------------------------------- intervals


@attrs.frozen
class Iv:
    """An interval; None bounds are infinite.  Integer dimensions keep closed bounds."""

    lo: Num | None
    lo_c: bool
    hi: Num | None
    hi_c: bool


Con = Iv | frozenset  # a constraint on one dimension
Box = dict[str, Con]


@attrs.frozen
class Dim:
    name: str
    kind: str  # "int" (counts, dates as ordinals), "real", "set"
    domain: Con
    type: ir.Type


def _norm(iv: Iv, kind: str) -> Iv | None:
    """Normalise (integer dimensions get closed integer bounds); None when empty."""
    lo, lo_c, hi, hi_c = iv.lo, iv.lo_c, iv.hi, iv.hi_c
    if kind == "int":
        if lo is not None:
            lo = math.floor(lo) + 1 if not lo_c or lo != math.floor(lo) else int(lo)
            lo_c = True
        if hi is not None:
            hi = math.ceil(hi) - 1 if not hi_c or hi != math.ceil(hi) else int(hi)
            hi_c = True
    if lo is not None and hi is not None and (lo > hi or (lo == hi and not (lo_c and hi_c))):
        return None
    return Iv(lo, lo_c, hi, hi_c)


def _meet(a: Con, b: Con, kind: str) -> Con | None:
    if isinstance(a, frozenset) or isinstance(b, frozenset):
        assert isinstance(a, frozenset) and isinstance(b, frozenset)
        s = a & b
        return s if s else None
    if a.lo is None or (b.lo is not None and (b.lo > a.lo or (b.lo == a.lo and not b.lo_c))):
        lo, lo_c = b.lo, b.lo_c
    else:
        lo, lo_c = a.lo, a.lo_c
    if a.hi is None or (b.hi is not None and (b.hi < a.hi or (b.hi == a.hi and not b.hi_c))):
        hi, hi_c = b.hi, b.hi_c
    else:
        hi, hi_c = a.hi, a.hi_c
    return _norm(Iv(lo, lo_c, hi, hi_c), kind)


def _subset(a: Con, b: Con, kind: str) -> bool:
    return _meet(a, b, kind) == a


def _minus(a: Con, b: Con, kind: str) -> list[Con]:
    """The parts of `a` outside `b`, lowest first."""
    if isinstance(a, frozenset):
        assert isinstance(b, frozenset)
        rest = a - b
        return [rest] if rest else []
    assert isinstance(b, Iv)
    out: list[Con] = []
    if b.lo is not None:
        left = _meet(a, Iv(None, False, b.lo, not b.lo_c), kind)
        if left is not None:
            out.append(left)
    if b.hi is not None:
        right = _meet(a, Iv(b.hi, not b.hi_c, None, False), kind)
        if right is not None:
            out.append(right)
    return out


# ---------------------------------------------------------------- boxes


class Space:
    """The inputs of one decision, with their domains."""

    def __init__(self, policy: ir.Policy, params: Iterable[str]) -> None:
        self.policy = policy
        self.dims: dict[str, Dim] = {}
        self.consts = {c.name: c.expr for c in policy.consts}
        self.steps = 0
        for p in params:
            dim = self._dim(policy.input(p))
            if dim is not None:
                self.dims[p] = dim

    def _dim(self, inp: ir.Input) -> Dim | None:
        t = inp.type
        if t.kind == "enum" and t.enum:
            members = frozenset(m for m, _ in self.policy.enum(t.enum).members)
            return Dim(inp.name, "set", members, t)
        if t.kind == "bool":
            return Dim(inp.name, "set", frozenset({True, False}), t)
        if t.kind in ("count", "num", "date"):
            kind = "real" if t.kind == "num" else "int"
            lo, hi = _scalar(inp.lo), _scalar(inp.hi)
            if (inp.lo is not None and lo is None) or (inp.hi is not None and hi is None):
                return None
            dom = _norm(Iv(lo, inp.lo_closed, hi, inp.hi_closed), kind)
            return None if dom is None else Dim(inp.name, kind, dom, t)
        return None  # date-times, roles, lists: not analysed

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _GiveUp

    def con(self, box: Box, d: str) -> Con:
        return box.get(d, self.dims[d].domain)

    def meet(self, a: Box, b: Box) -> Box | None:
        out = dict(a)
        for d, c in b.items():
            m = _meet(self.con(a, d), c, self.dims[d].kind)
            if m is None:
                return None
            out[d] = m
        return out

    def contains(self, outer: Box, inner: Box) -> bool:
        return all(_subset(self.con(inner, d), c, self.dims[d].kind) for d, c in outer.items())

    def and_(self, a: list[Box], b: list[Box]) -> list[Box]:
        out: list[Box] = []
        for x in a:
            for y in b:
                self.tick()
                m = self.meet(x, y)
                if m is not None:
                    out.append(m)
        if len(out) > MAX_BOXES:
            raise _GiveUp
        return _dedupe(out)

    def not_(self, a: list[Box]) -> list[Box]:
        acc: list[Box] = [{}]
        for box in a:
            comp: list[Box] = []
            for d, c in box.items():
                for part in _minus(self.dims[d].domain, c, self.dims[d].kind):
                    comp.append({d: part})
            acc = self.and_(acc, comp)
        return acc

    # ------------------------------------------------------------ conditions
    def dnf(self, c: ir.Cond) -> list[Box] | None:
        """The condition as a union of boxes, or None when it cannot be boxed."""
        if isinstance(c, ir.AndC):
            acc: list[Box] = [{}]
            for item in c.items:
                sub = self.dnf(item)
                if sub is None:
                    return None
                acc = self.and_(acc, sub)
            return acc
        if isinstance(c, ir.OrC):
            out: list[Box] = []
            for item in c.items:
                sub = self.dnf(item)
                if sub is None:
                    return None
                out.extend(sub)
            return _dedupe(out)
        if isinstance(c, ir.NotC):
            sub = self.dnf(c.cond)
            return None if sub is None else self.not_(sub)
        if isinstance(c, ir.BoolC):
            e = c.expr
            if isinstance(e, ir.Lit) and isinstance(e.value, bool):
                return [{}] if e.value else []
            if isinstance(e, ir.Var) and e.scope == "input" and e.name in self.dims:
                return [{e.name: frozenset({True})}]
            if isinstance(e, ir.NamedE):
                return self.dnf((ir.AndC if e.kind == "all" else ir.OrC)(
                    tuple(i.cond for i in e.items), c.text, c.span))
            return None
        if isinstance(c, ir.Compare):
            return self.compare(c)
        return None

    def compare(self, c: ir.Compare) -> list[Box] | None:
        left, op, right = c.left, c.op, c.right
        if not self._is_input(left):
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if not self._is_input(left):
            return None
        assert isinstance(left, ir.Var)
        dim = self.dims[left.name]
        value = self._value(right)
        if value is _NO:
            return None
        if dim.kind == "set":
            if op not in ("==", "!="):
                return None
            assert isinstance(dim.domain, frozenset)
            s = frozenset({value}) & dim.domain
            if op == "!=":
                s = dim.domain - s
            return [{dim.name: s}] if s else []
        v = _scalar(value)  # type: ignore[arg-type]
        if v is None:
            return None
        ivs = {"<": [Iv(None, False, v, False)], "<=": [Iv(None, False, v, True)],
               ">": [Iv(v, False, None, False)], ">=": [Iv(v, True, None, False)],
               "==": [Iv(v, True, v, True)],
               "!=": [Iv(None, False, v, False), Iv(v, False, None, False)]}.get(op)
        if ivs is None:
            return None
        out: list[Box] = []
        for iv in ivs:
            m = _meet(dim.domain, iv, dim.kind)
            if m is not None:
                out.append({dim.name: m})
        return out

    def _is_input(self, e: ir.Expr) -> bool:
        return isinstance(e, ir.Var) and e.scope == "input" and e.name in self.dims

    def _value(self, e: ir.Expr) -> object:
        if isinstance(e, ir.Var) and e.scope == "const" and e.name in self.consts:
            e = self.consts[e.name]
        if isinstance(e, ir.Lit):
            return e.value
        if isinstance(e, ir.EnumVal):
            return e.member
        return _NO

    # ------------------------------------------------------------ search
    def uncovered(self, region: Box, boxes: list[Box]) -> Box | None:
        """A non-empty sub-box of `region` that no box covers (lowest first), or None.

        Splits the region on the boundaries of the boxes that cut it, never on
        a full grid, so the cost follows the number of boxes that matter.
        """
        self.tick()
        live = [b for b in boxes if self.meet(region, b) is not None]
        if not live:
            return region
        for b in live:
            if self.contains(b, region):
                return None
        b = live[0]
        for d in sorted(b):
            rc, bc, kind = self.con(region, d), b[d], self.dims[d].kind
            if _subset(rc, bc, kind):
                continue
            inside = _meet(rc, bc, kind)
            outside = _minus(rc, bc, kind)
            parts: list[Con] = []
            if outside and isinstance(rc, Iv) and isinstance(outside[0], Iv) and \
                    inside is not None and _before(outside[0], inside):
                parts = [outside[0], inside] + outside[1:]
            else:
                parts = ([inside] if inside is not None else []) + outside
            for part in parts:
                found = self.uncovered({**region, d: part}, live)
                if found is not None:
                    return found
            return None
        raise AssertionError("a live box that does not cut the region contains it")

    def point(self, box: Box, dims: Iterable[str]) -> dict[str, object]:
        return {d: _pick(self.con(box, d)) for d in dims}

    def show(self, d: str, value: object) -> str:
        dim = self.dims[d]
        return f"{d} = {_show_value(dim.type, value)}"

    def show_point(self, point: dict[str, object]) -> str:
        return "，".join(self.show(d, v) for d, v in point.items())


_NO = object()


def _before(a: Iv, b: Iv) -> bool:
    return a.lo is None or (b.lo is not None and a.lo < b.lo)


def _dedupe(boxes: list[Box]) -> list[Box]:
    out: list[Box] = []
    seen: list[Box] = []
    for b in boxes:
        if b not in seen:
            seen.append(b)
            out.append(b)
    return out


def _scalar(v: object) -> Num | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v.toordinal()
    if isinstance(v, (int, Decimal)):
        return v
    return None


def _pick(c: Con) -> object:
    if isinstance(c, frozenset):
        return min(c, key=str)
    if c.lo is not None and c.lo_c:
        return c.lo
    if c.lo is None and c.hi is None:
        return 0
    if c.lo is None:
        assert c.hi is not None
        return c.hi if c.hi_c else c.hi - 1
    if c.hi is None:
        return c.lo + 1
    return (Decimal(c.lo) + Decimal(c.hi)) / 2


def _show_value(t: ir.Type, v: object) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if t.kind == "date" and isinstance(v, int):
        return dt.date.fromordinal(v).isoformat()
    if isinstance(v, (int, Decimal)):
        if t.unit == MONEY:
            for factor, word in ((100000000, "亿元"), (10000, "万元")):
                if v != 0 and v % factor == 0:
                    return f"{_num(Decimal(v) / factor)}{word}"
            return f"{_num(v)}元"
        if t.unit.dimensionless:
            return f"{_num(Decimal(v) * 100)}%" if t.kind == "num" else _num(v)
        return f"{_num(v)}{t.unit}"
    return str(v)


def _num(v: Num) -> str:
    if isinstance(v, int):
        return str(v)
    text = format(v.normalize(), "f")
    return text


def _dims_of(boxes: Iterable[Box]) -> set[str]:
    return {d for b in boxes for d in b}


# ---------------------------------------------------------------- contexts


@attrs.frozen
class Ctx:
    """Where a sub-expression is evaluated: boxes over-approximating the inputs that
    reach it, and the inputs whose constraints could not be boxed (dropped)."""

    boxes: tuple[Box, ...]
    fuzzy: frozenset[str]


def _refine(space: Space, ctx: Ctx, c: ir.Cond | None, negate: bool = False) -> Ctx:
    if c is None:
        return ctx
    if not negate and isinstance(c, ir.AndC):
        for item in c.items:
            ctx = _refine(space, ctx, item)
        return ctx
    boxes = space.dnf(c)
    if boxes is None:
        return Ctx(ctx.boxes, ctx.fuzzy | _inputs(c))
    if negate:
        boxes = space.not_(boxes)
    return Ctx(tuple(space.and_(list(ctx.boxes), boxes)), ctx.fuzzy)


def _inputs(node: object) -> frozenset[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ir.Var) and n.scope == "input":
            out.add(n.name)
        if isinstance(n, tuple):
            stack.extend(n)
        elif hasattr(n, "__attrs_attrs__"):
            stack.extend(getattr(n, f.name) for f in n.__attrs_attrs__)  # type: ignore[attr-defined]
    return frozenset(out)


# ---------------------------------------------------------------- the analyses


class Analyser:
    def __init__(self, policy: ir.Policy, diags: Diagnostics) -> None:
        self.p = policy
        self.d = diags

    def run(self) -> None:
        for dec in self.p.decisions:
            space = Space(self.p, dec.params)
            try:
                ctx = Ctx(({},), frozenset())
                for req in dec.requires:
                    ctx = _refine(space, ctx, req.cond)
            except _GiveUp:
                ctx = Ctx(({},), frozenset(dec.params))
            for let in dec.lets:
                self.walk(let.expr, space, ctx)
            self.walk(dec.result, space, ctx)

    def guarded(self, space: Space, fn: object, *args: object) -> None:
        space.steps = 0
        try:
            fn(*args)  # type: ignore[operator]
        except _GiveUp:
            pass

    def walk(self, e: ir.Expr, space: Space, ctx: Ctx) -> None:
        if isinstance(e, ir.IfE):
            for branch, neg in ((e.then, False), (e.other, True)):
                try:
                    sub = _refine(space, ctx, e.cond, neg)
                except _GiveUp:
                    sub = Ctx(ctx.boxes, ctx.fuzzy | _inputs(e.cond))
                self.walk(branch, space, sub)
            return
        if isinstance(e, ir.LevelsE):
            self.guarded(space, self.levels, e, space, ctx)
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, self._after(space, ctx,
                                                               [r.cond for r in e.rows]))
            return
        if isinstance(e, ir.RulesE):
            self.guarded(space, self.rules, e, space, ctx)
            for i, row in enumerate(e.rows):
                sub = self._after(space, ctx, [r.cond for r in e.rows[:i]])
                self.walk(row.expr, space, self._with(space, sub, row.cond))
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, self._after(space, ctx,
                                                               [r.cond for r in e.rows]))
            return
        if isinstance(e, ir.TableE):
            self.guarded(space, self.table, e, space, ctx)
            for row in e.rows:
                self.walk(row.expr, space, ctx)
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, ctx)
            return
        for child in _children(e):
            self.walk(child, space, ctx)

    def _with(self, space: Space, ctx: Ctx, c: ir.Cond) -> Ctx:
        try:
            return _refine(space, ctx, c)
        except _GiveUp:
            return Ctx(ctx.boxes, ctx.fuzzy | _inputs(c))

    def _after(self, space: Space, ctx: Ctx, conds: list[ir.Cond]) -> Ctx:
        for c in conds:
            try:
                ctx = _refine(space, ctx, c, negate=True)
            except _GiveUp:
                ctx = Ctx(ctx.boxes, ctx.fuzzy | _inputs(c))
        return ctx

    # ------------------------------------------------------------ shared
    def gap(self, space: Space, ctx: Ctx, rows: list[list[Box]], what: str, span: Span,
            hint: str) -> None:
        relevant = _dims_of(b for r in rows for b in r)
        if ctx.fuzzy & relevant:
            return
        covering = [b for r in rows for b in r]
        for region in ctx.boxes:
            hole = space.uncovered(region, covering)
            if hole is not None:
                shown = sorted(relevant) or sorted(hole)
                point = space.point(hole, shown)
                self.d.warning("W601", f"{what}未覆盖所有情形：{space.show_point(point)} 时"
                               "没有一行适用", span, hint=hint)
                return

    def shadowed(self, space: Space, ctx: Ctx, rows: list[tuple[list[Box] | None, ir.Site]],
                 what: str) -> None:
        """W605: a row whose whole region is taken by earlier rows."""
        for i, (boxes, site) in enumerate(rows):
            if boxes is None:
                continue
            earlier = [b for prev, _ in rows[:i] if prev is not None for b in prev]
            reachable = [m for r in ctx.boxes for b in boxes
                         for m in [space.meet(r, b)] if m is not None]
            if not reachable:
                if not boxes:
                    msg = f"{what}的条件永远不成立"
                else:
                    msg = f"{what}在允许的取值范围内永远不会适用"
                self.d.warning("W605", msg, site.span,
                               hint="remove the row or correct its condition")
                continue
            if not earlier:
                continue
            if all(space.uncovered(r, earlier) is None for r in reachable):
                same = [j for j, (prev, _) in enumerate(rows[:i]) if prev is not None
                        and _same_region(space, prev, boxes)]
                related = [(rows[j][1].span, "this earlier row takes every case")
                           for j in (same or range(i)) if rows[j][0] is not None][:3]
                if same:
                    msg = f"{what}与前面的第 {same[0] + 1} 行条件相同，永远不会适用"
                else:
                    msg = f"{what}被前面的行完全遮蔽，永远不会适用"
                self.d.warning("W605", msg, site.span, related=related,
                               hint="reorder the rows, or remove the unreachable one")

    # ------------------------------------------------------------ 取最严重
    def levels(self, e: ir.LevelsE, space: Space, ctx: Ctx) -> None:
        boxes = [space.dnf(r.cond) for r in e.rows]
        self.shadowed(space, ctx, [(b, r.site) for b, r in zip(boxes, e.rows)],
                      "级别 ")
        if any(b is None for b in boxes):
            return
        rows = [b for b in boxes if b is not None]
        if e.otherwise is None:
            self.gap(space, ctx, rows, "取最严重 ", e.span,
                     "add a level for these values, 否则 => …, or a 要求 that refuses them")
        self.monotone(e, space, ctx, rows)

    def monotone(self, e: ir.LevelsE, space: Space, ctx: Ctx, rows: list[list[Box]]) -> None:
        """W607: more of a quantity must never give a less severe level."""
        if ctx.fuzzy & _dims_of(b for r in rows for b in r):
            return
        eff: list[list[Box]] = []
        before: list[Box] = list(ctx.boxes)
        for r in rows:
            eff.append(space.and_(before, r))
            before = space.and_(before, space.not_(r))
        quantities = sorted(d for d in _dims_of(b for r in rows for b in r)
                            if space.dims[d].kind != "set" and space.dims[d].type.kind != "date")
        for x in quantities:
            worse: tuple[int, int, Box, Box] | None = None  # more x, less severe
            better = False  # more x, more severe
            for i in range(len(eff)):
                for j in range(i + 1, len(eff)):
                    for a in eff[i]:
                        for b in eff[j]:
                            space.tick()
                            pair = _step(space, x, a, b)
                            if pair is not None and worse is None:
                                worse = (i, j, *pair)
                            if _step(space, x, b, a) is not None:
                                better = True
            if worse is not None and better:
                i, j, lo_box, hi_box = worse
                shown = sorted(_dims_of(b for r in rows for b in r) - {x})
                rest = space.show_point(space.point(lo_box, shown))
                lo_v = _pick(space.con(lo_box, x))
                hi_v = _pick(space.con(hi_box, x))
                t = space.dims[x].type
                self.d.warning(
                    "W607",
                    f"级别不单调：{x} 从 {_show_value(t, lo_v)} 增至 {_show_value(t, hi_v)}"
                    f"（{rest or '其余不变'}）时，级别由 {e.rows[i].member} 降为 "
                    f"{e.rows[j].member}",
                    e.rows[j].site.span,
                    related=[(e.rows[i].site.span, f"level {e.rows[i].member}")],
                    hint="more harm must not give a less severe level: check the thresholds "
                         "of the two levels")
                return

    # ------------------------------------------------------------ 依次
    def rules(self, e: ir.RulesE, space: Space, ctx: Ctx) -> None:
        boxes = [space.dnf(r.cond) for r in e.rows]
        self.shadowed(space, ctx, [(b, r.site) for b, r in zip(boxes, e.rows)], "规则 ")
        if e.otherwise is None and all(b is not None for b in boxes):
            self.gap(space, ctx, [b for b in boxes if b is not None], "依次 ", e.span,
                     "add a rule for these values, 否则 => …, or a 要求 that refuses them")

    # ------------------------------------------------------------ 查表
    def table(self, e: ir.TableE, space: Space, ctx: Ctx) -> None:
        keyed = _TableSpace(space, e.keys)
        rows = [keyed.row(r) for r in e.rows]
        # with an unboxable context the whole domain stands in: overlaps are
        # ambiguous wherever they lie, the language requires rows never to overlap
        region = list(ctx.boxes) if not (ctx.fuzzy & keyed.inputs) else [{}]
        for j, row_j in enumerate(e.rows):
            rj = rows[j]
            for i in range(j):
                ri, row_i = rows[i], e.rows[i]
                if row_i.tests == row_j.tests:
                    self.d.error("E604", "查表 的这一行与前面的行完全相同", row_j.site.span,
                                 related=[(row_i.site.span, "the same row")],
                                 hint="remove one of the two rows")
                    break
                if ri is None or rj is None:
                    continue
                both = keyed.space.meet(ri, rj)
                hits = [] if both is None else [
                    m for r in region for m in [keyed.space.meet(r, both)] if m is not None]
                if not hits:
                    continue
                shown = keyed.show(keyed.space.point(hits[0], keyed.names))
                if _same_expr(row_i.expr, row_j.expr):
                    self.d.warning("W603", f"查表 的两行重叠（结果相同）：{shown} 同时"
                                   "匹配这一行和前面的行", row_j.site.span,
                                   related=[(row_i.site.span, "also matches")],
                                   hint="rows of a table must not overlap: merge them")
                else:
                    self.d.error("E602", f"查表 的两行重叠：{shown} 同时匹配这一行和"
                                 "前面的行，结果不同", row_j.site.span,
                                 related=[(row_i.site.span, "also matches")],
                                 hint="rows of a table must not overlap: move a boundary "
                                      "with （含）/（不含） or an interval [a, b)")
                break
        self.order(e, keyed)
        if e.otherwise is None and keyed.complete and not (ctx.fuzzy & keyed.inputs):
            covering = [r for r in rows if r is not None]
            for r in ctx.boxes:
                hole = keyed.space.uncovered(r, covering)
                if hole is not None:
                    point = keyed.space.point(hole, keyed.names)
                    self.d.warning("W601", f"查表 未覆盖所有情形：{keyed.show(point)} 时没有"
                                   "一行匹配", e.span,
                                   hint="add a row for these values, 否则 => …, or a 要求 "
                                        "that refuses them")
                    return

    def order(self, e: ir.TableE, keyed: _TableSpace) -> None:
        """W606: the bands of a one-key table over an ordered key go one way."""
        if len(e.keys) != 1 or keyed.space.dims[keyed.names[0]].kind == "set":
            return
        ivs: list[tuple[Iv, ir.TableRow]] = []
        for row in e.rows:
            t = row.tests[0]
            if t.kind == "any":
                return
            lo = _scalar(t.value if t.kind == "eq" else t.lo)
            hi = _scalar(t.value if t.kind == "eq" else t.hi)
            ivs.append((Iv(lo, True, hi, True), row))
        direction = 0
        for (a, prev), (b, row) in itertools.pairwise(ivs):
            step = _cmp_iv(a, b)
            if step == 0:
                continue
            if direction == 0:
                direction = step
            elif step != direction:
                self.d.warning("W606", f"查表 的档次顺序颠倒：{row.tests[0].text} 写在 "
                               f"{prev.tests[0].text} 之后，而前面各档是"
                               f"{'由低到高' if direction > 0 else '由高到低'}排列",
                               row.site.span, related=[(prev.site.span, "previous band")],
                               hint="a threshold may be mistyped; list the bands in order")
                return


def _cmp_iv(a: Iv, b: Iv) -> int:
    """+1 when b lies above a, -1 when below, 0 when neither is clear."""
    def key(v: Num | None, low: bool) -> tuple[int, Num]:
        return (0, v) if v is not None else ((-1, 0) if low else (1, 0))
    if key(b.lo, True) >= key(a.hi, False) or (key(b.lo, True) > key(a.lo, True)
                                                and key(b.hi, False) > key(a.hi, False)):
        return 1
    if key(a.lo, True) >= key(b.hi, False) or (key(a.lo, True) > key(b.lo, True)
                                                and key(a.hi, False) > key(b.hi, False)):
        return -1
    return 0


def _step(space: Space, x: str, a: Box, b: Box) -> tuple[Box, Box] | None:
    """Points p in a, q in b equal except q[x] > p[x], as two point boxes; or None."""
    rest_a = {d: c for d, c in a.items() if d != x}
    rest_b = {d: c for d, c in b.items() if d != x}
    common = space.meet(rest_a, rest_b)
    if common is None:
        return None
    ax, bx, kind = space.con(a, x), space.con(b, x), space.dims[x].kind
    assert isinstance(ax, Iv) and isinstance(bx, Iv)
    # the lowest point of a below some point of b
    lo_a = _pick(ax)
    above = _meet(bx, Iv(lo_a, False, None, False), kind)  # type: ignore[arg-type]
    if above is None:
        return None
    hi_b = _pick(above)
    return ({**common, x: Iv(lo_a, True, lo_a, True)},  # type: ignore[arg-type]
            {**common, x: Iv(hi_b, True, hi_b, True)})  # type: ignore[arg-type]


def _same_region(space: Space, a: list[Box], b: list[Box]) -> bool:
    return (all(space.uncovered(x, a) is None for x in b)
            and all(space.uncovered(x, b) is None for x in a))


def _same_expr(a: ir.Expr, b: ir.Expr) -> bool:
    if isinstance(a, ir.Lit) and isinstance(b, ir.Lit):
        return a.value == b.value and a.type == b.type
    if isinstance(a, ir.EnumVal) and isinstance(b, ir.EnumVal):
        return (a.enum, a.member) == (b.enum, b.member)
    if isinstance(a, ir.RoleVal) and isinstance(b, ir.RoleVal):
        return a.name == b.name
    if isinstance(a, ir.Var) and isinstance(b, ir.Var):
        return a.name == b.name
    return False


class _TableSpace:
    """The keys of a table as dimensions: an input key is that input's dimension
    (so the decision's context applies); any other key is a dimension of its own."""

    def __init__(self, outer: Space, keys: tuple[ir.Expr, ...]) -> None:
        self.space = outer
        self.names: list[str] = []
        self.inputs: set[str] = set()
        self.complete = True  # every key has a known domain, so gaps can be computed
        for k, key in enumerate(keys):
            if isinstance(key, ir.Var) and key.scope == "input" and key.name in outer.dims:
                if key.name in self.names:
                    self.complete = False
                    self.names.append(f"#{k}")
                    outer.dims[f"#{k}"] = attrs.evolve(outer.dims[key.name], name=f"#{k}")
                    continue
                self.names.append(key.name)
                self.inputs.add(key.name)
                continue
            name = f"#{k}"
            self.names.append(name)
            t = key.type
            if t.kind == "enum" and t.enum:
                dom: Con = frozenset(m for m, _ in outer.policy.enum(t.enum).members)
                outer.dims[name] = Dim(name, "set", dom, t)
            elif t.kind == "bool":
                outer.dims[name] = Dim(name, "set", frozenset({True, False}), t)
            else:
                self.complete = False
                kind = "int" if t.kind in ("count", "date") else "real"
                outer.dims[name] = Dim(name, kind, Iv(None, False, None, False), t)

    def row(self, row: ir.TableRow) -> Box | None:
        """The row's box; None when a pattern lies outside the key's domain."""
        box: Box = {}
        for name, t in zip(self.names, row.tests):
            dim = self.space.dims[name]
            if t.kind == "any":
                continue
            if dim.kind == "set":
                c: Con = frozenset({t.value})
            elif t.kind == "eq":
                v = _scalar(t.value)
                c = Iv(v, True, v, True)
            else:
                c = Iv(_scalar(t.lo), t.lo_closed, _scalar(t.hi), t.hi_closed)
            m = _meet(dim.domain, c, dim.kind)
            if m is None:
                return None
            box[name] = m
        return box

    def show(self, point: dict[str, object]) -> str:
        parts = []
        for name, v in point.items():
            dim = self.space.dims[name]
            label = name if not name.startswith("#") else f"第 {int(name[1:]) + 1} 个键"
            parts.append(f"{label} = {_show_value(dim.type, v)}")
        return "，".join(parts)


def _children(e: ir.Expr) -> Iterator[ir.Expr]:
    if isinstance(e, ir.Arith):
        yield e.left
        yield e.right
    elif isinstance(e, ir.Clamp):
        yield e.expr
        yield e.limit
    elif isinstance(e, ir.MinMax):
        yield from e.args
    elif isinstance(e, ir.Shift):
        yield e.base
        yield e.amount
    elif isinstance(e, ir.Roll):
        yield e.expr
    elif isinstance(e, ir.ScheduleE):
        yield e.total


def analyse(policy: ir.Policy, diags: Diagnostics) -> None:
    Analyser(policy, diags).run()
