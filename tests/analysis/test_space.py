"""The condition space on its own (compiler/analysis/space.py): spaces made from dimensions
and IR conditions built by hand, the search for an uncovered point, and the work budget.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from polc.compiler import ir
from polc.compiler.analysis.algebra import Iv
from polc.compiler.analysis.space import (
    TOP,
    Budget,
    Dim,
    GiveUp,
    Space,
    TableSpace,
    Union,
    refine,
    refine_or_blur,
)
from polc.compiler.diagnostics import Span
from polc.compiler.quantities import MONEY

HERE = Span("t.pol", 1, 1, 1, 2)
COUNT = ir.Type(ir.TypeKind.COUNT)
AMOUNT = ir.Type(ir.TypeKind.NUM, MONEY)
BOOL = ir.Type(ir.TypeKind.BOOL)

PEOPLE = Dim("people", "int", Iv(0, True, None, False), COUNT)
INCOME = Dim("income", "real", Iv(0, True, None, False), AMOUNT)
FLAG = Dim("flag", "set", frozenset({True, False}), BOOL)


def space(budget: int = 10_000) -> Space:
    return Space({"people": PEOPLE, "income": INCOME, "flag": FLAG}, Budget(budget))


def var(name: str, t: ir.Type) -> ir.Var:
    return ir.Var(name, ir.Scope.INPUT, t, HERE)


def cmp(name: str, t: ir.Type, op: ir.CompareOp, value: object) -> ir.Compare:
    return ir.Compare(var(name, t), op, ir.Lit(value, t, HERE), f"{name} {op} {value}", HERE)


def test_comparisons_become_boxes_inside_the_domain() -> None:
    s = space()
    assert s.dnf(cmp("people", COUNT, ir.CompareOp.LT, 200)) == [{"people": Iv(0, True, 199, True)}]
    assert s.dnf(cmp("income", AMOUNT, ir.CompareOp.GT, Decimal(5))) == [
        {"income": Iv(Decimal(5), False, None, False)}]
    # ≠ on an ordered input is two boxes; on a yes/no input, the other member
    assert len(s.dnf(cmp("people", COUNT, ir.CompareOp.NE, 3)) or []) == 2
    assert s.dnf(cmp("flag", BOOL, ir.CompareOp.NE, True)) == [{"flag": frozenset({False})}]
    # below the domain: no box at all (the condition never holds)
    assert s.dnf(cmp("people", COUNT, ir.CompareOp.LT, 0)) == []


def test_conditions_that_cannot_be_boxed_say_so() -> None:
    s = space()
    other = ir.Compare(var("people", COUNT), ir.CompareOp.LT, var("income", AMOUNT), "", HERE)
    assert s.dnf(other) is None
    assert s.dnf(ir.AndC((cmp("people", COUNT, ir.CompareOp.GE, 1), other), "", HERE)) is None


def test_and_or_not() -> None:
    s = space()
    low = cmp("people", COUNT, ir.CompareOp.LT, 10)
    rich = cmp("income", AMOUNT, ir.CompareOp.GE, Decimal(100))
    both = s.dnf(ir.AndC((low, rich), "", HERE))
    assert both == [{"people": Iv(0, True, 9, True), "income": Iv(Decimal(100), True, None, False)}]
    assert len(s.dnf(ir.OrC((low, rich), "", HERE)) or []) == 2
    assert s.dnf(ir.NotC(low, "", HERE)) == [{"people": Iv(10, True, None, False)}]


def test_uncovered_finds_the_lowest_hole_and_none_when_covered() -> None:
    s = space()
    rows = [{"people": Iv(0, True, 9, True)}, {"people": Iv(20, True, None, False)}]
    assert s.uncovered({}, rows) == {"people": Iv(10, True, 19, True)}
    assert s.uncovered({}, [*rows, {"people": Iv(10, True, 19, True)}]) is None
    # over two dimensions: the hole is a box of both
    grid = [{"people": Iv(0, True, 9, True), "flag": frozenset({True})},
            {"people": Iv(10, True, None, False)}]
    hole = s.uncovered({}, grid)
    assert hole is not None and hole["flag"] == frozenset({False})
    assert s.point(hole, ["people", "flag"]) == {"people": 0, "flag": False}


def test_a_spent_budget_gives_up() -> None:
    s = space(budget=3)
    rows = [{"people": Iv(k, True, k, True)} for k in range(10)]
    with pytest.raises(GiveUp):
        s.uncovered({}, rows)
    # the same question on a space with a fresh budget is answered
    hole = s.within(Budget()).uncovered({}, rows)
    assert hole is not None and (hole["people"].lo, hole["people"].hi) == (10, None)


def test_budgets_are_the_callers_values() -> None:
    s = space()
    mine = Budget(10_000)
    t = s.within(mine)
    t.uncovered({}, [{"people": Iv(0, True, 5, True)}])
    assert mine.left < mine.limit
    assert s.budget.left == s.budget.limit  # the original space's budget is untouched
    assert Budget.for_rows(100).limit > Budget.for_rows(10).limit > Budget().limit - 1


def test_refine_narrows_the_context_and_blurs_what_it_cannot_box() -> None:
    s = space()
    ctx = refine(s, TOP, cmp("people", COUNT, ir.CompareOp.GE, 5))
    assert ctx.boxes == ({"people": Iv(5, True, None, False)},) and not ctx.fuzzy
    other = ir.Compare(var("people", COUNT), ir.CompareOp.LT, var("income", AMOUNT), "", HERE)
    blurred = refine(s, ctx, other)
    assert blurred.boxes == ctx.boxes and blurred.fuzzy == {"people", "income"}
    # negated: the context where the condition fails
    assert refine(s, TOP, cmp("people", COUNT, ir.CompareOp.GE, 5), negate=True).boxes == (
        {"people": Iv(0, True, 4, True)},)
    # out of budget: the inputs become fuzzy instead of the search running on
    tight = space(budget=0)
    assert refine_or_blur(tight, TOP, cmp("people", COUNT, ir.CompareOp.GE, 5)).fuzzy == {"people"}


def test_a_table_space_extends_the_decision_space_without_changing_it() -> None:
    s = space()
    before = dict(s.dims)
    # a key that is an input, the same input again, and a yes/no expression
    flag_expr = ir.Compare(var("people", COUNT), ir.CompareOp.LT, var("income", AMOUNT), "", HERE)
    keys = (var("people", COUNT), var("people", COUNT), ir.CondE(flag_expr, BOOL, HERE))
    keyed = TableSpace(s, keys)
    assert dict(s.dims) == before  # the caller's space has no new dimension
    assert keyed.names == ["people", "#1", "#2"]
    assert keyed.inputs == {"people"}
    assert not keyed.complete  # an input used twice: its cells are not independent
    assert keyed.space.dims["#2"].domain == frozenset({True, False})
    assert keyed.space.budget is s.budget  # a table's questions draw on the check's budget


def test_union_of_slabs_covers_a_row_by_one_input() -> None:
    s = space()
    u = Union(s)
    assert not u
    u.add({"people": Iv(0, True, 9, True)})
    u.add({"people": Iv(10, True, 19, True)})
    assert u.covers({"people": Iv(3, True, 15, True), "flag": frozenset({True})})
    assert not u.covers({"people": Iv(15, True, 25, True)})
    u.add({"people": Iv(20, True, None, False), "flag": frozenset({True})})
    assert u.covers({"people": Iv(15, True, 25, True), "flag": frozenset({True})})
    assert not u.covers({"people": Iv(15, True, 25, True)})
