"""The batch functions (backends.vector) answer exactly as the scalar functions (issue 16).

For every decision of every policy (the contract's among them): ROWS random in-domain
cases, the domain's edges and every literal the decision compares with (±1, ±0.01)
over-represented, go through `<decision>_batch` as typed columns (int64, bool, member
names, money as 分 in `Scaled`) and through the generated scalar function one by one;
the answers must be identical (Decimals by value and, for money, by text).  Then INVALID
rows of wrong types, out-of-domain values, too many digits and magnitudes past what the
kernel covers, mixed with good ones in object columns, must be refused with the scalar
function's own error, row by row, and the rows around them still computed.

A seeded run: the same cases every time.  The scalar reference is the slow side (1-3 µs a case
plus building its arguments): 100,000 cases for each decision with a kernel, 10,000 for
one that runs row by row anyway (W7xx), about a minute of CPU for the file.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from polc.compiler import ir, pipeline
from polc.compiler.ir import TypeKind as TK
from polc.runtime import LIMIT, PolcError
from polc.runtime.batch import Batch, RowError, Scaled

from ..paths import POLICIES

ROWS = 100_000
# a decision the batch module computes row by row is its scalar function already: fewer
ROW_BY_ROW_ROWS = 10_000
INVALID = 3_000
POLICY_FILES = sorted(POLICIES.glob("*.pol"))
EPOCH = dt.date(1970, 1, 1)


def _compiled() -> list[tuple[pipeline.Compilation, ir.Decision]]:
    out = []
    for f in POLICY_FILES:
        c = pipeline.compile_file(f)
        assert c.ok, f
        assert c.ir is not None
        out += [(c, d) for d in c.ir.decisions]
    return out


CASES = _compiled()


def _literals(p: ir.Policy, d: ir.Decision) -> list[Any]:
    """Every constant the decision (and what it takes) compares with or computes from."""
    seen: list[Any] = []
    todo = [d]
    while todo:
        node = todo.pop()
        for n in ir.walk(node):
            if isinstance(n, ir.Lit) and n.value is not None:
                seen.append(n.value)
            elif isinstance(n, ir.Test):
                seen += [v for v in (n.value, n.lo, n.hi) if v is not None]
            elif isinstance(n, ir.CallDecision):
                todo.append(p.decision(n.name))
    return seen


def _numbers(inp: ir.Input, lits: list[Any], rng: np.random.Generator, n: int,
             places: int) -> list[int]:
    """Values × 10**places: the domain's edges, the literals ±1 unit, small and large."""
    unit = 10**places
    lo = int(inp.lo * unit) if inp.lo is not None else -LIMIT * unit  # type: ignore[operator]
    hi = int(inp.hi * unit) if inp.hi is not None else LIMIT * unit  # type: ignore[operator]
    lo += 0 if inp.lo_closed else 1
    hi -= 0 if inp.hi_closed else 1
    edges = {lo, hi, lo + 1, hi - 1}
    for v in lits:
        if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
            for scale in (1, 100, 10_000, 1_000_000):  # a ratio's 0.2 is 20 % of 100 …
                x = Decimal(v) * unit
                for y in (x, x * scale, x / scale):
                    if y == y.to_integral_value():
                        edges |= {int(y) - 1, int(y), int(y) + 1}
    edges = sorted(e for e in edges if lo <= e <= hi)
    small_hi = min(hi, max(lo, 0) + 1000 * unit)
    parts = [
        rng.choice(np.array(edges, dtype=object), n),
        rng.integers(max(lo, -(2**62)), min(small_hi, 2**62) + 1, n, dtype=np.int64).astype(object),
        rng.integers(max(lo, -(2**62)), min(hi, 2**62) + 1, n, dtype=np.int64).astype(object),
    ]
    which = rng.choice(3, n, p=[0.55, 0.42, 0.03])
    return [parts[w][i] for i, w in enumerate(which)]


