"""Range values: 「处10万元以上20万元以下的罚款」, 「处上一年年收入40%至80%的罚款」.

A range is two exact ends and whether each is included.  Which ends are included the
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
    """lo to hi; JSON {"lo": …, "hi": …, "lo_included": …, "hi_included": …}."""

    lo: N
    hi: N
    lo_included: bool = True
    hi_included: bool = True

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
            return False
        above = value >= self.lo if self.lo_included else value > self.lo
        below = value <= self.hi if self.hi_included else value < self.hi
        return above and below

    def text(self, unit: str = "") -> str:
        """As the notices write it: 100000元以上200000元以下, 5日（不含）至10日."""
        lo = f"{self.lo}{unit}" + ("" if self.lo_included else "（不含）")
        hi = f"{self.hi}{unit}" + ("" if self.hi_included else "（不含）")
        return f"{lo}至{hi}"


def make_range(
    lo: N, hi: N, lo_included: bool, hi_included: bool, decision: str, where: str
) -> Range[N]:
    """The range lo–hi, refused (OutOfRange) when no value lies in it."""
    if lo > hi or (lo == hi and not (lo_included and hi_included)):
        raise OutOfRange(decision, where, f"is an empty range ({lo} to {hi})")
    return Range(lo, hi, lo_included, hi_included)


def money_range(r: Range[Decimal]) -> Range[Decimal]:
    """A money range as a decision returns it: each end rounded to the fen, once."""
    return Range(money(r.lo), money(r.hi), r.lo_included, r.hi_included)


__all__ = ["Range", "make_range", "money_range"]
