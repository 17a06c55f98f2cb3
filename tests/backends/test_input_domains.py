"""One domain per input: the decision's inline guard, its explain twin and `polc eval`
all take an input's domain from its one `_IN_<name>` Field, so they accept and refuse
the same values with the same message.  Probed at the edges of every input of every
decision in policies/*.pol."""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from polc import runtime
from polc.compiler import pipeline
from polc.runtime import Field, InputError, PolcError

from ..paths import ROOT

POLICIES = sorted((ROOT / "policies").glob("*.pol"))
LIMIT = runtime.LIMIT


def _typical(f: Field) -> Any:
    """A value inside the field's domain."""
    if f.kind == "enum":
        assert f.enum is not None
        return next(iter(f.enum))
    if f.kind == "bool":
        return False
    if f.kind == "role":
        return "某角色"
    if f.kind in ("date", "datetime"):
        v = f.lo if f.lo is not None else (f.hi if f.hi is not None else dt.date(2023, 6, 1))
        if f.kind == "datetime" and not isinstance(v, dt.datetime):
            v = dt.datetime(v.year, v.month, v.day, 9, 0)
        step = dt.timedelta(days=1)
        if v == f.lo and not f.lo_closed:
            v += step
        if v == f.hi and not f.hi_closed:
            v -= step
        return v
    number = f.lo if f.lo is not None else (f.hi if f.hi is not None else 0)
    if number == f.lo and not f.lo_closed:
        number += 1
    elif number == f.hi and not f.hi_closed:
        number -= 1
    return Decimal(number) if f.kind == "num" else int(number)


def _probes(f: Field) -> list[object]:
    """Values at and around the domain's edges, and values of the wrong type."""
    wrong: list[object] = [None, "x", True, 1.5, object()]
    if f.kind == "enum":
        assert f.enum is not None
        return [*f.enum, *(m.name for m in f.enum), "no_such_member", 0, None]
    if f.kind in ("bool", "role"):
        return [True, False, 0, 1, "是", None, b"x"]
    if f.kind in ("date", "datetime"):
        day = dt.timedelta(days=1)
        edges = [e for e in (f.lo, f.hi) if e is not None] or [dt.date(2023, 6, 1)]
        values: list[object] = []
        for e in edges:
            values += [e - day, e, e + day]
            values.append(dt.datetime(e.year, e.month, e.day, 12, 0))
            values.append(dt.date(e.year, e.month, e.day))
        return values + ["2023-06-01", None]
    edges_n = [e for e in (f.lo, f.hi) if e is not None] + [0, LIMIT, -LIMIT]
    numbers: list[object] = []
    for e in edges_n:
        for delta in (-1, 0, 1):
            numbers.append(e + delta)
            numbers.append(Decimal(e) + delta)
            numbers.append(Decimal(e) + Decimal(delta) / 10)
    return numbers + [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), *wrong]


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "value", call()
    except PolcError as e:
        return type(e).__name__, str(e)


def _modules() -> list[tuple[str, types.ModuleType]]:
    out = []
    for pol in POLICIES:
        compiled = pipeline.compile_file(pol)
        assert compiled.ok
        out.append((pol.stem, compiled.module))
    return out


@pytest.mark.parametrize(("stem", "module"), _modules(), ids=[p.stem for p in POLICIES])
def test_guard_twin_and_field_agree_at_every_edge(stem: str, module: types.ModuleType) -> None:
    checked = 0
    for name, spec in module.DECISIONS.items():
        typical = {f.name: _typical(f) for f in spec.fields}
        for f in spec.fields:
            # one Field per input per module: every decision taking it holds the same one
            assert getattr(module, "_IN_" + f.name) is f
            for probe in _probes(f):
                args = {**typical, f.name: probe}
                try:
                    f.arg(probe)
                    refusal = None
                except InputError as e:
                    refusal = str(e)
                fast = _outcome(lambda spec=spec, args=args: spec.func(**args))
                twin = _outcome(lambda spec=spec, args=args: spec.explain(**args).value)
                assert fast == twin, f"{stem}.{name}({f.name}={probe!r})"
                if refusal is not None:
                    assert fast == ("InputError", refusal), f"{stem}.{name}({f.name}={probe!r})"
                checked += 1
    assert checked or not module.DECISIONS


def test_the_field_names_the_domain_in_its_refusal() -> None:
    f = Field("age", "count", "年龄", lo=18, hi=60, hi_closed=False)
    assert f.arg(18) == 18
    for bad in (17, 60, True, Decimal(20), 10**19):
        with pytest.raises(InputError, match=r"age: expected a whole number ≥ 18 and < 60"):
            f.arg(bad)
    money = Field("income", "num", "收入", unit="元", lo=0)
    assert money.arg(5) == Decimal(5) and type(money.arg(5)) is Decimal
    with pytest.raises(InputError, match="got the float"):
        money.arg(0.5)
    with pytest.raises(InputError, match=r"income: expected a number \(元\) ≥ 0"):
        money.arg(Decimal("NaN"))


def test_polc_eval_and_a_python_call_refuse_alike(tmp_path: Path) -> None:
    module = pipeline.compile_file(ROOT / "policies" / "60_public_rental_housing.pol").module
    spec = module.DECISIONS["guarantee_area"]
    with pytest.raises(InputError) as from_json:
        spec.convert({"household_size": 0})
    with pytest.raises(InputError) as from_python:
        spec.func(household_size=0)
    assert str(from_json.value) == str(from_python.value)
