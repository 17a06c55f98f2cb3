"""Random cases for a decision, read from its IR: in-domain values with the numbers
and dates the decision compares against (and their neighbours) over-represented, and
a share of invalid rows (a missing value, one outside the domain, an unknown enum
name).  One case is a dict of Python values a generated function takes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import attrs

from polc.compiler import ir
from polc.compiler.ir import TypeKind as TK
from polc.runtime import LIMIT

INVALID_SHARE = 0.03
_FIRST, _LAST = dt.date(2003, 6, 1), dt.date(2027, 6, 30)  # past the calendar's both ends


def literals(policy: ir.Policy, d: ir.Decision) -> list[object]:
    """Every number and date the decision (and what it calls) compares or computes with."""
    found: list[object] = []
    seen: set[str] = set()
    todo: list[object] = [d]
    while todo:
        x = todo.pop()
        if isinstance(x, ir.Decision):
            if x.name in seen:
                continue
            seen.add(x.name)
        if isinstance(x, ir.CallDecision):
            todo.append(policy.decision(x.name))
        if isinstance(x, ir.Lit):
            found.append(x.value)
        if isinstance(x, ir.Test):
            found.extend(v for v in (x.value, x.lo, x.hi) if v is not None)
        if isinstance(x, tuple):
            todo.extend(x)
        elif attrs.has(type(x)) and not isinstance(x, (ir.Type, ir.Site)):
            todo.extend(attrs.astuple(x, recurse=False))
    return [v for v in found if not isinstance(v, bool) and v is not None]


class Cases:
    def __init__(self, policy: ir.Policy, d: ir.Decision, module: Any, seed: int) -> None:
        self.p = policy
        self.d = d
        self.rng = random.Random(seed)
        lits = literals(policy, d)
        self.numbers = sorted({Decimal(v) for v in lits if isinstance(v, (int, Decimal))})
        self.dates = sorted({v for v in lits if isinstance(v, dt.date)
                             and not isinstance(v, dt.datetime)})
        self.inputs = [policy.input(n) for n in d.params]
        self.enums = {i.name: getattr(module, i.type.enum) for i in self.inputs if i.type.enum}

    def near(self, inp: ir.Input) -> list[Decimal]:
        """The decision's numbers, scaled as the input might meet them, with neighbours."""
        step = Decimal(1) if inp.type.kind is TK.COUNT else Decimal("0.000001")
        out = []
        for v in self.numbers:
            for scale in (Decimal(1), Decimal(10000)) if inp.type.is_money else (Decimal(1),):
                w = v * scale
                out.extend((w - step, w, w + step, w - Decimal("0.01"), w + Decimal("0.01")))
        for bound in (inp.lo, inp.hi):
            if isinstance(bound, (int, Decimal)):
                out.extend((Decimal(bound), Decimal(bound) + step, Decimal(bound) - step))
        return out

    def value(self, inp: ir.Input) -> object:
        t = inp.type
        r = self.rng
        if t.kind is TK.BOOL:
            return r.random() < 0.5
        if t.kind is TK.ENUM:
            return r.choice(list(self.enums[inp.name]))
        if t.kind is TK.DATE:
            if self.dates and r.random() < 0.3:
                return r.choice(self.dates) + dt.timedelta(days=r.choice((-1, 0, 1)))
            return _FIRST + dt.timedelta(days=r.randrange((_LAST - _FIRST).days))
        if t.kind is TK.DATETIME:
            if r.random() < 0.01:
                return dt.datetime(9999, 12, 31, 23, r.randrange(60))
            day = _FIRST + dt.timedelta(days=r.randrange((_LAST - _FIRST).days))
            return dt.datetime(day.year, day.month, day.day, r.randrange(24), r.randrange(60))
        lo = Decimal(inp.lo) if isinstance(inp.lo, (int, Decimal)) else Decimal(-LIMIT)
        hi = Decimal(inp.hi) if isinstance(inp.hi, (int, Decimal)) else Decimal(LIMIT)
        for _ in range(20):
            roll = r.random()
            if roll < 0.45:
                v = r.choice(self.near(inp) or [lo])
            elif roll < 0.47:
                v = hi if hi < LIMIT or r.random() < 0.5 else Decimal(r.randrange(LIMIT))
            else:
                top = max([abs(n) for n in self.numbers] + [Decimal(10)]) * 2
                if inp.type.is_money:
                    top *= 10000
                v = Decimal(r.randrange(int(max(lo, 0)), int(min(hi, top)) + 2))
                if t.kind is TK.NUM:
                    v += Decimal(r.randrange(10**6)).scaleb(-6) * r.choice((0, 0, 1))
                    v = v.quantize(Decimal(1).scaleb(-r.choice((0, 2, 6))))
            if _inside(inp, v):
                return int(v) if t.kind is TK.COUNT else v
        return int(lo) if t.kind is TK.COUNT else lo

    def invalid(self, inp: ir.Input) -> object:
        r = self.rng
        t = inp.type
        if r.random() < 0.4 or t.kind in (TK.BOOL, TK.DATE, TK.DATETIME):
            return None
        if t.kind is TK.ENUM:
            return "not_a_member"
        step = Decimal(1) if t.kind is TK.COUNT else Decimal("0.000001")
        outside = []
        if isinstance(inp.lo, (int, Decimal)):
            outside.append(Decimal(inp.lo) - (step if inp.lo_closed else 0))
        if isinstance(inp.hi, (int, Decimal)):
            outside.append(Decimal(inp.hi) + (step if inp.hi_closed else 0))
        outside.append(Decimal(LIMIT) + step)
        v = r.choice(outside)
        return int(v) if t.kind is TK.COUNT else v

    def case(self) -> dict[str, object]:
        row = {i.name: self.value(i) for i in self.inputs}
        money = [i.name for i in self.inputs if i.type.is_money]
        ratios = [n for n in self.numbers if 0 < n < 10]
        if len(money) >= 2 and ratios and self.rng.random() < 0.3:
            # one amount exactly a threshold above another: growth rates on the boundary
            a, b = self.rng.sample(money, 2)
            base = row[b]
            assert isinstance(base, Decimal)
            row[a] = (base * (1 + self.rng.choice(ratios))).quantize(Decimal("0.000001"))
            if not _inside(self.p.input(a), row[a]):
                row[a] = base
        if self.inputs and self.rng.random() < INVALID_SHARE:
            bad = self.rng.choice(self.inputs)
            row[bad.name] = self.invalid(bad)
        return row

    def many(self, n: int) -> list[dict[str, object]]:
        return [self.case() for _ in range(n)]


def _inside(inp: ir.Input, v: Decimal | object) -> bool:
    if not isinstance(v, Decimal):
        return True
    if abs(v) > LIMIT:
        return False
    if inp.type.kind is TK.COUNT and v != v.to_integral_value():
        return False
    if isinstance(inp.lo, (int, Decimal)) and (v < inp.lo or (v == inp.lo and not inp.lo_closed)):
        return False
    return not (isinstance(inp.hi, (int, Decimal))
                and (v > inp.hi or (v == inp.hi and not inp.hi_closed)))
