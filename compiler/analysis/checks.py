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
false one.  An analysis that runs out of its work budget (a pathological
policy) stops with note N608 on that decision, never silently.

The analyses are sized for policies of 10,000 rows: table overlaps sweep
rows sorted on one ordered key within buckets of equal enum cells, gaps sweep
the breakpoints of one dimension at a time, shadowing keeps the union of
earlier one-input rows as merged interval sets, and the monotonicity of
one-input levels is decided from prefix/suffix maxima instead of all pairs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

import attrs

from polc.compiler import ir
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.ir import CompareOp as C
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import MONEY

Num = int | Decimal
# boxes larger than this are given up on: the analyses are for readable policies
MAX_BOXES = 4096
# the work budget of one analysis: a fixed part for small but tangled policies,
# plus a part per row so that large regular policies (one sweep, a few steps per
# row) finish while a pathological one stops in well under a second or two
MAX_STEPS = 20000
STEPS_PER_ROW = 40


class _GiveUp(Exception):
    """The analysis would be too expensive; stop it (the caller says so in a note)."""


# ---------------------------------------------------------------- cuts
# A cut is a position between points of an ordered dimension: (v, 0) lies just
# below v, (v, 1) just above it, ±inf at the ends.  An interval is the points
# between its lower and upper cut, so intersection, containment and adjacency
# become tuple comparisons and intervals can be sorted and swept.  On integer
# dimensions the upper cut of [a, b] is (b + 1, 0): [1, 3] and [4, 5] then touch,
# as they do (no integer lies between them).

Cut = tuple[Num | float, int]
_LOW: Cut = (-math.inf, 0)
_HIGH: Cut = (math.inf, 0)


def _lcut(c: Iv) -> Cut:
    if c.lo is None:
        return _LOW
    return (c.lo, 0 if c.lo_c else 1)


def _ucut(c: Iv, kind: str) -> Cut:
    if c.hi is None:
        return _HIGH
    if kind == "int":
        return (c.hi + 1, 0)  # integer intervals are normalised closed
    return (c.hi, 1 if c.hi_c else 0)


def _between(lo: Cut, hi: Cut, kind: str) -> Iv | None:
    """The interval between two cuts; None when it holds no point."""
    lv = None if lo[0] == -math.inf else lo[0]
    hv = None if hi[0] == math.inf else hi[0]
    if kind == "int":
        return _norm(Iv(lv, True, None if hv is None else hv - 1, True), kind)  # type: ignore[operator]
    return _norm(Iv(lv, lo[1] == 0, hv, hi[1] == 1), kind)  # type: ignore[arg-type]


