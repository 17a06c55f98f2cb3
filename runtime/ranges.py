"""Range values: 「处10万元以上20万元以下的罚款」, 「处上一年年收入40%至80%的罚款」.

A range is two exact ends and whether each is included; a one-ended range
(「处5000元以上罚款」) has None for the end the text does not give, and that side is
unbounded: nothing is invented for it.  Which ends are included the
compiler decides (the threshold words, the document's and the clause's 约定, （含）/（不含）);
the runtime only holds them, tests membership and rounds money ends to the fen.  An
empty range (the lower end above the upper, or one point not included) is refused where
it is made, naming the decision, never returned.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Generic, TypeVar

import attrs

from .errors import OutOfRange
from .values import money

N = TypeVar("N", int, Decimal)


@attrs.frozen
class Range(Generic[N]):
    """lo to hi; JSON {"lo": …, "hi": …, "lo_included": …, "hi_included": …}, an end the
    text does not give being None (JSON null)."""

    lo: N | None
    hi: N | None
    lo_included: bool = True
    hi_included: bool = True

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
            return False
        above = self.lo is None or (value >= self.lo if self.lo_included else value > self.lo)
        below = self.hi is None or (value <= self.hi if self.hi_included else value < self.hi)
        return above and below

    def text(self, unit: str = "") -> str:
        """As the notices write it: 100000元以上200000元以下, 5日（不含）至10日; a missing
        end said so, never filled in: 5000元以上（无上限）, 200000元以下（无下限）."""
        if self.hi is None:
            return f"{self.lo}{unit}{'以上' if self.lo_included else '（不含）以上'}（无上限）"
        if self.lo is None:
            return f"{self.hi}{unit}{'以下' if self.hi_included else '（不含）以下'}（无下限）"
        lo = f"{self.lo}{unit}" + ("" if self.lo_included else "（不含）")
        hi = f"{self.hi}{unit}" + ("" if self.hi_included else "（不含）")
        return f"{lo}至{hi}"


def make_range(
    lo: N | None, hi: N | None, lo_included: bool, hi_included: bool, decision: str,
    where: str
) -> Range[N]:
    """The range lo–hi, refused (OutOfRange) when no value lies in it; a None end is open
    (a one-ended range is never empty)."""
    if lo is None or hi is None:
        if lo is None and hi is None:
            raise OutOfRange(decision, where, "is a range with neither end")
        return Range(lo, hi, lo_included, hi_included)
    if lo > hi or (lo == hi and not (lo_included and hi_included)):
        raise OutOfRange(decision, where, f"is an empty range ({lo} to {hi})")
    return Range(lo, hi, lo_included, hi_included)


def money_range(r: Range[Decimal]) -> Range[Decimal]:
    """A money range as a decision returns it: each end rounded to the fen, once."""
    return Range(None if r.lo is None else money(r.lo), None if r.hi is None else money(r.hi),
                 r.lo_included, r.hi_included)


def range_end(r: Range[N], upper: bool, decision: str, where: str) -> N:
    """上限(r) / 下限(r): refused (OutOfRange) when the text gives that end no number
    (上限 of 5000元以上), rather than inventing one."""
    end = r.hi if upper else r.lo
    if end is None:
        raise OutOfRange(decision, where, f"has no {'upper' if upper else 'lower'} end "
                                          f"(the range is {r.text()})")
    return end


__all__ = ["Range", "make_range", "money_range", "range_end"]
