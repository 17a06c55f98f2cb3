"""Exact DECIMAL types for the numbers a decision computes in SQL.

SQL engines keep a DECIMAL exact only within its declared precision (at most 38
digits) and each engine widens the type of a result by its own rules: Spark, past
38 digits, silently drops digits after the point, and DuckDB divides decimals in
floating point.  So every number the SQL backend writes carries a type worked out
here, from the inputs' declared domains, by interval arithmetic: a value range and
the number of digits after the point.  Each operand is cast to its own tight type
before an operation, so no engine has to widen anything, and an operation whose
exact result would not fit is not written at all (the caller reports E722).

A number input is read as DECIMAL(25, 6): at most 10**18 (polc.runtime.LIMIT), at
most six digits after the point (money to the fen, ratios to a ten-thousandth of a
percent); a value with more digits is refused by name, never rounded.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from polc.runtime import LIMIT

INPUT_SCALE = 6  # digits after the point of a number input in SQL
# the column type of a number input: 10**18 itself has 19 digits before the point
INPUT_TYPE = f"DECIMAL({len(str(LIMIT)) + INPUT_SCALE}, {INPUT_SCALE})"
MAX_DIGITS = 38  # the widest DECIMAL DuckDB and Spark have
QUOTIENT_DIGITS = 28  # polc.runtime rounds a quotient to this many significant digits


class Num(NamedTuple):
    lo: Fraction
    hi: Fraction
    scale: int  # digits after the point that the value may have

    @property
    def magnitude(self) -> Fraction:
        return max(-self.lo, self.hi)

    @property
    def precision(self) -> int:
        """Digits of the narrowest DECIMAL with this scale holding every value."""
        whole = int(self.magnitude)
        return max(len(str(whole)) if whole else 1, 1) + self.scale

    def sql(self) -> str:
        return f"DECIMAL({self.precision}, {self.scale})"


def point(value: int | Decimal) -> Num:
    if isinstance(value, int):
        return Num(Fraction(value), Fraction(value), 0)
    exponent = value.as_tuple().exponent
    scale = max(0, -exponent) if isinstance(exponent, int) else 0
    return Num(Fraction(value), Fraction(value), scale)


def domain(lo: object, hi: object, scale: int) -> Num:
    low = Fraction(lo) if isinstance(lo, (int, Decimal)) and lo > -LIMIT else Fraction(-LIMIT)
    high = Fraction(hi) if isinstance(hi, (int, Decimal)) and hi < LIMIT else Fraction(LIMIT)
    return Num(low, high, scale)


def hull(*nums: Num) -> Num:
    return Num(min(n.lo for n in nums), max(n.hi for n in nums), max(n.scale for n in nums))


def add(a: Num, b: Num) -> Num:
    return Num(a.lo + b.lo, a.hi + b.hi, max(a.scale, b.scale))


def sub(a: Num, b: Num) -> Num:
    return Num(a.lo - b.hi, a.hi - b.lo, max(a.scale, b.scale))


def mul(a: Num, b: Num) -> Num:
    corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
    return Num(min(corners), max(corners), a.scale + b.scale)


def money(a: Num) -> Num:
    """The range of an amount rounded to the fen."""
    return Num(a.lo - Fraction(1, 200), a.hi + Fraction(1, 200), min(a.scale, 2))


def reciprocal(divisor: Decimal) -> Decimal | None:
    """1 / divisor as a finite decimal, or None (a divisor with a prime factor other
    than 2 and 5, whose quotients repeat and so round)."""
    if divisor == 0:
        return None
    frac = 1 / Fraction(divisor)
    den = frac.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return None
    # the exact decimal: enough places for the powers of 2 and 5 in the denominator
    places = 0
    while (frac * 10**places).denominator != 1:
        places += 1
    return Decimal(frac.numerator * 10**places // frac.denominator).scaleb(-places)


def fits_product(a: Num, b: Num) -> bool:
    """Spark types a × b as DECIMAL(p1 + p2 + 1, s1 + s2) and drops digits past 38."""
    return a.precision + b.precision + 1 <= MAX_DIGITS


def fits_sum(a: Num, b: Num) -> bool:
    scale = max(a.scale, b.scale)
    whole = max(a.precision - a.scale, b.precision - b.scale)
    return scale + whole + 1 <= MAX_DIGITS
