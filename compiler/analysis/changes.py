"""What a new version of a policy changes, decision by decision (`polc diff`, docs/versions.md).

Two things are compared.  The text of a decision: the literals it compares with and
returns (thresholds, amounts, members), paired in order between the two versions, each
change with the sentences both versions quote for it.  And its answers: the input space
is cut, on every dimension, at every value either version compares that input with
(`algebra`: a point for each threshold, the open intervals between), and each cell of
that grid is evaluated by both versions' generated functions (the caller's `evaluate`),
at the cell's representative point (`algebra.pick`: the threshold itself, the midpoint
between two).  Cells whose answers differ are merged into boxes (`space.Box`: an interval
or a set of members per input) per pair of answers.

Within a cell every comparison of one input with a constant has one truth value, so when
a decision is made of such comparisons and of constant answers (rules, tables, levels,
conditions) the cells' answers are its answers everywhere and the regions are exact.  A
decision that computes with its inputs (an amount × an area) or compares two inputs is
evaluated at each cell's point only: the regions found change answer (their examples
prove it), but a change inside a cell between two such points can be missed; the result
says so (`exact`).  A grid of more than `MAX_CELLS` cells keeps, beyond the dimensions
whose thresholds changed, only the dimensions with the fewest cells, the others at an
example's value, and is not exact either.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal

import attrs

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK

from .algebra import Con, Iv, between, lcut, meet, norm, pick, scalar, ucut
from .space import Dim, dim_of_input

__all__ = ["MAX_CELLS", "Change", "DecisionDiff", "Literal", "Region", "compare_decision"]

MAX_CELLS = 60_000

# one case as JSON values, by input name: what `polc eval --input` takes
Case = dict[str, object]
# (the version, "old" or "new"; the case) -> the answer as polc eval prints it (JSON text)
Evaluate = Callable[[str, Case], str]


@attrs.frozen
class Literal:
    value: object
    type: ir.Type
    site: ir.Site


@attrs.frozen
class Change:
    """A literal the new version writes differently (or only one version has)."""

    old: Literal | None
    new: Literal | None


@attrs.frozen
class Region:
    """Cases whose answer changes: the constraint on each constrained input, the two
    answers, and one case of the region (every input) with them."""

    where: tuple[tuple[str, tuple[Con, ...]], ...]  # input -> its pieces (their union)
    old: str
    new: str
    example: Case


@attrs.frozen
class DecisionDiff:
    name: str
    added_inputs: tuple[str, ...]
    removed_inputs: tuple[str, ...]
    domains: tuple[tuple[str, ir.Input, ir.Input], ...]  # inputs whose 取值 changed
    changes: tuple[Change, ...]
    regions: tuple[Region, ...]
    cells: int  # how many cells were evaluated
    exact: bool
    # why not exact, or what was not analysed ("" when exact)
    caveat: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.added_inputs or self.removed_inputs or self.domains or self.changes
                    or self.regions)


# ---------------------------------------------------------------- literals


def _literals(policy: ir.Policy, d: ir.Decision) -> list[Literal]:
    """The literals of a decision in order, each with the site of the rule it is in."""
    out: list[Literal] = []

    def visit(node: object, site: ir.Site) -> None:
        if isinstance(node, tuple):
            for x in node:
                visit(x, site)
            return
        if isinstance(node, ir.Lit):
            if node.value is not None and not isinstance(node.value, bool):
                out.append(Literal(node.value, node.type, site))
            return
        if isinstance(node, ir.EnumVal):
            out.append(Literal(node.member, node.type, site))
            return
        if isinstance(node, ir.Test):
            for v in (node.value, node.lo, node.hi):
                if v is not None:
                    out.append(Literal(v, ir.Type(TK.NUM) if not isinstance(v, str)
                                       else ir.Type(TK.ENUM), site))
            return
        if isinstance(node, ir.Var) and node.scope is ir.Scope.CONST:
            c = policy.const(node.name)
            if c is not None:
                visit(c.expr, c.site)
            return
        if not attrs.has(type(node)) or isinstance(node, (ir.Type, ir.Site)):
            return
        own = getattr(node, "site", None)
        here = own if isinstance(own, ir.Site) else site
        for f in attrs.fields(type(node)):  # type: ignore[arg-type]  # attrs.has above
            if f.name in ("site", "type", "span") or not f.init:
                continue
            visit(getattr(node, f.name), here)

    for let in d.lets:
        visit(let.expr, let.site)
    for r in d.requires:
        visit(r.cond, r.site)
    visit(d.result, d.result_site if d.result_site.clause else d.site)
    return out


def _key(lit: Literal) -> str:
    return f"{lit.type.kind.value}:{lit.type.unit}:{lit.value}"


def literal_changes(old: ir.Policy, od: ir.Decision, new: ir.Policy,
                    nd: ir.Decision) -> list[Change]:
    a, b = _literals(old, od), _literals(new, nd)
    out: list[Change] = []
    matcher = difflib.SequenceMatcher(None, [_key(x) for x in a], [_key(x) for x in b],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            out.append(Change(olds[k] if k < len(olds) else None,
                              news[k] if k < len(news) else None))
    return out


# ---------------------------------------------------------------- cuts and cells


def _closure(policy: ir.Policy, d: ir.Decision) -> list[ir.Decision]:
    seen: dict[str, ir.Decision] = {}
    todo = [d]
    while todo:
        x = todo.pop()
        if x.name in seen:
            continue
        seen[x.name] = x
        todo += [policy.decision(c) for c in x.calls if c not in seen]
    return list(seen.values())


def _const_value(policy: ir.Policy, e: ir.Expr) -> object:
    if isinstance(e, ir.Var) and e.scope is ir.Scope.CONST and (c := policy.const(e.name)):
        e = c.expr
    if isinstance(e, ir.Lit):
        return e.value
    return None


def _cuts(policy: ir.Policy, d: ir.Decision) -> tuple[dict[str, set[object]], list[str]]:
    """Every value an input is compared with in the decision and what it calls, and why
    it is not only comparisons of one input with a constant and constant answers (none:
    the cells' answers are exact)."""
    cuts: dict[str, set[object]] = {}
    why: list[str] = []
    for x in _closure(policy, d):
        for node in ir.walk(x):
            if isinstance(node, ir.Compare):
                boxed = False
                for var, other in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(var, ir.Var) and var.scope is ir.Scope.INPUT:
                        v = scalar(_const_value(policy, other))
                        if v is not None:
                            cuts.setdefault(var.name, set()).add(v)
                            boxed = True
                        elif isinstance(other, ir.EnumVal):
                            boxed = True  # each member is a cell of its own
                if not boxed:
                    why.append(f"{x.name} compares a computed value （{node.text}）")
            elif isinstance(node, ir.TableE):
                for k, key in enumerate(node.keys):
                    if not (isinstance(key, ir.Var) and key.scope is ir.Scope.INPUT):
                        why.append(f"{x.name} looks up a table by a computed key")
                        continue
                    for row in node.rows:
                        t = row.tests[k]
                        for bound in (t.value, t.lo, t.hi):
                            point = scalar(bound)
                            if point is not None:
                                cuts.setdefault(key.name, set()).add(point)
            elif isinstance(node, (ir.Arith, ir.Clamp, ir.MinMax, ir.Shift, ir.CalendarFn,
                                   ir.ScheduleE, ir.Roll)):
                why.append(f"{x.name} computes its answer from its inputs")
    return cuts, why


def cells_of(dim: Dim, cuts: set[object]) -> list[Con]:
    """The dimension's domain cut at each value: each value a cell, and the open stretches
    between them (what lies in the domain of each), lowest first."""
    if dim.kind == "set":
        assert isinstance(dim.domain, frozenset)
        return [frozenset({m}) for m in sorted(dim.domain, key=str)]
    dom = dim.domain
    assert isinstance(dom, Iv)
    points = sorted(v for v in cuts if isinstance(v, (int, Decimal)))
    out: list[Con] = []
    lo = lcut(dom)
    for p in points:
        point = meet(dom, Iv(p, True, p, True), dim.kind)
        below = between(lo, lcut(Iv(p, True, p, True)), dim.kind)
        if below is not None:
            m = meet(dom, below, dim.kind)
            if m is not None:
                out.append(m)
        if point is not None:
            out.append(point)
        lo = ucut(Iv(p, True, p, True), dim.kind)
    rest = between(lo, ucut(dom, dim.kind), dim.kind)
    if rest is not None:
        m = meet(dom, rest, dim.kind)
        if m is not None:
            out.append(m)
    return [c for c in out if not isinstance(c, Iv) or norm(c, dim.kind) is not None]


def to_json(t: ir.Type, v: object) -> object:
    """A point of a dimension (or an IR value) as `polc eval --input` takes it."""
    if t.kind is TK.BOOL:
        return bool(v)
    if t.kind is TK.DATE and isinstance(v, int):
        return dt.date.fromordinal(v).isoformat()
    if t.kind is TK.COUNT:
        return int(v)  # type: ignore[call-overload]
    if isinstance(v, (int, Decimal)):
        d = Decimal(v).normalize()
        return format(d, "f")
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


# ---------------------------------------------------------------- comparing answers


def _base(policy: ir.Policy, name: str) -> Case:
    """An example of the decision that the checker ran (its inputs), for the inputs the
    grid does not vary."""
    for ex in policy.examples:
        if ex.decision == name and not isinstance(ex.expected, ir.Rejected):
            return {k: to_json(policy.input(k).type, v) for k, v in ex.args}
    return {}


def compare_decision(old: ir.Policy, new: ir.Policy, name: str,
                     evaluate: Evaluate) -> DecisionDiff:
    od, nd = old.decision(name), new.decision(name)
    oparams, nparams = set(od.params), set(nd.params)
    params = list(dict.fromkeys([*od.params, *nd.params]))
    domains = tuple((p, old.input(p), new.input(p)) for p in params
                    if p in oparams and p in nparams
                    and _domain(old.input(p)) != _domain(new.input(p)))
    changes = literal_changes(old, od, new, nd)
    ocuts, owhy = _cuts(old, od)
    ncuts, nwhy = _cuts(new, nd)
    caveats = list(dict.fromkeys([*owhy, *nwhy]))
    exact = not caveats
    dims: dict[str, Dim] = {}
    for p in params:
        src = new if p in nparams else old
        dim = dim_of_input(src.input(p), src)
        if dim is not None and dim.type.kind is TK.DATE:
            # the days a date can be: a cell's point is always a real day
            days = meet(dim.domain, Iv(1, True, dt.date.max.toordinal(), True), "int")
            dim = None if days is None else attrs.evolve(dim, domain=days)
        if dim is not None:
            dims[p] = dim
    base = {**_base(old, name), **_base(new, name)}
    fixed = [p for p in params if p not in dims]
    missing = [p for p in fixed if p not in base]
    if missing:
        return DecisionDiff(name, tuple(p for p in nd.params if p not in oparams),
                            tuple(p for p in od.params if p not in nparams), domains,
                            tuple(changes), (), 0, False,
                            "not compared: no example gives a value for " + ", ".join(missing))
    if fixed:
        exact = False
        caveats.append("held at an example's value: " + ", ".join(fixed))
    grid = {p: cells_of(dims[p], ocuts.get(p, set()) | ncuts.get(p, set())) for p in dims}
    varied = list(grid)
    total = _product(len(grid[p]) for p in varied)
    if total > MAX_CELLS:
        moved = {p for p in varied if ocuts.get(p, set()) != ncuts.get(p, set())}
        keep = sorted(varied, key=lambda p: (p not in moved, len(grid[p]), p))
        varied = []
        for p in keep:
            if _product(len(grid[q]) for q in [*varied, p]) <= MAX_CELLS:
                varied.append(p)
        held = [p for p in grid if p not in varied]
        for p in held:
            base.setdefault(p, to_json(dims[p].type, pick(dims[p].domain)))
        exact = False
        caveats.append(f"over {MAX_CELLS} cells: held at an example's value: "
                       + ", ".join(held))
    cells = 0
    found: dict[tuple[str, str], list[tuple[int, ...]]] = {}
    examples: dict[tuple[int, ...], Case] = {}
    for index in itertools.product(*(range(len(grid[p])) for p in varied)):
        case = dict(base)
        for p, k in zip(varied, index, strict=True):
            case[p] = to_json(dims[p].type, pick(grid[p][k]))
        cells += 1
        a = evaluate("old", {k: v for k, v in case.items() if k in oparams})
        b = evaluate("new", {k: v for k, v in case.items() if k in nparams})
        if a != b:
            found.setdefault((a, b), []).append(index)
            examples[index] = case
    regions = []
    for (a, b), idx in found.items():
        for box in _merge(idx, len(varied)):
            corner = tuple(min(s) for s in box)  # a box holds only cells found, so this one
            where = tuple((p, tuple(_runs(grid[p], sorted(box[k]), dims[p])))
                          for k, p in enumerate(varied) if len(box[k]) < len(grid[p]))
            regions.append(Region(where, a, b, examples[corner]))
    regions.sort(key=lambda r: (r.old, r.new, str(r.where)))
    return DecisionDiff(name, tuple(p for p in nd.params if p not in oparams),
                        tuple(p for p in od.params if p not in nparams), domains,
                        tuple(changes), tuple(regions), cells, exact, "; ".join(caveats))


def _domain(i: ir.Input) -> tuple[object, ...]:
    return (i.type.kind, i.type.unit, i.type.enum, i.lo, i.lo_closed, i.hi, i.hi_closed)


def _product(ns: Iterator[int] | list[int]) -> int:
    out = 1
    for n in ns:
        out *= n
    return out


def _merge(cells: list[tuple[int, ...]], n: int) -> list[tuple[frozenset[int], ...]]:
    """The cells as boxes (a set of cell indices per dimension): on each dimension in turn,
    the boxes equal on every other dimension become one.  Their union is exactly the
    cells given."""
    boxes: list[tuple[frozenset[int], ...]] = [tuple(frozenset({i}) for i in c) for c in cells]
    for k in range(n):
        groups: dict[tuple[frozenset[int], ...], set[int]] = {}
        for b in boxes:
            groups.setdefault(b[:k] + b[k + 1:], set()).update(b[k])
        boxes = [rest[:k] + (frozenset(s),) + rest[k:] for rest, s in groups.items()]
    return sorted(boxes, key=lambda b: tuple(min(s) for s in b))


def _runs(cells: list[Con], indices: list[int], dim: Dim) -> Iterator[Con]:
    """Consecutive cells of a numeric dimension joined into intervals; members as one set."""
    if dim.kind == "set":
        yield frozenset().union(*(cells[i] for i in indices))  # type: ignore[arg-type]
        return
    start = prev = indices[0]
    for i in [*indices[1:], None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        a, b = cells[start], cells[prev]
        assert isinstance(a, Iv) and isinstance(b, Iv)
        yield Iv(a.lo, a.lo_c, b.hi, b.hi_c)
        if i is not None:
            start = prev = i
