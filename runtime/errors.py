"""Typed errors raised by generated policy modules and the runtime.

Every error a policy can raise at run time is one of these, so callers (and
`polc eval`) can tell bad input (the caller's fault) from a policy that has no
rule for a case (the drafter's fault) without parsing messages.
"""

from __future__ import annotations

from datetime import date


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
    """A working-day count needs a year whose official holiday schedule polc does not have.

    Never a guess: an unpublished year would silently move deadlines."""

    def __init__(self, field: str, year: int, covered: tuple[int, ...]) -> None:
        self.field = field
        self.year = year
        self.covered = covered
        super().__init__(
            f"{field}: working days in {year:04d} are not known: the calendar has no "
            f"official holiday schedule for {year:04d} (it covers {_years(covered)}); add "
            f"the State Council's {year:04d} schedule as a calendar file: --calendar FILE, "
            f"POLC_CALENDAR=FILE, or calendar/{year:04d}.toml beside the policy "
            "(format: `polc calendar --help`)"
        )


def _years(years: tuple[int, ...]) -> str:
    """2004-2026, 2028: runs of consecutive years."""
    runs: list[list[int]] = []
    for y in years:
        if runs and runs[-1][1] == y - 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs) or "no year"


def _show(value: object) -> str:
    # a date as the user wrote it, not as Python's repr
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