class _IvSet:
    """A union of intervals of one dimension, kept as sorted, disjoint, merged
    components, so adding one and asking whether it contains one take log time."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.los: list[Cut] = []
        self.his: list[Cut] = []

    def add(self, c: Iv) -> None:
        lo, hi = _lcut(c), _ucut(c, self.kind)
        # components that overlap or touch [lo, hi) merge with it
        a = bisect.bisect_left(self.his, lo)
        b = bisect.bisect_right(self.los, hi)
        if a < b:
            lo, hi = min(lo, self.los[a]), max(hi, self.his[b - 1])
        self.los[a:b] = [lo]
        self.his[a:b] = [hi]

    def remove(self, c: Iv) -> None:
        lo, hi = _lcut(c), _ucut(c, self.kind)
        a = bisect.bisect_right(self.his, lo)
        b = bisect.bisect_left(self.los, hi)
        if a >= b:
            return
        # the components cut by [lo, hi) keep what lies outside it
        keep = [(p, q) for p, q in ((self.los[a], lo), (hi, self.his[b - 1])) if p < q]
        self.los[a:b] = [p for p, _ in keep]
        self.his[a:b] = [q for _, q in keep]

    def contains(self, c: Iv) -> bool:
        lo, hi = _lcut(c), _ucut(c, self.kind)
        k = bisect.bisect_right(self.los, lo) - 1
        return k >= 0 and self.his[k] >= hi

    def meeting(self, c: Iv) -> list[Iv]:
        """The components that meet `c`."""
        lo, hi = _lcut(c), _ucut(c, self.kind)
        a = bisect.bisect_right(self.his, lo)
        b = bisect.bisect_left(self.los, hi)
        out = []
        for k in range(a, b):
            iv = _between(self.los[k], self.his[k], self.kind)
            if iv is not None:
                out.append(iv)
        return out


# ---------------------------------------------------------------- intervals


class Iv(NamedTuple):
    """An interval; None bounds are infinite.  Integer dimensions keep closed bounds.

    A named tuple rather than an attrs class: the analyses build hundreds of
    thousands of intervals on large policies and a frozen attrs __init__ costs
    three times as much."""

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
        self.steps = 0
        self.budget = MAX_STEPS
        for p in params:
            dim = self._dim(policy.input(p))
            if dim is not None:
                self.dims[p] = dim

    def _dim(self, inp: ir.Input) -> Dim | None:
        t = inp.type
        if t.kind is TK.ENUM and t.enum:
            members = frozenset(m for m, _ in self.policy.enum(t.enum).members)
            return Dim(inp.name, "set", members, t)
        if t.kind is TK.BOOL:
            return Dim(inp.name, "set", frozenset({True, False}), t)
        if t.kind in (TK.COUNT, TK.NUM, TK.DATE):
            kind = "real" if t.kind is TK.NUM else "int"
            lo, hi = _scalar(inp.lo), _scalar(inp.hi)
            if (inp.lo is not None and lo is None) or (inp.hi is not None and hi is None):
                return None
            dom = _norm(Iv(lo, inp.lo_closed, hi, inp.hi_closed), kind)
            return None if dom is None else Dim(inp.name, kind, dom, t)
        return None  # date-times, roles, lists: not analysed

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.budget:
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
            if isinstance(e, ir.Var) and e.scope is ir.Scope.INPUT and e.name in self.dims:
                return [{e.name: frozenset({True})}]
            if isinstance(e, ir.NamedE):
                return self.dnf((ir.AndC if e.kind is ir.Quantifier.ALL else ir.OrC)(
                    tuple(i.cond for i in e.items), c.text, c.span))
            return None
        if isinstance(c, ir.Compare):
            return self.compare(c)
        return None

    def compare(self, c: ir.Compare) -> list[Box] | None:
        left, op, right = c.left, c.op, c.right
        if not self._is_input(left):
            left, right = right, left
            op = op.flipped
        if not self._is_input(left):
            return None
        assert isinstance(left, ir.Var)
        dim = self.dims[left.name]
        value = self._value(right)
        if value is _NO:
            return None
        if dim.kind == "set":
            if op not in (C.EQ, C.NE):
                return None
            assert isinstance(dim.domain, frozenset)
            s = frozenset({value}) & dim.domain
            if op is C.NE:
                s = dim.domain - s
            return [{dim.name: s}] if s else []
        v = _scalar(value)  # type: ignore[arg-type]
        if v is None:
            return None
        ivs = {C.LT: [Iv(None, False, v, False)], C.LE: [Iv(None, False, v, True)],
               C.GT: [Iv(v, False, None, False)], C.GE: [Iv(v, True, None, False)],
               C.EQ: [Iv(v, True, v, True)],
               C.NE: [Iv(None, False, v, False), Iv(v, False, None, False)]}.get(op)
        if ivs is None:
            return None
        out: list[Box] = []
        for iv in ivs:
            m = _meet(dim.domain, iv, dim.kind)
            if m is not None:
                out.append({dim.name: m})
        return out

    def _is_input(self, e: ir.Expr) -> bool:
        return isinstance(e, ir.Var) and e.scope is ir.Scope.INPUT and e.name in self.dims

    def _value(self, e: ir.Expr) -> object:
        if isinstance(e, ir.Var) and e.scope is ir.Scope.CONST and (c := self.policy.const(e.name)):
            e = c.expr
        if isinstance(e, ir.Lit):
            return e.value
        if isinstance(e, ir.EnumVal):
            return e.member
        return _NO

    # ------------------------------------------------------------ search
    def uncovered(self, region: Box, boxes: list[Box]) -> Box | None:
        """A non-empty sub-box of `region` that no box covers (lowest first), or None.

        Sweeps the dimensions in name order: the region is cut at the boundaries
        of the boxes on the first dimension, and each piece is searched on the
        remaining dimensions with only the boxes that span it.  On one dimension
        the hole is the lowest maximal uncovered interval; the work follows the
        number of boundaries, never a full grid, and never recurses per box.
        """
        self.tick(1 + len(boxes))  # before the filter: it costs a meet per box
        live = [b for b in boxes if self.meet(region, b) is not None]
        if not live:
            return region
        return self._hole(region, live, sorted(_dims_of(live)))

    def _hole(self, region: Box, boxes: list[Box], dims: list[str]) -> Box | None:
        """`uncovered` for boxes that all meet `region` and only cut it on `dims`."""
        self.tick()
        if not boxes:
            return region
        if not dims:
            return None
        d, rest = dims[0], dims[1:]
        kind = self.dims[d].kind
        rc = self.con(region, d)
        # a box that spans the region on the later dimensions covers all of its
        # piece of this one: such boxes are counted, never searched further
        self.tick(len(boxes))
        full = [all(_subset(self.con(region, e), self.con(b, e), self.dims[e].kind)
                    for e in rest if e in b) for b in boxes]
        if isinstance(rc, frozenset):
            return self._hole_set(region, boxes, d, rest, rc, full)
        assert isinstance(rc, Iv)
        lo_r, hi_r = _lcut(rc), _ucut(rc, kind)
        starts: dict[Cut, list[int]] = {}
        ends: dict[Cut, list[int]] = {}
        for k, b in enumerate(boxes):
            m = _meet(rc, self.con(b, d), kind)
            assert isinstance(m, Iv)
            starts.setdefault(_lcut(m), []).append(k)
            ends.setdefault(_ucut(m, kind), []).append(k)
        cuts = sorted({lo_r, hi_r, *starts, *ends})
        n_full = 0
        partial: dict[int, None] = {}  # the boxes spanning the current piece that are not full
        for cut, nxt in itertools.pairwise(cuts):
            for k in ends.get(cut, ()):
                if full[k]:
                    n_full -= 1
                else:
                    del partial[k]
            for k in starts.get(cut, ()):
                if full[k]:
                    n_full += 1
                else:
                    partial[k] = None
            if n_full:
                continue
            piece = _between(cut, nxt, kind)
            if piece is None:
                continue
            sub = {**region, d: piece}
            if not partial:
                return sub
            self.tick(len(partial))
            found = self._hole(sub, [boxes[k] for k in sorted(partial)], rest)
            if found is not None:
                return found
        return None

    def _hole_set(self, region: Box, boxes: list[Box], d: str, rest: list[str],
                  rc: frozenset, full: list[bool]) -> Box | None:
        """`_hole` on an enum or yes/no dimension: members grouped by the boxes
        that hold them, the groups of earlier boxes first (as a split on the first
        box would), then the members no constraining box holds."""
        always = [k for k, b in enumerate(boxes) if d not in b]
        holders: dict[object, list[int]] = {m: [] for m in rc}
        for k, b in enumerate(boxes):
            c = b.get(d)
            if isinstance(c, frozenset):
                for m in c & rc:
                    holders[m].append(k)
        groups: dict[tuple[int, ...], list[object]] = {}
        for m, ks in holders.items():
            groups.setdefault(tuple(ks), []).append(m)
        order = sorted(groups.items(), key=lambda g: (g[0] or (len(boxes),),
                                                      min(str(m) for m in g[1])))
        for ks, members in order:
            spanning = sorted([*always, *ks])
            if any(full[k] for k in spanning):
                continue
            sub = {**region, d: frozenset(members)}
            if not spanning:
                return sub
            self.tick(len(spanning))
            found = self._hole(sub, [boxes[k] for k in spanning], rest)
            if found is not None:
                return found
        return None

    def point(self, box: Box, dims: Iterable[str]) -> dict[str, object]:
        return {d: _pick(self.con(box, d)) for d in dims}

    def show(self, d: str, value: object) -> str:
        dim = self.dims[d]
        return f"{d} = {_show_value(dim.type, value)}"

    def show_point(self, point: dict[str, object]) -> str:
        return "，".join(self.show(d, v) for d, v in point.items())


_NO = object()


def _dedupe(boxes: list[Box]) -> list[Box]:
    # keyed on the items, which are hashable: a list scan was quadratic in boxes
    out: list[Box] = []
    seen: set[frozenset[tuple[str, Con]]] = set()
    for b in boxes:
        key = frozenset(b.items())
        if key not in seen:
            seen.add(key)
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
    if t.kind is TK.DATE and isinstance(v, int):
        return dt.date.fromordinal(v).isoformat()
    if isinstance(v, (int, Decimal)):
        if t.unit == MONEY:
            for factor, word in ((100000000, "亿元"), (10000, "万元")):
                if v != 0 and v % factor == 0:
                    return f"{_num(Decimal(v) / factor)}{word}"
            return f"{_num(v)}元"
        if t.unit.dimensionless:
            return f"{_num(Decimal(v) * 100)}%" if t.kind is TK.NUM else _num(v)
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
        if isinstance(n, ir.Var) and n.scope is ir.Scope.INPUT:
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

    def guarded(self, space: Space, e: ir.LevelsE | ir.RulesE | ir.TableE, fn: object,
                *args: object) -> None:
        space.steps = 0
        space.budget = MAX_STEPS + STEPS_PER_ROW * len(e.rows)
        try:
            fn(*args)  # type: ignore[operator]
        except _GiveUp:
            # findings made before the budget ran out stand; say that the rest is
            # unknown rather than let a clean run suggest the decision is clean
            what = {ir.LevelsE: "取最严重", ir.RulesE: "依次", ir.TableE: "查表"}[type(e)]
            self.d.note("N608", f"{what} 过于复杂（{len(e.rows)} 行），静态分析（缺口、重叠、"
                        "遮蔽、单调）未做完，已中止", e.span,
                        hint="split the decision into smaller tables or simplify its "
                             "conditions to have it analysed in full")
        finally:
            space.budget = MAX_STEPS

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
            self.guarded(space, e, self.levels, e, space, ctx)
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, self._after(space, ctx,
                                                               [r.cond for r in e.rows]))
            return
        if isinstance(e, ir.RulesE):
            self.guarded(space, e, self.rules, e, space, ctx)
            # the context after rules 0..i-1 is built once, one rule at a time
            # (recomputing it from ctx for every rule was quadratic)
            sub = ctx
            for row in e.rows:
                self.walk(row.expr, space, self._with(space, sub, row.cond))
                sub = self._after(space, sub, [row.cond])
            if e.otherwise is not None:
                self.walk(e.otherwise.expr, space, sub)
            return
        if isinstance(e, ir.TableE):
            self.guarded(space, e, self.table, e, space, ctx)
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
        earlier = _Union(space)
        hulls: dict[object, list[int]] = {}  # rows by the hull of their region
        for i, (boxes, site) in enumerate(rows):
            if boxes is None:
                continue
            space.tick()
            hull = _hull(space, boxes)
            reachable = [m for r in ctx.boxes for b in boxes
                         for m in [space.meet(r, b)] if m is not None]
            if not reachable:
                if not boxes:
                    msg = f"{what}的条件永远不成立"
                else:
                    msg = f"{what}在允许的取值范围内永远不会适用"
                self.d.warning("W605", msg, site.span,
                               hint="remove the row or correct its condition")
            elif earlier and all(earlier.covers(r) for r in reachable):
                # equal regions have equal hulls: only rows with this hull are compared
                same = [j for j in hulls.get(hull, ())
                        if _same_region(space, rows[j][0] or [], boxes)]
                firsts = itertools.islice((j for j in range(i) if rows[j][0] is not None), 3)
                related = [(rows[j][1].span, "this earlier row takes every case")
                           for j in (same[:3] or firsts)]
                if same:
                    msg = f"{what}与前面的第 {same[0] + 1} 行条件相同，永远不会适用"
                else:
                    msg = f"{what}被前面的行完全遮蔽，永远不会适用"
                self.d.warning("W605", msg, site.span, related=related,
                               hint="reorder the rows, or remove the unreachable one")
            for b in boxes:
                earlier.add(b)
            hulls.setdefault(hull, []).append(i)

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
        quantities = sorted(d for d in _dims_of(b for r in rows for b in r)
                            if space.dims[d].kind != "set" and space.dims[d].type.kind is not TK.DATE)
        alone = _dims_of(b for r in rows for b in r) | _dims_of(ctx.boxes)
        if len(quantities) == 1 and alone == set(quantities):
            # one input throughout: the level as a function of it is a sequence of
            # intervals, decided in n log n (the pairwise search is quadratic)
            found = _worse_1d(space, quantities[0], ctx, rows)
            steps = [] if found is None else [(quantities[0], found)]
        else:
            steps = self._worse_boxes(space, ctx, rows, quantities)
        for x, worse in steps:
            if worse is not None:
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

    def _worse_boxes(self, space: Space, ctx: Ctx, rows: list[list[Box]], quantities: list[str]
                     ) -> Iterator[tuple[str, tuple[int, int, Box, Box] | None]]:
        """Per quantity, the first step to a less severe level, when steps to a more
        severe one exist too: all pairs of boxes, for levels over several inputs."""
        eff: list[list[Box]] = []
        before: list[Box] = list(ctx.boxes)
        for r in rows:
            eff.append(space.and_(before, r))
            before = space.and_(before, space.not_(r))
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
            yield x, (worse if better else None)

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
        # each row is reported against its first earlier row that is identical or
        # overlaps it inside the region (as a scan of all earlier rows would);
        # identical rows come from a dict, overlaps from _overlaps' sweep
        first_same: dict[int, int] = {}
        seen: dict[tuple[ir.Test, ...], int] = {}
        for j, row in enumerate(e.rows):
            if row.tests in seen:
                first_same[j] = seen[row.tests]
            else:
                seen[row.tests] = j
        # rows with the same box (duplicates, or equal up to the key's domain) are
        # swept once: many copies of one row would otherwise make the sweep quadratic
        same_box: dict[frozenset[tuple[str, Con]], list[int]] = {}
        for k, r in enumerate(rows):
            if r is not None:
                same_box.setdefault(frozenset(r.items()), []).append(k)
        members = {ks[0]: ks for ks in same_box.values()}
        first_hit: dict[int, tuple[int, Box]] = {}

        def hit(i: int, j: int, box: Box) -> None:
            if j not in first_hit or i < first_hit[j][0]:
                first_hit[j] = (i, box)

        def region_hit(both: Box | None) -> Box | None:
            for r in region if both is not None else ():
                m = keyed.space.meet(r, both)  # type: ignore[arg-type]
                if m is not None:
                    return m
            return None

        for c, ks in members.items():
            box = region_hit(rows[c]) if len(ks) > 1 else None
            for j in ks[1:] if box is not None else ():
                hit(c, j, box)  # type: ignore[arg-type]
        for a, b in _overlaps(keyed, rows, sorted(members)):
            box = region_hit(keyed.space.meet(rows[a], rows[b]))  # type: ignore[arg-type]
            if box is None:
                continue
            for one, other in ((members[a], members[b]), (members[b], members[a])):
                for j in other:
                    if one[0] < j:
                        hit(one[0], j, box)
        for j, row_j in enumerate(e.rows):
            same, hit = first_same.get(j), first_hit.get(j)
            if same is not None and (hit is None or same <= hit[0]):
                self.d.error("E604", "查表 的这一行与前面的行完全相同", row_j.site.span,
                             related=[(e.rows[same].site.span, "the same row")],
                             hint="remove one of the two rows")
                continue
            if hit is not None:
                i, box = hit
                row_i = e.rows[i]
                shown = keyed.show(keyed.space.point(box, keyed.names))
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
            if t.kind is ir.MatchKind.ANY:
                return
            lo = _scalar(t.value if t.kind is ir.MatchKind.EQ else t.lo)
            hi = _scalar(t.value if t.kind is ir.MatchKind.EQ else t.hi)
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


def _overlaps(keyed: _TableSpace, rows: list[Box | None], ks: list[int]
              ) -> Iterator[tuple[int, int]]:
    """The pairs i < j of the boxed rows `ks` that may overlap: every overlapping
    pair, and few others.  Rows are bucketed by their enum/yes-no cells (a `*` cell matches
    every bucket, so rows with `*` in different places are bucketed per pair of
    patterns), then swept on an ordered key: sorted by lower bound, each row
    meets exactly the earlier rows whose upper bound lies above its lower bound."""
    space = keyed.space
    sets = [d for d in keyed.names if space.dims[d].kind == "set"]
    ordered = [d for d in keyed.names if space.dims[d].kind != "set"]
    patterns: dict[tuple[bool, ...], list[int]] = {}
    for k in ks:
        r = rows[k]
        if r is not None:
            patterns.setdefault(tuple(d in r for d in sets), []).append(k)
    keys = list(patterns)
    for a, pa in enumerate(keys):
        for pb in keys[a:]:
            common = [d for d, x, y in zip(sets, pa, pb, strict=True) if x and y]
            left = _bucket(rows, patterns[pa], common)
            right = left if pb == pa else _bucket(rows, patterns[pb], common)
            for cell, here in left.items():
                other = right.get(cell)
                if other is None:
                    continue
                for i, j in _sweep(keyed, rows, ordered, here, None if pb == pa else other):
                    yield (i, j) if i < j else (j, i)


def _bucket(rows: list[Box | None], ks: list[int], dims: list[str]) -> dict[tuple[Con, ...],
                                                                         list[int]]:
    out: dict[tuple[Con, ...], list[int]] = {}
    for k in ks:
        r = rows[k]
        assert r is not None
        out.setdefault(tuple(r[d] for d in dims), []).append(k)
    return out


def _sweep(keyed: _TableSpace, rows: list[Box | None], ordered: list[str], a: list[int],
           b: list[int] | None) -> Iterator[tuple[int, int]]:
    """Pairs within `a` (b None) or across `a` and `b` whose cells meet on every
    ordered key in `ordered`; with no ordered key, every pair.

    Rows with the same interval on the sweep key form a column, and columns are
    swept (sorted by lower bound, each meets the open columns whose upper bound
    lies above it); within a column and between two columns that meet, the
    remaining keys are swept the same way.  A grid of bands over two keys then
    costs n log n, not n times the rows of a band."""
    space = keyed.space
    if not ordered:
        if b is None:
            for x, y in itertools.combinations(a, 2):
                space.tick()
                yield x, y
        else:
            for x in a:
                space.tick(1 + len(b))
                for y in b:
                    yield x, y
        return
    d = ordered[0] if len(ordered) == 1 else min(
        ordered, key=lambda o: _crossings(keyed, rows, o, a + (b or [])))
    rest = [o for o in ordered if o != d]
    kind = space.dims[d].kind
    columns: dict[tuple[Cut, Cut], tuple[list[int], list[int]]] = {}
    for side, ks in ((0, a), (1, b or [])):
        for k in ks:
            r = rows[k]
            assert r is not None
            c = space.con(r, d)
            assert isinstance(c, Iv)
            columns.setdefault((_lcut(c), _ucut(c, kind)), ([], []))[side].append(k)
    for col_a, col_b in columns.values():
        if b is None:
            yield from _sweep(keyed, rows, rest, col_a, None)
        elif col_a and col_b:
            yield from _sweep(keyed, rows, rest, col_a, col_b)
    # per open column: (upper cut, its rows); the columns sorted by lower cut
    open_: list[tuple[Cut, int]] = []
    spans = sorted(columns, key=lambda span: span)
    for n, (lo, hi) in enumerate(spans):
        while open_ and open_[0][0] <= lo:
            heapq.heappop(open_)
        space.tick(1 + len(open_))
        here = columns[(lo, hi)]
        for _, m in open_:
            there = columns[spans[m]]
            if b is None:
                yield from _sweep(keyed, rows, rest, there[0], here[0])
            else:
                if there[0] and here[1]:
                    yield from _sweep(keyed, rows, rest, there[0], here[1])
                if here[0] and there[1]:
                    yield from _sweep(keyed, rows, rest, here[0], there[1])
        heapq.heappush(open_, (hi, n))


def _crossings(keyed: _TableSpace, rows: list[Box | None], d: str, ks: list[int]) -> int:
    """How many pairs of the rows meet on key `d` (what a sweep on it would yield)."""
    space = keyed.space
    kind = space.dims[d].kind
    los: list[Cut] = []
    his: list[Cut] = []
    for k in ks:
        r = rows[k]
        assert r is not None
        c = space.con(r, d)
        assert isinstance(c, Iv)
        los.append(_lcut(c))
        his.append(_ucut(c, kind))
    los.sort()
    his.sort()
    # pairs that do not meet: one ends at or below where the other starts
    apart = sum(len(los) - bisect.bisect_left(los, h) for h in his)
    space.tick(1 + len(ks) // 8)
    return len(ks) * (len(ks) - 1) // 2 - apart


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


class _Union:
    """The union of the boxes of earlier rows, for W605.  A box that constrains
    one input (the usual row: `people 200人以上`, `kind == a`) is a slab, kept
    per input as merged intervals or a set of members: a row is covered by
    slabs alone exactly when one input's slabs contain it (the uncovered part
    of a box is the product of what each input leaves), a log-time test.  Only
    when other boxes exist does the general search run."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.count = 0
        self.everything = False
        self.ivs: dict[str, _IvSet] = {}
        self.sets: dict[str, frozenset] = {}
        self.other: list[Box] = []

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, b: Box) -> None:
        self.count += 1
        if not b:
            self.everything = True
        elif len(b) == 1:
            ((d, c),) = b.items()
            if isinstance(c, frozenset):
                self.sets[d] = self.sets.get(d, frozenset()) | c
            else:
                self.ivs.setdefault(d, _IvSet(self.space.dims[d].kind)).add(c)
        else:
            self.other.append(b)

    def covers(self, r: Box) -> bool:
        space = self.space
        if self.everything:
            return True
        for d, ivs in self.ivs.items():
            c = space.con(r, d)
            assert isinstance(c, Iv)
            if ivs.contains(c):
                return True
        for d, members in self.sets.items():
            c = space.con(r, d)
            assert isinstance(c, frozenset)
            if c <= members:
                return True
        if not self.other:
            return False
        boxes: list[Box] = []
        for d, ivs in self.ivs.items():
            c = space.con(r, d)
            assert isinstance(c, Iv)
            boxes.extend({d: iv} for iv in ivs.meeting(c))
        boxes.extend({d: members} for d, members in self.sets.items())
        return space.uncovered(r, boxes + self.other) is None


