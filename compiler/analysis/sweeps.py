"""The searches that keep the checks near n log n on policies of 10,000 rows.

A check stated over all pairs of rows (do two rows of a table overlap? does more of a
quantity ever give a less severe level?) is quadratic; these sweeps answer the same
question from rows sorted on one ordered key.  They find the same first pair the pairwise
scan would, so a large policy gets the counterexample a small one gets.  They draw on the
space's budget like every other question.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Iterator

from .algebra import EVERYWHERE, Con, Cut, Iv, IvSet, lcut, meet, pick, ucut
from .space import Box, Ctx, Space, TableSpace, step

Hit = tuple[int, int, Box, Box]  # levels i < j and the two points of the step between them


def overlaps(keyed: TableSpace, rows: list[Box | None], ks: list[int]
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
                for i, j in _sweep(space, rows, ordered, here, None if pb == pa else other):
                    yield (i, j) if i < j else (j, i)


def _bucket(rows: list[Box | None], ks: list[int], dims: list[str]
            ) -> dict[tuple[Con, ...], list[int]]:
    out: dict[tuple[Con, ...], list[int]] = {}
    for k in ks:
        r = rows[k]
        assert r is not None
        out.setdefault(tuple(r[d] for d in dims), []).append(k)
    return out


def _sweep(space: Space, rows: list[Box | None], ordered: list[str], a: list[int],
           b: list[int] | None) -> Iterator[tuple[int, int]]:
    """Pairs within `a` (b None) or across `a` and `b` whose cells meet on every
    ordered key in `ordered`; with no ordered key, every pair.

    Rows with the same interval on the sweep key form a column, and columns are
    swept (sorted by lower bound, each meets the open columns whose upper bound
    lies above it); within a column and between two columns that meet, the
    remaining keys are swept the same way.  A grid of bands over two keys then
    costs n log n, not n times the rows of a band."""
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
        ordered, key=lambda o: _crossings(space, rows, o, a + (b or [])))
    rest = [o for o in ordered if o != d]
    kind = space.dims[d].kind
    columns: dict[tuple[Cut, Cut], tuple[list[int], list[int]]] = {}
    for side, ks in ((0, a), (1, b or [])):
        for k in ks:
            r = rows[k]
            assert r is not None
            c = space.con(r, d)
            assert isinstance(c, Iv)
            columns.setdefault((lcut(c), ucut(c, kind)), ([], []))[side].append(k)
    for col_a, col_b in columns.values():
        if b is None:
            yield from _sweep(space, rows, rest, col_a, None)
        elif col_a and col_b:
            yield from _sweep(space, rows, rest, col_a, col_b)
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
                yield from _sweep(space, rows, rest, there[0], here[0])
            else:
                if there[0] and here[1]:
                    yield from _sweep(space, rows, rest, there[0], here[1])
                if here[0] and there[1]:
                    yield from _sweep(space, rows, rest, here[0], there[1])
        heapq.heappush(open_, (hi, n))


def _crossings(space: Space, rows: list[Box | None], d: str, ks: list[int]) -> int:
    """How many pairs of the rows meet on key `d` (what a sweep on it would yield)."""
    kind = space.dims[d].kind
    los: list[Cut] = []
    his: list[Cut] = []
    for k in ks:
        r = rows[k]
        assert r is not None
        c = space.con(r, d)
        assert isinstance(c, Iv)
        los.append(lcut(c))
        his.append(ucut(c, kind))
    los.sort()
    his.sort()
    # pairs that do not meet: one ends at or below where the other starts
    apart = sum(len(los) - bisect.bisect_left(los, h) for h in his)
    space.tick(1 + len(ks) // 8)
    return len(ks) * (len(ks) - 1) // 2 - apart


def worse_1d(space: Space, x: str, ctx: Ctx, rows: list[list[Box]]) -> Hit | None:
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
    before = IvSet(kind)
    for box in ctx.boxes:
        m = meet(dom, space.con(box, x), kind)
        if m is not None:
            before.add(m)  # type: ignore[arg-type]
    eff: list[list[Iv]] = []
    for r in rows:
        space.tick()
        mine = IvSet(kind)
        for b in r:
            c = space.con(b, x)
            assert isinstance(c, Iv)
            for part in before.meeting(c):
                m = meet(part, c, kind)
                if m is not None:
                    mine.add(m)  # type: ignore[arg-type]
        parts = mine.meeting(EVERYWHERE)
        eff.append(parts)
        for part in parts:
            before.remove(part)

    def top(ivs: list[Iv]) -> Iv | None:
        return max(ivs, key=lambda c: ucut(c, kind), default=None)

    def above(b: Iv | None, a: Iv) -> bool:
        """b has a point above a's lowest (`step`'s test)."""
        t = pick(a)
        return b is not None and meet(b, Iv(t, False, None, False), kind) is not None  # type: ignore[arg-type]

    def higher(p: Iv | None, q: Iv | None) -> Iv | None:
        if p is None or (q is not None and ucut(q, kind) > ucut(p, kind)):
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
            for lower in parts:
                for upper in eff[j]:
                    pair = step(space, x, {x: lower}, {x: upper})
                    if pair is not None:
                        return (i, j, *pair)
    return None


def worse_boxes(space: Space, ctx: Ctx, rows: list[list[Box]], quantities: list[str]
                ) -> Iterator[tuple[str, Hit | None]]:
    """Per quantity, the first step to a less severe level, when steps to a more
    severe one exist too: all pairs of boxes, for levels over several inputs."""
    eff: list[list[Box]] = []
    before: list[Box] = list(ctx.boxes)
    for r in rows:
        eff.append(space.and_(before, r))
        before = space.and_(before, space.not_(r))
    for x in quantities:
        worse: Hit | None = None  # more x, less severe
        better = False  # more x, more severe
        for i in range(len(eff)):
            for j in range(i + 1, len(eff)):
                for a in eff[i]:
                    for b in eff[j]:
                        space.tick()
                        pair = step(space, x, a, b)
                        if pair is not None and worse is None:
                            worse = (i, j, *pair)
                        if step(space, x, b, a) is not None:
                            better = True
        yield x, (worse if better else None)

