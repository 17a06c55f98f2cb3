"""Running the examples (例) of a policy against its generated module."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from polc.compiler import ir, pipeline
from polc.runtime import CalendarError, InputError, OutOfRange, PolcError, to_jsonable


@attrs.frozen
class Refused:
    """What a decision did with inputs it refused: the reason, as the error says it."""

    reason: str


def shown(value: Any) -> Any:
    """An expected or actual value as reports and JSON show it: a refusal as <rejected>."""
    if value is ir.REJECTED:
        return "<rejected>"
    if isinstance(value, Refused):
        return f"<rejected> ({value.reason})"
    return to_jsonable(value)


@attrs.frozen
class ExampleResult:
    decision: str
    where: str
    args: dict[str, Any]
    expected: Any
    got: Any
    passed: bool
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "where": self.where,
                "args": to_jsonable(self.args), "expected": shown(self.expected),
                "got": shown(self.got), "passed": self.passed, "quote": self.quote}

    def line(self) -> str:
        args = ", ".join(f"{k}={to_jsonable(v)}" for k, v in self.args.items())
        head = f"{'PASS' if self.passed else 'FAIL'} {self.where} {self.decision}({args})"
        if self.passed:
            return head + f" => {shown(self.got)}"
        return (head + f"\n  expected: {shown(self.expected)}\n  got:      "
                f"{shown(self.got)}" + (f"\n  quote:    「{self.quote}」" if self.quote else ""))


def _normalise(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def run_examples(compiled: pipeline.Compilation) -> list[ExampleResult]:
    assert compiled.ir is not None
    module = compiled.module
    out = []
    for ex in compiled.ir.examples:
        spec = module.DECISIONS[ex.decision]
        # enum inputs stay member names: generated functions accept them
        kwargs: dict[str, Any] = dict(ex.args)
        got: Any
        try:
            got = _normalise(spec.func(**kwargs))
        except (InputError, CalendarError, OutOfRange) as exc:
            # a case refused for its inputs (bad, past the calendar, or leading past the
            # limits of polc's numbers) is what an example's 拒绝 expects
            got = Refused(str(exc))
        except PolcError as exc:
            got = f"<error: {exc}>"
        expected = ex.expected
        if expected is ir.REJECTED:
            passed = isinstance(got, Refused)
        else:
            # True == 1 in Python: a boolean must match as a boolean
            boolean = isinstance(expected, bool) or isinstance(got, bool)
            passed = got is expected if boolean else got == expected
        out.append(ExampleResult(ex.decision, str(ex.site.span), dict(ex.args), expected, got,
                                 passed, " ".join(ex.site.quotes)))
    return out
