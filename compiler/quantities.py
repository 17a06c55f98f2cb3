"""Units of the notices, as dimension vectors with exact conversion factors.

The unit words and their factors are `vocabulary.UNITS`; this module is their algebra.

A unit is a product of base dimensions with integer exponents (元/平方米 is
元¹·平方米⁻¹) and a Decimal factor to the base (万元 is 10000 元).  Quantities
are converted to base units at compile time, exactly, so generated code
computes in 元, 平方米, minutes, … and never in floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from .vocabulary import AREA_UNIT, DURATIONS, MONEY_UNIT, UNITS


@attrs.frozen(order=True)
class Unit:
    dims: tuple[tuple[str, int], ...] = ()

    @classmethod
    def base(cls, dim: str | None) -> Unit:
        return cls(((dim, 1),)) if dim else cls(())

    def __mul__(self, other: Unit) -> Unit:
        acc: dict[str, int] = dict(self.dims)
        for d, e in other.dims:
            acc[d] = acc.get(d, 0) + e
        return Unit(tuple(sorted((d, e) for d, e in acc.items() if e)))

    def inverse(self) -> Unit:
        return Unit(tuple((d, -e) for d, e in self.dims))

    def __truediv__(self, other: Unit) -> Unit:
        return self * other.inverse()

    @property
    def dimensionless(self) -> bool:
        return not self.dims

    @property
    def duration(self) -> str | None:
        if len(self.dims) == 1 and self.dims[0][1] == 1 and self.dims[0][0] in DURATIONS:
            return self.dims[0][0]
        return None

    def __str__(self) -> str:
        if not self.dims:
            return "1"
        num = [d if e == 1 else f"{d}^{e}" for d, e in self.dims if e > 0]
        den = [d if e == -1 else f"{d}^{-e}" for d, e in self.dims if e < 0]
        text = "·".join(num) if num else "1"
        for d in den:
            text += "/" + d
        return text


DIMENSIONLESS = Unit()
MONEY = Unit.base(MONEY_UNIT)
AREA = Unit.base(AREA_UNIT)


@attrs.frozen
class Declared:
    """A unit a policy declares (单位): its base dimension (its own name for 单位 X : 计数),
    its exact factor to that base, and whether it counts things one by one (计数), so a
    quantity of it is whole."""

    dim: str
    factor: Decimal
    counted: bool = False


class UnknownUnit(Exception):
    """A unit word that is neither built in nor declared; `part` is the word at fault."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def _word(part: str, declared: Mapping[str, Declared]) -> tuple[str | None, Decimal]:
    if part in UNITS:
        return UNITS[part]
    if part in declared:
        return declared[part].dim, declared[part].factor
    raise UnknownUnit(part)


def parse_unit(
    word: str | None, declared: Mapping[str, Declared] | None = None
) -> tuple[Unit, Decimal]:
    """A unit word (possibly compound, 元/平方米/月) to its unit and factor; the policy's
    own units (`declared`) as well as the built-in ones.  Raises `UnknownUnit`."""
    if word is None:
        return DIMENSIONLESS, Decimal(1)
    known = declared or {}
    parts = word.split("/")
    dim, factor = _word(parts[0], known)
    unit = Unit.base(dim)
    for part in parts[1:]:
        d, f = _word(part, known)
        unit = unit / Unit.base(d)
        factor = factor / f
    return unit, factor


def describe(unit: Unit) -> str:
    """Plain words for messages: 元, 人, 元/平方米, a pure number."""
    return "a pure number" if unit.dimensionless else str(unit)


# ---------------------------------------------------------------- showing quantities
# The notices write large amounts in 万元 and 亿元 (1.5万元, 8.5亿元, 119.99万元) and small
# or odd ones in 元 (3946元, 150000.01元); every message, report and diagram shows an
# amount that way, so a reader can find it in the notice as written.
_MONEY_WORDS = ((Decimal(100000000), "亿元"), (Decimal(10000), "万元"))
_MONEY_STEP = Decimal("0.01")  # at most two decimals of the larger unit


def show_number(v: int | Decimal) -> str:
    """A number as written: no exponent, no trailing zeros (1.50 is 1.5, 1E+2 is 100)."""
    if isinstance(v, int):
        return str(v)
    return format(v.normalize(), "f")


def show_money(v: int | Decimal) -> str:
    """An amount in 元 as the notices write it: 1.5万元, 8.5亿元, 3946元."""
    amount = Decimal(v)
    for factor, word in _MONEY_WORDS:
        scaled = amount / factor
        if abs(amount) >= factor and scaled % _MONEY_STEP == 0:
            return f"{show_number(scaled)}{word}"
    return f"{show_number(amount)}元"


def show_quantity(v: int | Decimal, unit: Unit, *, ratio: bool = False) -> str:
    """A value in base units as a reader reads it: money by `show_money`, a ratio (a
    dimensionless fraction) as a percentage, anything else as its number and unit."""
    if unit == MONEY:
        return show_money(v)
    if unit.dimensionless:
        return f"{show_number(Decimal(v) * 100)}%" if ratio else show_number(v)
    return f"{show_number(v)}{unit}"
