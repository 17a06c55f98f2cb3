"""The inputs of a decision as a space of boxes, and conditions turned into boxes there.

Conditions built from single-input comparisons become unions of boxes (one interval or set
of members per input) over the inputs' declared domains; the IR comparisons already carry
the boundary convention's operators.  `uncovered` finds a point no box holds.  This layer
knows the IR (inputs, enums, constants, conditions) but no check and no message: the checks
ask it questions, and a unit test can ask the same ones.

A `Space` is never changed once made.  A table's keys are a new space (`TableSpace`) that
extends the decision's, and the work an analysis may do is a `Budget` value the caller
hands in (`Space.within`): no part resets or extends another's object.  Running out of
budget raises `GiveUp`; the checks turn that into note N608.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import attrs

from polc.compiler import ir
from polc.compiler.ir import CompareOp as C
from polc.compiler.ir import TypeKind as TK

from .algebra import (
    EVERYWHERE,
    Con,
    Cut,
    Iv,
    IvSet,
    Kind,
    between,
    lcut,
    meet,
    minus,
    norm,
    pick,
    scalar,
    subset,
    ucut,
)

Box = dict[str, Con]  # a missing dimension is unconstrained (its whole domain)
# boxes larger than this are given up on: the analyses are for readable policies
MAX_BOXES = 4096
# the work budget of one analysis: a fixed part for small but tangled policies,
# plus a part per row so that large regular policies (one sweep, a few steps per
# row) finish while a pathological one stops in well under a second or two
MAX_STEPS = 20000
STEPS_PER_ROW = 40


class GiveUp(Exception):
    """The analysis would be too expensive; stop it (the caller says so in a note)."""


class Budget:
    """The steps one piece of analysis may take; each analysis gets its own."""

    __slots__ = ("left", "limit")

    def __init__(self, limit: int = MAX_STEPS) -> None:
        self.limit = limit
        self.left = limit  # counted down: `tick` runs per step of every search

    @classmethod
    def for_rows(cls, rows: int) -> Budget:
        return cls(MAX_STEPS + STEPS_PER_ROW * rows)


@attrs.frozen
class Dim:
    name: str
    kind: Kind
    domain: Con
    type: ir.Type


def dim_of_type(name: str, t: ir.Type, policy: ir.Policy | None) -> Dim | None:
    """The dimension of a value of type `t` with no declared range; None when not analysed."""
    if t.kind is TK.ENUM and t.enum and policy is not None:
        return Dim(name, "set", frozenset(m for m, _ in policy.enum(t.enum).members), t)
    if t.kind is TK.BOOL:
        return Dim(name, "set", frozenset({True, False}), t)
    return None


def dim_of_input(inp: ir.Input, policy: ir.Policy) -> Dim | None:
    t = inp.type
    if t.kind in (TK.COUNT, TK.NUM, TK.DATE):
        kind: Kind = "real" if t.kind is TK.NUM else "int"
        lo, hi = scalar(inp.lo), scalar(inp.hi)
        if (inp.lo is not None and lo is None) or (inp.hi is not None and hi is None):
            return None
        dom = norm(Iv(lo, inp.lo_closed, hi, inp.hi_closed), kind)
        return None if dom is None else Dim(inp.name, kind, dom, t)
    return dim_of_type(inp.name, t, policy)  # date-times, roles, lists: not analysed


class Space:
    """Dimensions with their domains, and the budget the questions asked here draw on."""

    def __init__(self, dims: Mapping[str, Dim], budget: Budget,
                 policy: ir.Policy | None = None) -> None:
        self.dims = dims
        self.budget = budget
        self.policy = policy  # for the values of constants in conditions

    @classmethod
    def of_decision(cls, policy: ir.Policy, params: Iterable[str], budget: Budget) -> Space:
        dims = {}
        for p in params:
            dim = dim_of_input(policy.input(p), policy)
            if dim is not None:
                dims[p] = dim
        return cls(dims, budget, policy)

    def within(self, budget: Budget) -> Space:
        """The same space, its questions drawing on `budget`."""
        return Space(self.dims, budget, self.policy)

    def tick(self, n: int = 1) -> None:
        b = self.budget
        b.left -= n
        if b.left < 0:
            raise GiveUp

    def con(self, box: Box, d: str) -> Con:
        return box.get(d, self.dims[d].domain)

    def meet(self, a: Box, b: Box) -> Box | None:
        out = dict(a)
        for d, c in b.items():
            m = meet(self.con(a, d), c, self.dims[d].kind)
            if m is None:
                return None
            out[d] = m
        return out

    def and_(self, a: list[Box], b: list[Box]) -> list[Box]:
        out: list[Box] = []
        for x in a:
            for y in b:
                self.tick()
                m = self.meet(x, y)
                if m is not None:
                    out.append(m)
        if len(out) > MAX_BOXES:
            raise GiveUp
        return dedupe(out)

    def not_(self, a: list[Box]) -> list[Box]:
        acc: list[Box] = [{}]
        for box in a:
            comp: list[Box] = []
            for d, c in box.items():
                for part in minus(self.dims[d].domain, c, self.dims[d].kind):
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
            return dedupe(out)
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
        v = scalar(value)
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
            m = meet(dim.domain, iv, dim.kind)
            if m is not None:
                out.append({dim.name: m})
        return out

    def _is_input(self, e: ir.Expr) -> bool:
        return isinstance(e, ir.Var) and e.scope is ir.Scope.INPUT and e.name in self.dims

    def _value(self, e: ir.Expr) -> object:
        if isinstance(e, ir.Var) and e.scope is ir.Scope.CONST and self.policy is not None \
                and (c := self.policy.const(e.name)):
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
        return self._hole(region, live, sorted(dims_of(live)))

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
        full = [all(subset(self.con(region, e), self.con(b, e), self.dims[e].kind)
                    for e in rest if e in b) for b in boxes]
        if isinstance(rc, frozenset):
            return self._hole_set(region, boxes, d, rest, rc, full)
        assert isinstance(rc, Iv)
        lo_r, hi_r = lcut(rc), ucut(rc, kind)
        starts: dict[Cut, list[int]] = {}
        ends: dict[Cut, list[int]] = {}
        for k, b in enumerate(boxes):
            m = meet(rc, self.con(b, d), kind)
            assert isinstance(m, Iv)
            starts.setdefault(lcut(m), []).append(k)
            ends.setdefault(ucut(m, kind), []).append(k)
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
            piece = between(cut, nxt, kind)
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
                  rc: frozenset[object], full: list[bool]) -> Box | None:
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
        for group, members in order:
            spanning = sorted([*always, *group])
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
        return {d: pick(self.con(box, d)) for d in dims}


_NO = object()


def dedupe(boxes: list[Box]) -> list[Box]:
    # keyed on the items, which are hashable: a list scan was quadratic in boxes
    out: list[Box] = []
    seen: set[frozenset[tuple[str, Con]]] = set()
    for b in boxes:
        key = frozenset(b.items())
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out


def dims_of(boxes: Iterable[Box]) -> set[str]:
    return {d for b in boxes for d in b}


# ---------------------------------------------------------------- contexts


@attrs.frozen
class Ctx:
    """Where a sub-expression is evaluated: boxes over-approximating the inputs that
    reach it, and the inputs whose constraints could not be boxed (dropped)."""

    boxes: tuple[Box, ...]
    fuzzy: frozenset[str]


TOP = Ctx(({},), frozenset())


def refine(space: Space, ctx: Ctx, c: ir.Cond | None, negate: bool = False) -> Ctx:
    """`ctx` where `c` holds (fails, with `negate`); a condition that cannot be boxed
    makes its inputs fuzzy.  Raises GiveUp when the budget runs out."""
    if c is None:
        return ctx
    if not negate and isinstance(c, ir.AndC):
        for item in c.items:
            ctx = refine(space, ctx, item)
        return ctx
    boxes = space.dnf(c)
    if boxes is None:
        return Ctx(ctx.boxes, ctx.fuzzy | inputs(c))
    if negate:
        boxes = space.not_(boxes)
    return Ctx(tuple(space.and_(list(ctx.boxes), boxes)), ctx.fuzzy)


def refine_or_blur(space: Space, ctx: Ctx, c: ir.Cond, negate: bool = False) -> Ctx:
    """`refine`, or `ctx` with the inputs of `c` fuzzy when that is too expensive."""
    try:
        return refine(space, ctx, c, negate)
    except GiveUp:
        return Ctx(ctx.boxes, ctx.fuzzy | inputs(c))


def inputs(node: object) -> frozenset[str]:
    """The inputs a condition or expression reads."""
    return frozenset(n.name for n in ir.walk(node)
                     if isinstance(n, ir.Var) and n.scope is ir.Scope.INPUT)


# ---------------------------------------------------------------- tables


class TableSpace:
    """The keys of a table as dimensions: an input key is that input's dimension
    (so the decision's context applies); any other key is a dimension of its own.
    `space` is the decision's space extended by those dimensions."""

    def __init__(self, outer: Space, keys: tuple[ir.Expr, ...]) -> None:
        self.names: list[str] = []
        self.inputs: set[str] = set()
        self.complete = True  # every key has a known domain, so gaps can be computed
        extra: dict[str, Dim] = {}
        for k, key in enumerate(keys):
            name = f"#{k}"
            if isinstance(key, ir.Var) and key.scope is ir.Scope.INPUT and key.name in outer.dims:
                if key.name in self.names:
                    self.complete = False
                    self.names.append(name)
                    extra[name] = attrs.evolve(outer.dims[key.name], name=name)
                    continue
                self.names.append(key.name)
                self.inputs.add(key.name)
                continue
            self.names.append(name)
            dim = dim_of_type(name, key.type, outer.policy)
            if dim is None:
                self.complete = False
                kind: Kind = "int" if key.type.kind in (TK.COUNT, TK.DATE) else "real"
                dim = Dim(name, kind, EVERYWHERE, key.type)
            extra[name] = dim
        self.space = Space({**outer.dims, **extra}, outer.budget, outer.policy)

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
                v = scalar(t.value)
                c = Iv(v, True, v, True)
            else:
                c = Iv(scalar(t.lo), t.lo_closed, scalar(t.hi), t.hi_closed)
            m = meet(dim.domain, c, dim.kind)
            if m is None:
                return None
            box[name] = m
        return box


# ---------------------------------------------------------------- regions


class Union:
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
        self.ivs: dict[str, IvSet] = {}
        self.sets: dict[str, frozenset[object]] = {}
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
                self.ivs.setdefault(d, IvSet(self.space.dims[d].kind)).add(c)
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


def hull(space: Space, boxes: list[Box]) -> object:
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
            out.append((min(lcut(c) for c in cons),  # type: ignore[arg-type]
                        max(ucut(c, dim.kind) for c in cons)))  # type: ignore[arg-type]
    return tuple(out)


def same_region(space: Space, a: list[Box], b: list[Box]) -> bool:
    return (all(space.uncovered(x, a) is None for x in b)
            and all(space.uncovered(x, b) is None for x in a))


def step(space: Space, x: str, a: Box, b: Box) -> tuple[Box, Box] | None:
    """Points p in a, q in b equal except q[x] > p[x], as two point boxes; or None."""
    rest_a = {d: c for d, c in a.items() if d != x}
    rest_b = {d: c for d, c in b.items() if d != x}
    common = space.meet(rest_a, rest_b)
    if common is None:
        return None
    ax, bx, kind = space.con(a, x), space.con(b, x), space.dims[x].kind
    assert isinstance(ax, Iv) and isinstance(bx, Iv)
    # the lowest point of a below some point of b
    lo_a = pick(ax)
    above = meet(bx, Iv(lo_a, False, None, False), kind)  # type: ignore[arg-type]
    if above is None:
        return None
    hi_b = pick(above)
    return ({**common, x: Iv(lo_a, True, lo_a, True)},  # type: ignore[arg-type]
            {**common, x: Iv(hi_b, True, hi_b, True)})  # type: ignore[arg-type]
