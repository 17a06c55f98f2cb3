"""Money computed in integer 分 (issue 16, item 4) answers exactly as the Decimal tree.

Generated decisions whose money answer is sums, products, caps and floors of whole numbers
and written amounts compute it as an integer times 10**-k and round it to the fen once
(`polc.runtime.money_fen`, `money_scaled`).  Each such decision of policies/*.pol is generated a second
time with that path switched off, and both modules must give the same answers — the same
Decimal by value and by text — on random in-domain cases with the edges over-represented;
`money_scaled` itself must round as `money` does for every integer and scale.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from polc.compiler import ir, pipeline
from polc.compiler.backends.python import functions
from polc.runtime import money, money_fen, money_scaled

from .test_vector_differential import CASES, column, scalar_answers

ROWS = 20_000


def _function_text(c: pipeline.Compilation, d: ir.Decision) -> str:
    text = c.python
    start = text.index(f"\ndef {d.name}(")
    end = text.find("\ndef ", start + 1)
    return text[start:end]


INTEGER = [(c, d) for c, d in CASES
           if "money_scaled(" in _function_text(c, d) or "money_fen(" in _function_text(c, d)]


def test_some_contract_decision_takes_the_integer_path() -> None:
    assert "bank_annual_reward" in {d.name for _, d in INTEGER}


def _decimal_module(c: pipeline.Compilation, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(functions, "_fen_result", lambda d, f: None)
    again = pipeline.compile_file(c.path)
    assert "money_scaled(" not in again.python and "money_fen(" not in again.python
    return again.module


@pytest.mark.parametrize(("compiled", "decision"), INTEGER,
                         ids=[f"{c.path.split('/')[-1][:2]}-{d.name}" for c, d in INTEGER])
def test_integer_fen_answers_as_the_decimal_tree(compiled: pipeline.Compilation,
                                                 decision: ir.Decision,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    p = compiled.ir
    assert p is not None
    rng = np.random.default_rng(sum(map(ord, decision.name)) + 16)
    per_row = {n: column(p, decision, p.input(n), rng, ROWS)[1] for n in decision.params}
    rows = [dict(zip(per_row, vals)) for vals in zip(*per_row.values())] if per_row else [{}]
    fast = scalar_answers(getattr(compiled.module, decision.name), rows)
    slow = scalar_answers(getattr(_decimal_module(compiled, monkeypatch), decision.name), rows)
    answered = 0
    for row, a, b in zip(rows, fast, slow):
        if isinstance(b, Exception):
            assert type(a) is type(b) and str(a) == str(b), row
            continue
        answered += 1
        assert type(a) is Decimal and a == b and str(a) == str(b), (row, a, b)
    assert answered > len(rows) // 2


@given(st.integers(min_value=-(10**22), max_value=10**22), st.integers(min_value=0, max_value=9))
def test_money_scaled_rounds_as_money(n: int, k: int) -> None:
    expected = money(Decimal(n).scaleb(-k))
    for got in (money_scaled(n, k), money_scaled(Decimal(n), k)):
        assert got == expected and str(got) == str(expected)


@pytest.mark.parametrize(("n", "k", "text"), [
    (5, 3, "0.01"), (-5, 3, "-0.01"), (4, 3, "0"), (-4, 3, "0"), (12300, 3, "12.3"),
    (800000, 1, "80000"), (-1, 0, "-1"), (1234567, 4, "123.46"), (0, 7, "0")])
def test_money_scaled_half_up_and_the_text_polc_writes(n: int, k: int, text: str) -> None:
    assert str(money_scaled(n, k)) == text


@given(st.integers(min_value=-(10**22), max_value=10**22))
def test_money_fen_is_money_of_the_fen(fen: int) -> None:
    expected = money(Decimal(fen).scaleb(-2))
    for got in (money_fen(fen), money_fen(Decimal(fen))):
        assert got == expected and str(got) == str(expected)


def test_money_never_answers_minus_zero() -> None:
    assert str(money(Decimal("-0.004"))) == "0"
    assert str(money(Decimal("-0.005"))) == "-0.01"
