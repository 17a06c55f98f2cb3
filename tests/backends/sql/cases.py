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
import numpy as np

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
        self.np = np.random.default_rng(seed)
        lits = literals(policy, d)
        self.numbers = sorted({Decimal(v) for v in lits if isinstance(v, (int, Decimal))})
        self.dates = sorted({v for v in lits if isinstance(v, dt.date)
                             and not isinstance(v, dt.datetime)})
        self.inputs = [policy.input(n) for n in d.params]
        self.enums = {i.name: list(getattr(module, i.type.enum))
                      for i in self.inputs if i.type.enum}

    def near(self, inp: ir.Input) -> list[Decimal]:
        """The decision's numbers, scaled as the input might meet them, with neighbours;
        only those inside the input's domain."""
        step = Decimal(1) if inp.type.kind is TK.COUNT else Decimal("0.000001")
        out = []
        for v in self.numbers:
            for scale in (Decimal(1), Decimal(10000)) if inp.type.is_money else (Decimal(1),):
                w = v * scale
                out.extend((w - step, w, w + step, w - Decimal("0.01"), w + Decimal("0.01")))
        for bound in (inp.lo, inp.hi):
            if isinstance(bound, (int, Decimal)):
                out.extend((Decimal(bound), Decimal(bound) + step, Decimal(bound) - step))
        return sorted({v for v in out if _inside(inp, v)})

    def column(self, inp: ir.Input, n: int) -> list[object]:
        """n in-domain values of `inp`, drawn in bulk."""
        t = inp.type
        g = self.np
        if t.kind is TK.BOOL:
            return [bool(b) for b in g.random(n) < 0.5]
        if t.kind is TK.ENUM:
            members = self.enums[inp.name]
            return [members[i] for i in g.integers(len(members), size=n)]
        if t.kind in (TK.DATE, TK.DATETIME):
            span = (_LAST - _FIRST).days
            days = [_FIRST + dt.timedelta(days=int(x)) for x in g.integers(span, size=n)]
            if t.kind is TK.DATE:
                if self.dates:
                    near = [d + dt.timedelta(days=k) for d in self.dates for k in (-1, 0, 1)]
                    pick = g.integers(len(near), size=n)
                    days = [near[p] if m else d for d, p, m in
                            zip(days, pick, g.random(n) < 0.3)]
                return list(days)
            minutes = g.integers(24 * 60, size=n)
            late = g.random(n) < 0.01
            return [dt.datetime(9999, 12, 31, 23, int(m) % 60) if x else
                    dt.datetime(d.year, d.month, d.day, int(m) // 60, int(m) % 60)
                    for d, m, x in zip(days, minutes, late)]
        lo = Decimal(inp.lo) if isinstance(inp.lo, (int, Decimal)) else Decimal(-LIMIT)
        hi = Decimal(inp.hi) if isinstance(inp.hi, (int, Decimal)) else Decimal(LIMIT)
        top = max([abs(v) for v in self.numbers] + [Decimal(10)]) * 2
        top *= 10000 if t.is_money else 1
        low, high = int(max(lo, 0)) + (0 if inp.lo_closed else 1), int(min(hi, top))
        near = self.near(inp) or [lo]
        roll = g.random(n)
        picks = g.integers(len(near), size=n)
        whole = g.integers(low, max(high, low) + 1, size=n)
        huge = g.integers(0, LIMIT, size=n)
        out: list[object] = []
        if t.kind is TK.COUNT:
            ints = [int(v) for v in near]
            # every value drawn is inside: near values are filtered, the range is the domain's
            return [ints[p] if r < 0.45 else int(h) if r < 0.47 and hi >= LIMIT else int(w)
                    for r, p, w, h in zip(roll.tolist(), picks.tolist(), whole.tolist(),
                                          huge.tolist())]
        micros = g.integers(10**6, size=n) * (g.random(n) < 0.33)
        places = g.choice([10**6, 10**4, 1], size=n)
        for r, p, w, h, m, q in zip(roll.tolist(), picks.tolist(), whole.tolist(),
                                    huge.tolist(), micros.tolist(), places.tolist()):
            if r < 0.45:
                out.append(near[p])
            elif r < 0.47 and hi >= LIMIT:
                out.append(Decimal(h))
            else:
                v = Decimal(w * 10**6 + m // q * q).scaleb(-6)
                # only the top of the range can pass the domain's upper end
                out.append(v if w < high or _inside(inp, v) else near[p])
        return out

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

    def many(self, n: int) -> list[dict[str, object]]:
        names = [i.name for i in self.inputs]
        columns = [self.column(i, n) for i in self.inputs]
        rows = [dict(zip(names, values)) for values in zip(*columns)] if names \
            else [{} for _ in range(n)]
        money = [i.name for i in self.inputs if i.type.is_money]
        ratios = [v for v in self.numbers if 0 < v < 10]
        r = self.rng
        for row in rows:
            if len(money) >= 2 and ratios and r.random() < 0.3:
                # one amount exactly a threshold above another: growth on the boundary
                a, b = r.sample(money, 2)
                base = row[b]
                assert isinstance(base, Decimal)
                grown = (base * (1 + r.choice(ratios))).quantize(Decimal("0.000001"))
                if _inside(self.p.input(a), grown):
                    row[a] = grown
            if self.inputs and r.random() < INVALID_SHARE:
                bad = r.choice(self.inputs)
                row[bad.name] = self.invalid(bad)
        return rows


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
