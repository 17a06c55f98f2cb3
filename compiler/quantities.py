"""Units of the notices, as dimension vectors with exact conversion factors.

A unit is a product of base dimensions with integer exponents (元/平方米 is
元¹·平方米⁻¹) and a Decimal factor to the base (万元 is 10000 元).  Quantities
are converted to base units at compile time, exactly, so generated code
computes in 元, 平方米, minutes, … and never in floats.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

# word -> (base dimension or None for dimensionless, factor to the base)
SIMPLE: dict[str, tuple[str | None, Decimal]] = {
    "元": ("元", Decimal(1)),
    "万元": ("元", Decimal(10000)),
    "亿元": ("元", Decimal(100000000)),
    "平方米": ("平方米", Decimal(1)),
    "㎡": ("平方米", Decimal(1)),
    "人": ("人", Decimal(1)),
    "名": ("名", Decimal(1)),
    "家": ("家", Decimal(1)),
    "项": ("项", Decimal(1)),
    "个": ("个", Decimal(1)),
    "次": ("次", Decimal(1)),
    "岁": ("岁", Decimal(1)),
    "周岁": ("岁", Decimal(1)),
    "年": ("年", Decimal(1)),
    "月": ("月", Decimal(1)),
    "个月": ("月", Decimal(1)),
    "日": ("日", Decimal(1)),
    "天": ("日", Decimal(1)),
    "工作日": ("工作日", Decimal(1)),
    "个工作日": ("工作日", Decimal(1)),
    "小时": ("分钟", Decimal(60)),
    "分钟": ("分钟", Decimal(1)),
    "%": (None, Decimal("0.01")),
    "‰": (None, Decimal("0.001")),
}

# durations that move a date or a date-time, and how the runtime moves it
DURATIONS = {"日": "days", "工作日": "working_days", "月": "months", "年": "years",
             "分钟": "minutes"}


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
MONEY = Unit.base("元")
AREA = Unit.base("平方米")


def parse_unit(word: str | None) -> tuple[Unit, Decimal]:
    """A unit word (possibly compound, 元/平方米/月) to its unit and factor."""
    if word is None:
        return DIMENSIONLESS, Decimal(1)
    parts = word.split("/")
    dim, factor = SIMPLE[parts[0]]
    unit = Unit.base(dim)
    for part in parts[1:]:
        d, f = SIMPLE[part]
        unit = unit / Unit.base(d)
        factor = factor / f
    return unit, factor


def describe(unit: Unit) -> str:
    """Plain words for messages: 元, 人, 元/平方米, a pure number."""
    return "a pure number" if unit.dimensionless else str(unit)