def column(p: ir.Policy, d: ir.Decision, inp: ir.Input, rng: np.random.Generator,
           n: int) -> tuple[Any, list[Any]]:
    """(what the batch function is given, what the scalar function is given per row)."""
    t = inp.type
    lits = _literals(p, d)
    if t.kind is TK.COUNT:
        values = [int(v) for v in _numbers(inp, lits, rng, n, 0)]
        return np.array(values, dtype=np.int64), values
    if t.kind is TK.NUM:
        places = 2 if t.is_money else 4
        values = [int(v) for v in _numbers(inp, lits, rng, n, places)]
        if max(map(abs, values), default=0) < 2**63:
            return Scaled(np.array(values, dtype=np.int64), places), \
                [Decimal(v).scaleb(-places) for v in values]
        decimals = [Decimal(v).scaleb(-places) for v in values]
        return np.array(decimals, dtype=object), decimals
    if t.kind is TK.BOOL:
        flags = rng.random(n) < 0.5
        return flags, flags.tolist()
    if t.kind is TK.ENUM:
        assert t.enum is not None
        names = [m for m, _ in p.enum(t.enum).members]
        chosen = rng.choice(np.array(names), n)
        return chosen, chosen.tolist()
    if t.kind is TK.DATE:
        dates = [v for v in lits if type(v) is dt.date]
        edges = sorted({x + dt.timedelta(days=k) for x in dates for k in (-1, 0, 1)})
        days = rng.integers((dt.date(2000, 1, 1) - EPOCH).days,
                            (dt.date(2030, 12, 31) - EPOCH).days, n)
        values = [EPOCH + dt.timedelta(days=int(x)) for x in days]
        if edges:
            for i in np.flatnonzero(rng.random(n) < 0.4).tolist():
                values[i] = edges[int(rng.integers(len(edges)))]
        return np.array(values, dtype="datetime64[D]"), values
    if t.kind is TK.DATETIME:
        minutes = rng.integers(0, 31 * 366 * 24 * 60, n)
        start = dt.datetime(2000, 1, 1)
        values = [start + dt.timedelta(minutes=int(m)) for m in minutes]
        return np.array(values, dtype=object), values
    raise AssertionError(t)


def scalar_answers(func: Any, rows: list[dict[str, Any]]) -> list[object]:
    out: list[object] = []
    for row in rows:
        try:
            out.append(func(**row))
        except PolcError as exc:
            out.append(exc)
    return out


def same(expected: object, got: object) -> bool:
    if isinstance(expected, PolcError):
        return isinstance(got, RowError) and type(got.error) is type(expected) and \
            got.message == str(expected) and got.field == getattr(expected, "field", None)
    if isinstance(expected, Decimal):
        return type(got) is Decimal and got == expected
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and \
            all(same(a, b) for a, b in zip(expected, got))
    return type(got) is type(expected) and got == expected


def compare(d: ir.Decision, batch: Batch, expected: list[object]) -> None:
    got = batch.tolist()
    assert len(got) == len(expected)
    wrong = [i for i, (e, g) in enumerate(zip(expected, got)) if not same(e, g)]
    assert not wrong, (d.name, [(i, expected[i], got[i]) for i in wrong[:5]])
    if d.type.is_money:  # money's text too: 80000, not 80000.00
        texts = [(str(e), str(g)) for e, g in zip(expected, got) if isinstance(e, Decimal)]
        assert all(a == b for a, b in texts), d.name
    refused = [i for i, e in enumerate(expected) if isinstance(e, PolcError)]
    assert [e.index for e in batch.errors] == refused
    assert batch.ok.tolist() == [not isinstance(e, PolcError) for e in expected]


@pytest.mark.parametrize(("compiled", "decision"), CASES,
                         ids=[f"{c.path.split('/')[-1][:2]}-{d.name}" for c, d in CASES])
def test_columns_answer_as_the_scalar_function(compiled: pipeline.Compilation,
                                               decision: ir.Decision) -> None:
    p = compiled.ir
    assert p is not None
    rng = np.random.default_rng(sum(map(ord, decision.name)))
    n = ROW_BY_ROW_ROWS if decision.name in compiled.batch.ROW_BY_ROW else ROWS
    given, per_row = {}, {}
    for name in decision.params:
        given[name], per_row[name] = column(p, decision, p.input(name), rng, n)
    rows = [dict(zip(per_row, vals)) for vals in zip(*per_row.values())] if per_row else [{}]
    batch = getattr(compiled.batch, f"{decision.name}_batch")(**given)
    expected = scalar_answers(getattr(compiled.module, decision.name), rows)
    compare(decision, batch, expected)
    if decision.name not in compiled.batch.ROW_BY_ROW:
        # the kernel did the work: only the rows it cannot vouch for went row by row
        # (a row whose amounts pass what int64 分 holds goes row by row: the random cases
        # reach 10**18, so a decision summing several amounts vouches for fewer rows)
        assert batch.vectorised >= sum(not isinstance(e, PolcError) for e in expected) * 0.25


