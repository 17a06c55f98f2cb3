"""Python expressions as text that knows its operator precedence.

Every expression the backend builds is a `Code`: its text and how tightly it binds.
An operand is parenthesised where its context binds tighter (`Code.within`), so the
output never needs re-reading to decide where parentheses go, and none are redundant
except where they help a reader (an `and` inside an `or`, a comparison under `not`).
"""

from __future__ import annotations

import enum

import attrs


class Prec(enum.IntEnum):
    """Python's binding strengths, loosest first (the language reference, 6.17); the
    gaps are operators the backend never writes."""

    TERNARY = 1
    OR = 2
    AND = 3
    NOT = 4
    COMPARE = 5
    ADD = 10
    MUL = 11
    UNARY = 12
    ATOM = 16  # names, literals, calls, attributes, subscripts, displays


@attrs.frozen
class Code:
    text: str
    prec: Prec = Prec.ATOM

    def within(self, prec: int) -> str:
        """The text as an operand of something that binds at `prec`."""
        return self.text if self.prec >= prec else f"({self.text})"

    def __str__(self) -> str:
        return self.text


TRUE = Code("True")


def literal(value: object) -> Code:
    """A repr() literal: text from a policy enters generated code only this way."""
    text = repr(value)
    return Code(text, Prec.UNARY if text.startswith("-") else Prec.ATOM)


def call(func: str, *args: Code | str) -> Code:
    return Code(f"{func}({', '.join(str(a) for a in args)})")


def binary(left: Code, op: str, right: Code) -> Code:
    """`left op right` for + - * /: left-associative, so a right operand of the same
    strength keeps its parentheses and the tree (and Decimal rounding) is unchanged."""
    prec = Prec.ADD if op in ("+", "-") else Prec.MUL
    return Code(f"{left.within(prec)} {op} {right.within(prec + 1)}", prec)


def compare(left: Code, op: str, right: Code) -> Code:
    # comparisons chain in Python: an operand that is itself a comparison is wrapped
    return Code(f"{left.within(Prec.ADD)} {op} {right.within(Prec.ADD)}", Prec.COMPARE)


def chained(lo: Code, lo_op: str, subject: Code, hi_op: str, hi: Code) -> Code:
    """`lo <= subject < hi`: a range on one subject, as a reader writes it."""
    return Code(f"{lo.within(Prec.ADD)} {lo_op} {subject.within(Prec.ADD)} {hi_op} "
                f"{hi.within(Prec.ADD)}", Prec.COMPARE)


def negate(c: Code) -> Code:
    # `not (a < b)`, not `not a < b`: the parentheses say what is negated
    return Code(f"not {c.within(Prec.ADD)}", Prec.NOT)


def both(parts: list[Code]) -> Code:
    return _joined(parts, "and", Prec.AND)


def either(parts: list[Code]) -> Code:
    return _joined(parts, "or", Prec.OR)


def _joined(parts: list[Code], op: str, prec: Prec) -> Code:
    if len(parts) == 1:
        return parts[0]
    # an `and` inside an `or` (or the reverse) keeps its parentheses for the reader
    return Code(f" {op} ".join(p.within(Prec.NOT) for p in parts), prec)
