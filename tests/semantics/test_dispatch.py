"""Lowering finds its function through explicit tables, AST class -> function: each table
covers its union of AST classes exactly (a new node without a lowering fails here, and
an entry for a class that is no longer a node is dead)."""

from __future__ import annotations

import inspect
import typing

from polc.compiler.semantics import conditions, expressions
from polc.compiler.syntax import ast as A


def test_every_expression_class_has_exactly_one_lowering() -> None:
    assert set(expressions.EXPRESSIONS) == set(typing.get_args(A.Expr))


def test_every_condition_class_has_exactly_one_lowering() -> None:
    assert set(conditions.CONDITIONS) == set(typing.get_args(A.Cond))


def test_each_lowering_takes_its_own_class() -> None:
    # the annotation of each function's node parameter names the class it is filed under
    # (And and Or share one function, which takes either)
    for table in (expressions.EXPRESSIONS, conditions.CONDITIONS):
        for cls, fn in table.items():
            node = list(inspect.signature(fn).parameters.values())[1]
            named = {a.strip() for a in str(node.annotation).split("|")}
            assert f"A.{cls.__name__}" in named, (cls, fn)


def test_the_tables_are_used_for_dispatch() -> None:
    # no lowering function left outside its table, where nothing could reach it
    for module, table in ((expressions, expressions.EXPRESSIONS),
                          (conditions, conditions.CONDITIONS)):
        private = {f for n, f in vars(module).items() if n.startswith("_")
                   and inspect.isfunction(f) and f.__module__ == module.__name__}
        helpers = {f for f in private if f not in table.values()}
        source = inspect.getsource(module)
        for f in helpers:
            assert source.count(f.__name__ + "(") >= 2, f"{f.__name__} is never called"