def _invalid(inp: ir.Input, rng: random.Random) -> object:
    t = inp.type
    choices: list[object] = [None, "3", 1.5, [], True if t.kind is not TK.BOOL else 1]
    if t.kind in (TK.COUNT, TK.NUM):
        choices += [10**19, -(10**19), 2**63 + 5, Decimal("NaN")]
        if inp.lo is not None:
            choices.append(Decimal(inp.lo) - 1 if t.kind is TK.NUM else int(inp.lo) - 1)  # type: ignore[arg-type]
        if t.kind is TK.NUM:
            choices += [Decimal("0.1234567891"), Decimal(10**17), Decimal("1E+3")]
        else:
            choices += [Decimal(5), 10**17]
    if t.kind is TK.ENUM:
        choices += ["nope", "I "]
    if t.kind is TK.DATE:
        choices += [dt.datetime(2022, 1, 1, 8, 0), "2022-01-01"]
    return rng.choice(choices)


@pytest.mark.parametrize(("compiled", "decision"),
                         [(c, d) for c, d in CASES if d.params],
                         ids=[f"{c.path.split('/')[-1][:2]}-{d.name}" for c, d in CASES
                              if d.params])
def test_invalid_rows_are_refused_as_the_scalar_function_refuses_them(
        compiled: pipeline.Compilation, decision: ir.Decision) -> None:
    p = compiled.ir
    assert p is not None
    rng = np.random.default_rng(7 + len(decision.name))
    pick = random.Random(decision.name)
    per_row = {}
    for name in decision.params:
        _, per_row[name] = column(p, decision, p.input(name), rng, INVALID)
        for i in range(INVALID):
            if pick.random() < 0.1:
                per_row[name][i] = _invalid(p.input(name), pick)
    given = {}
    for name, values in per_row.items():
        arr = np.empty(INVALID, dtype=object)
        arr[:] = values
        given[name] = arr
    rows = [dict(zip(per_row, vals)) for vals in zip(*per_row.values())]
    batch = getattr(compiled.batch, f"{decision.name}_batch")(**given)
    expected = scalar_answers(getattr(compiled.module, decision.name), rows)
    assert sum(isinstance(e, PolcError) for e in expected) > 0
    compare(decision, batch, expected)


@pytest.mark.parametrize(("compiled", "decision"),
                         [(c, d) for c, d in CASES if any(
                             c.ir is not None and c.ir.input(n).type.kind is TK.COUNT
                             for n in d.params)],
                         ids=[f"{c.path.split('/')[-1][:2]}-{d.name}" for c, d in CASES if any(
                             c.ir is not None and c.ir.input(n).type.kind is TK.COUNT
                             for n in d.params)])
def test_narrow_count_columns_answer_the_same(compiled: pipeline.Compilation,
                                             decision: ir.Decision) -> None:
    """int32, int16 and uint8 count columns: used as they are where the kernel stays within
    int32 (numpy's int32 arithmetic would wrap past it), widened where it does not."""
    p = compiled.ir
    assert p is not None
    rng = np.random.default_rng(3)
    given, per_row = {}, {}
    for k, name in enumerate(decision.params):
        col, values = column(p, decision, p.input(name), rng, 20_000)
        if p.input(name).type.kind is TK.COUNT:
            dtype = (np.int32, np.int16, np.uint8)[k % 3]
            info = np.iinfo(dtype)
            col = np.clip(col, info.min, info.max).astype(dtype)
            values = col.tolist()
        given[name], per_row[name] = col, values
    rows = [dict(zip(per_row, vals)) for vals in zip(*per_row.values())]
    batch = getattr(compiled.batch, f"{decision.name}_batch")(**given)
    compare(decision, batch, scalar_answers(getattr(compiled.module, decision.name), rows))
