"""Typed errors raised by generated policy modules and the runtime.

Every error a policy can raise at run time is one of these, so callers (and
`polc eval`) can tell bad input (the caller's fault) from a policy that has no
rule for a case (the drafter's fault) without parsing messages.
"""

from __future__ import annotations


class PolcError(Exception):
    """Base class of every error polc's runtime raises."""


class InputError(PolcError, ValueError):
    """An input is missing, unknown, mistyped or outside its domain."""

    def __init__(self, field: str, expected: str, got: object = None, *, detail: str = "") -> None:
        self.field = field
        self.expected = expected
        self.got = got
        msg = f"{field}: expected {expected}"
        if detail:
            msg += f"; {detail}"
        elif got is not None:
            msg += f", got {_show(got)}"
        super().__init__(msg)


class NoRuleApplies(PolcError):
    """No rule of a decision covers the inputs (Catala's NoValue)."""

    def __init__(self, decision: str, where: str, inputs: dict[str, object] | None = None) -> None:
        self.decision = decision
        self.where = where
        self.inputs = inputs or {}
        shown = ", ".join(f"{k}={_show(v)}" for k, v in sorted(self.inputs.items()))
        super().__init__(f"{decision}: no rule applies ({where}) for {shown}")


class OutOfRange(PolcError):
    """A value a decision computes is past polc's stated limits (docs/language.md,
    "Numbers"): its magnitude is beyond BOUND, or its exact value needs more digits
    than PRECISION.  Refused rather than rounded or overflowed."""

    def __init__(self, decision: str, where: str, detail: str) -> None:
        self.decision = decision
        self.where = where
        super().__init__(f"{decision}: the value computed at {where} {detail}")


class CalendarError(PolcError):
    """A working-day count needs a year whose official holiday schedule is not known."""

    def __init__(self, year: int, known: tuple[int, int]) -> None:
        self.year = year
        self.known = known
        super().__init__(
            f"calendar not published for {year}: official working days are known "
            f"for {known[0]}-{known[1]} only"
        )


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
