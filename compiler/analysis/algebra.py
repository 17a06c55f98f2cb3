"""Intervals and sets of members on one dimension: the exact algebra the analyses stand on.

It is kept apart from the IR: a constraint on one input is an interval `Iv` of numbers
(counts and dates as integers, amounts and ratios as Decimals) or a frozenset of members
(enums, yes/no), and everything here is a pure function of such values.  So the laws the
searches rely on (a meet lies in both operands, `minus` leaves exactly what the subtrahend
does not hold, integer intervals touch when no integer lies between them) can be tested
on their own, and `space` never reasons about open and closed ends itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from decimal import Decimal
from typing import Literal, NamedTuple

Num = int | Decimal
# "int": counts and dates (as ordinals); "real": amounts, ratios; "set": enums, yes/no
Kind = Literal["int", "real", "set"]


class Iv(NamedTuple):
    """An interval; None bounds are infinite.  Integer dimensions keep closed bounds.

    A named tuple rather than an attrs class: the analyses build hundreds of
    thousands of intervals on large policies and a frozen attrs __init__ costs
    three times as much."""

    lo: Num | None
    lo_c: bool
    hi: Num | None
    hi_c: bool


Con = Iv | frozenset[object]  # a constraint on one dimension
EVERYWHERE = Iv(None, False, None, False)


def norm(iv: Iv, kind: Kind) -> Iv | None:
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


def meet(a: Con, b: Con, kind: Kind) -> Con | None:
    """The intersection; None when empty."""
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
    return norm(Iv(lo, lo_c, hi, hi_c), kind)


def subset(a: Con, b: Con, kind: Kind) -> bool:
    """Whether `a` (normalised) lies inside `b`."""
    return meet(a, b, kind) == a


def minus(a: Con, b: Con, kind: Kind) -> list[Con]:
    """The parts of `a` outside `b`, lowest first."""
    if isinstance(a, frozenset):
        assert isinstance(b, frozenset)
        rest = a - b
        return [rest] if rest else []
    assert isinstance(b, Iv)
    out: list[Con] = []
    if b.lo is not None:
        left = meet(a, Iv(None, False, b.lo, not b.lo_c), kind)
        if left is not None:
            out.append(left)
    if b.hi is not None:
        right = meet(a, Iv(b.hi, not b.hi_c, None, False), kind)
        if right is not None:
            out.append(right)
    return out


def pick(c: Con) -> object:
    """A point of a non-empty constraint, the lowest when there is one: the
    counterexample a message shows."""
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


def scalar(v: object) -> Num | None:
    """A value of the IR as a point of an ordered dimension; None when it is not one."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v.toordinal()
    if isinstance(v, (int, Decimal)):
        return v
    return None


def cmp_iv(a: Iv, b: Iv) -> int:
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


# ---------------------------------------------------------------- cuts
# A cut is a position between points of an ordered dimension: (v, 0) lies just
# below v, (v, 1) just above it, ±inf at the ends.  An interval is the points
# between its lower and upper cut, so intersection, containment and adjacency
# become tuple comparisons and intervals can be sorted and swept.  On integer
# dimensions the upper cut of [a, b] is (b + 1, 0): [1, 3] and [4, 5] then touch,
# as they do (no integer lies between them).

Cut = tuple[Num | float, int]
LOW: Cut = (-math.inf, 0)
HIGH: Cut = (math.inf, 0)


def lcut(c: Iv) -> Cut:
    if c.lo is None:
        return LOW
    return (c.lo, 0 if c.lo_c else 1)


def ucut(c: Iv, kind: Kind) -> Cut:
    if c.hi is None:
        return HIGH
    if kind == "int":
        return (c.hi + 1, 0)  # integer intervals are normalised closed
    return (c.hi, 1 if c.hi_c else 0)


def between(lo: Cut, hi: Cut, kind: Kind) -> Iv | None:
    """The interval between two cuts; None when it holds no point."""
    lv = None if lo[0] == -math.inf else lo[0]
    hv = None if hi[0] == math.inf else hi[0]
    if kind == "int":
        return norm(Iv(lv, True, None if hv is None else hv - 1, True), kind)  # type: ignore[arg-type]
    return norm(Iv(lv, lo[1] == 0, hv, hi[1] == 1), kind)  # type: ignore[arg-type]


class IvSet:
    """A union of intervals of one dimension, kept as sorted, disjoint, merged
    components, so adding one and asking whether it contains one take log time."""

    def __init__(self, kind: Kind) -> None:
        self.kind: Kind = kind
        self.los: list[Cut] = []
        self.his: list[Cut] = []

    def add(self, c: Iv) -> None:
        lo, hi = lcut(c), ucut(c, self.kind)
        # components that overlap or touch [lo, hi) merge with it
        a = bisect.bisect_left(self.his, lo)
        b = bisect.bisect_right(self.los, hi)
        if a < b:
            lo, hi = min(lo, self.los[a]), max(hi, self.his[b - 1])
        self.los[a:b] = [lo]
        self.his[a:b] = [hi]

    def remove(self, c: Iv) -> None:
        lo, hi = lcut(c), ucut(c, self.kind)
        a = bisect.bisect_right(self.his, lo)
        b = bisect.bisect_left(self.los, hi)
        if a >= b:
            return
        # the components cut by [lo, hi) keep what lies outside it
        keep = [(p, q) for p, q in ((self.los[a], lo), (hi, self.his[b - 1])) if p < q]
        self.los[a:b] = [p for p, _ in keep]
        self.his[a:b] = [q for _, q in keep]

    def contains(self, c: Iv) -> bool:
        lo, hi = lcut(c), ucut(c, self.kind)
        k = bisect.bisect_right(self.los, lo) - 1
        return k >= 0 and self.his[k] >= hi

    def meeting(self, c: Iv) -> list[Iv]:
        """The components that meet `c`."""
        lo, hi = lcut(c), ucut(c, self.kind)
        a = bisect.bisect_right(self.his, lo)
        b = bisect.bisect_left(self.los, hi)
        out = []
        for k in range(a, b):
            iv = between(self.los[k], self.his[k], self.kind)
            if iv is not None:
                out.append(iv)
        return out
