"""The interval algebra on its own (compiler/analysis/algebra.py): examples, and laws checked
on random intervals with open, closed and infinite ends, on integer and real dimensions.

A point is in an interval exactly when `_holds` says so; every law is stated against that
membership, so the algebra is held to arithmetic, not to itself.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from polc.compiler.analysis.algebra import (
    EVERYWHERE,
    Iv,
    IvSet,
    Kind,
    between,
    cmp_iv,
    lcut,
    meet,
    minus,
    norm,
    pick,
    subset,
    ucut,
)

# bounds on a small grid of halves, so that ends often coincide (the hard cases)
BOUND = st.one_of(st.none(), st.integers(-6, 6).map(lambda n: Decimal(n) / 2))
KIND = st.sampled_from(["int", "real"])


@st.composite
def intervals(draw: st.DrawFn, kind: Kind) -> Iv:
    """A non-empty normalised interval of `kind`."""
    while True:
        lo, hi = draw(BOUND), draw(BOUND)
        if kind == "int":
            lo = None if lo is None else int(lo)
            hi = None if hi is None else int(hi)
        iv = norm(Iv(lo, draw(st.booleans()), hi, draw(st.booleans())), kind)
        if iv is not None:
            return iv


# probe points: every quarter of the grid of bounds and one step beyond it; integers for int
PROBES_REAL = [Fraction(n, 4) for n in range(-14, 15)]
PROBES_INT = list(range(-8, 9))


def probes(kind: Kind) -> list[Fraction] | list[int]:
    return PROBES_INT if kind == "int" else PROBES_REAL


def _holds(iv: Iv, x: Fraction | int) -> bool:
    lo_ok = iv.lo is None or (x > iv.lo if not iv.lo_c else x >= iv.lo)
    hi_ok = iv.hi is None or (x < iv.hi if not iv.hi_c else x <= iv.hi)
    return lo_ok and hi_ok


def members(iv: Iv | None, kind: Kind) -> set[Fraction] | set[int]:
    return set() if iv is None else {x for x in probes(kind) if _holds(iv, x)}  # type: ignore[return-value]


# ---------------------------------------------------------------- examples


def test_integer_intervals_are_closed_on_integers() -> None:
    assert norm(Iv(Decimal("0.5"), True, 3, False), "int") == Iv(1, True, 2, True)
    assert norm(Iv(2, False, 3, False), "int") is None  # no integer strictly between 2 and 3
    assert norm(Iv(2, False, 3, False), "real") == Iv(2, False, 3, False)


def test_a_point_interval_needs_both_ends_closed() -> None:
    assert norm(Iv(1, True, 1, True), "real") == Iv(1, True, 1, True)
    assert norm(Iv(1, True, 1, False), "real") is None


def test_meet_keeps_the_tighter_end_and_its_openness() -> None:
    a, b = Iv(0, True, 10, True), Iv(0, False, 10, False)
    assert meet(a, b, "real") == Iv(0, False, 10, False)
    assert meet(Iv(None, False, 3, False), Iv(3, True, None, False), "real") is None
    assert meet(frozenset({"a", "b"}), frozenset({"b", "c"}), "set") == frozenset({"b"})
    assert meet(frozenset({"a"}), frozenset({"b"}), "set") is None


def test_minus_leaves_the_two_sides_lowest_first() -> None:
    assert minus(EVERYWHERE, Iv(0, True, 1, False), "real") == [
        Iv(None, False, 0, False), Iv(1, True, None, False)]
    assert minus(Iv(0, True, 5, True), Iv(0, True, 5, True), "int") == []
    assert minus(frozenset({1, 2, 3}), frozenset({2}), "set") == [frozenset({1, 3})]


def test_integer_neighbours_touch() -> None:
    # [1, 3] and [4, 5] leave no integer between them: their cuts meet
    assert ucut(Iv(1, True, 3, True), "int") == lcut(Iv(4, True, 5, True))
    assert ucut(Iv(1, True, 3, True), "real") < lcut(Iv(4, True, 5, True))


def test_pick_is_the_lowest_point_when_there_is_one() -> None:
    assert pick(Iv(3, True, None, False)) == 3
    assert pick(Iv(3, False, None, False)) == 4
    assert pick(Iv(None, False, 5, False)) == 4
    assert pick(Iv(1, False, 2, False)) == Decimal("1.5")
    assert pick(frozenset({"b", "a"})) == "a"


def test_cmp_iv_tells_the_direction_of_bands() -> None:
    low, high = Iv(0, True, 10, False), Iv(10, True, 20, False)
    assert cmp_iv(low, high) == 1
    assert cmp_iv(high, low) == -1
    assert cmp_iv(low, low) == 0


def test_ivset_merges_touching_parts_and_removes_inner_ones() -> None:
    s = IvSet("int")
    s.add(Iv(1, True, 3, True))
    s.add(Iv(4, True, 6, True))  # touches [1, 3] on integers: one component
    assert s.meeting(EVERYWHERE) == [Iv(1, True, 6, True)]
    assert s.contains(Iv(2, True, 5, True))
    s.remove(Iv(3, True, 4, True))
    assert s.meeting(EVERYWHERE) == [Iv(1, True, 2, True), Iv(5, True, 6, True)]
    assert not s.contains(Iv(2, True, 5, True))


# ---------------------------------------------------------------- laws


@settings(max_examples=120, deadline=None)
@given(st.data(), KIND)
def test_meet_is_intersection(data: st.DataObject, kind: Kind) -> None:
    a, b = data.draw(intervals(kind)), data.draw(intervals(kind))
    m = meet(a, b, kind)
    assert members(m, kind) == members(a, kind) & members(b, kind)  # type: ignore[arg-type]
    # commutative, to the same cuts (the openness of an infinite end means nothing)
    n = meet(b, a, kind)
    assert (m is None) == (n is None)
    if isinstance(m, Iv) and isinstance(n, Iv):
        assert (lcut(m), ucut(m, kind)) == (lcut(n), ucut(n, kind))


@settings(max_examples=120, deadline=None)
@given(st.data(), KIND)
def test_minus_is_difference_and_disjoint(data: st.DataObject, kind: Kind) -> None:
    a, b = data.draw(intervals(kind)), data.draw(intervals(kind))
    parts = minus(a, b, kind)
    sets = [members(p, kind) for p in parts]  # type: ignore[arg-type]
    assert set().union(*sets) == members(a, kind) - members(b, kind)
    assert all(not (x & y) for i, x in enumerate(sets) for y in sets[i + 1:])
    assert all(lcut(p) < lcut(q) for p, q in itertools.pairwise(parts))  # type: ignore[arg-type]
    # a minus b, together with a meet b, gives a back
    rest = meet(a, b, kind)
    assert set().union(*sets, members(rest, kind)) == members(a, kind)  # type: ignore[arg-type]


@settings(max_examples=120, deadline=None)
@given(st.data(), KIND)
def test_subset_is_inclusion(data: st.DataObject, kind: Kind) -> None:
    a, b = data.draw(intervals(kind)), data.draw(intervals(kind))
    if subset(a, b, kind):
        assert members(a, kind) <= members(b, kind)  # type: ignore[operator]
    # the real line is dense: a strict inclusion of probes may hide an end point, so only
    # the direction "subset implies inclusion" is exact on real probes
    if kind == "int" and members(a, kind) <= members(b, kind) and a.lo is not None \
            and a.hi is not None:
        assert subset(a, b, kind)


@settings(max_examples=120, deadline=None)
@given(st.data(), KIND)
def test_cuts_round_trip(data: st.DataObject, kind: Kind) -> None:
    a = data.draw(intervals(kind))
    back = between(lcut(a), ucut(a, kind), kind)
    assert back is not None and members(back, kind) == members(a, kind)
    assert (lcut(back), ucut(back, kind)) == (lcut(a), ucut(a, kind))
    # two intervals meet exactly when each starts below where the other ends
    b = data.draw(intervals(kind))
    overlap = lcut(a) < ucut(b, kind) and lcut(b) < ucut(a, kind)
    assert overlap == (meet(a, b, kind) is not None)


@settings(max_examples=120, deadline=None)
@given(st.data(), KIND)
def test_pick_lies_inside(data: st.DataObject, kind: Kind) -> None:
    a = data.draw(intervals(kind))
    x = pick(a)
    assert _holds(a, Fraction(x))  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(st.data(), KIND, st.lists(st.booleans(), max_size=8))
def test_ivset_is_the_union_of_what_was_added_minus_what_was_removed(
        data: st.DataObject, kind: Kind, ops: list[bool]) -> None:
    s = IvSet(kind)
    expected: set[Fraction] | set[int] = set()
    for add in ops:
        iv = data.draw(intervals(kind))
        if add:
            s.add(iv)
            expected = expected | members(iv, kind)  # type: ignore[operator]
        else:
            s.remove(iv)
            expected = expected - members(iv, kind)  # type: ignore[operator]
    parts = s.meeting(EVERYWHERE)
    got: set[Fraction] | set[int] = set().union(*(members(p, kind) for p in parts))
    assert got == expected
    # components stay sorted and apart (merged when they touch)
    assert all(ucut(p, kind) < lcut(q) for p, q in itertools.pairwise(parts))
    for p in parts:
        assert s.contains(p)