def _hull(space: Space, boxes: list[Box]) -> object:
    """The smallest box around a region, hashable; equal regions have equal hulls."""
    if not boxes:
        return None
    out: list[object] = []
    for d in sorted(space.dims):
        dim = space.dims[d]
        cons = [space.con(b, d) for b in boxes]
        if dim.kind == "set":
            out.append(frozenset().union(*cons))
        else:
            out.append((min(_lcut(c) for c in cons),  # type: ignore[arg-type]
                        max(_ucut(c, dim.kind) for c in cons)))  # type: ignore[arg-type]
    return tuple(out)


def _worse_1d(space: Space, x: str, ctx: Ctx, rows: list[list[Box]]
              ) -> tuple[int, int, Box, Box] | None:
    """W607 when every box constrains only `x`: what the pairwise search finds.

    The region of level i (its condition, minus the levels above it, inside the
    context) is kept as merged intervals of x.  A level j below i is reached by
    more x from some a of level i when a box b of level j has points above
    a's lowest, i.e. when the box of j reaching highest does: maxima of the
    upper bounds over the levels below (suffix) and above (prefix) answer
    whether such pairs exist; the first pair is then found in one scan."""
    kind = space.dims[x].kind
    dom = space.dims[x].domain
    assert isinstance(dom, Iv)
    before = _IvSet(kind)
    for c in ctx.boxes:
        m = _meet(dom, space.con(c, x), kind)
        if m is not None:
            before.add(m)  # type: ignore[arg-type]
    eff: list[list[Iv]] = []
    for r in rows:
        space.tick()
        mine = _IvSet(kind)
        for b in r:
            c = space.con(b, x)
            assert isinstance(c, Iv)
            for part in before.meeting(c):
                m = _meet(part, c, kind)
                if m is not None:
                    mine.add(m)  # type: ignore[arg-type]
        parts = mine.meeting(Iv(None, False, None, False))
        eff.append(parts)
        for part in parts:
            before.remove(part)

    def top(ivs: list[Iv]) -> Iv | None:
        return max(ivs, key=lambda c: _ucut(c, kind), default=None)

    def above(b: Iv | None, a: Iv) -> bool:
        """b has a point above a's lowest (_step's test)."""
        t = _pick(a)
        return b is not None and _meet(b, Iv(t, False, None, False), kind) is not None  # type: ignore[arg-type]

    def higher(p: Iv | None, q: Iv | None) -> Iv | None:
        if p is None or (q is not None and _ucut(q, kind) > _ucut(p, kind)):
            return q
        return p

    tops = [top(parts) for parts in eff]
    better = False  # more x somewhere gives a more severe level
    prefix: Iv | None = None
    for parts, t in zip(eff, tops, strict=True):
        if any(above(prefix, b) for b in parts):
            better = True
            break
        prefix = higher(prefix, t)
    if not better:
        return None
    suffix: list[Iv | None] = [None] * (len(eff) + 1)
    for k in range(len(eff) - 1, -1, -1):
        suffix[k] = higher(suffix[k + 1], tops[k])
    for i, parts in enumerate(eff):
        if not any(above(suffix[i + 1], a) for a in parts):
            continue
        for j in range(i + 1, len(eff)):
            for a in parts:
                for b in eff[j]:
                    pair = _step(space, x, {x: a}, {x: b})
                    if pair is not None:
                        return (i, j, *pair)
    return None


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
            if isinstance(key, ir.Var) and key.scope is ir.Scope.INPUT and key.name in outer.dims:
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
            if t.kind is TK.ENUM and t.enum:
                dom: Con = frozenset(m for m, _ in outer.policy.enum(t.enum).members)
                outer.dims[name] = Dim(name, "set", dom, t)
            elif t.kind is TK.BOOL:
                outer.dims[name] = Dim(name, "set", frozenset({True, False}), t)
            else:
                self.complete = False
                kind = "int" if t.kind in (TK.COUNT, TK.DATE) else "real"
                outer.dims[name] = Dim(name, kind, Iv(None, False, None, False), t)

    def row(self, row: ir.TableRow) -> Box | None:
        """The row's box; None when a pattern lies outside the key's domain."""
        box: Box = {}
        for name, t in zip(self.names, row.tests):
            dim = self.space.dims[name]
            if t.kind is ir.MatchKind.ANY:
                continue
            if dim.kind == "set":
                c: Con = frozenset({t.value})
            elif t.kind is ir.MatchKind.EQ:
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
