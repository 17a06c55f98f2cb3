"""Running the examples (例) of a policy against its generated module."""

from __future__ import annotations

from typing import Any

import attrs

from polc.runtime import CalendarError, InputError, PolcError, to_jsonable

from . import driver, ir


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
                "args": to_jsonable(self.args), "expected": to_jsonable(self.expected),
                "got": to_jsonable(self.got), "passed": self.passed, "quote": self.quote}

    def line(self) -> str:
        args = ", ".join(f"{k}={to_jsonable(v)}" for k, v in self.args.items())
        head = f"{'PASS' if self.passed else 'FAIL'} {self.where} {self.decision}({args})"
        if self.passed:
            return head + f" => {to_jsonable(self.got)}"
        return (head + f"\n  expected: {to_jsonable(self.expected)}\n  got:      "
                f"{to_jsonable(self.got)}" + (f"\n  quote:    「{self.quote}」" if self.quote else ""))


def _normalise(value: Any) -> Any:
    if hasattr(value, "name") and hasattr(value, "value") and type(value).__module__ \
            .startswith("polc_generated"):
        return value.name
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def run_examples(compiled: driver.Compiled) -> list[ExampleResult]:
    assert compiled.policy is not None
    module = driver.load_module(compiled)
    out = []
    for ex in compiled.policy.examples:
        spec = module.DECISIONS[ex.decision]
        kwargs: dict[str, Any] = {}
        for (name, value), field in zip(ex.args, [f for f in spec.fields]):
            kwargs[name] = value
        for f in spec.fields:
            if f.kind == "enum" and f.name in kwargs and isinstance(kwargs[f.name], str):
                kwargs[f.name] = f.enum[kwargs[f.name]]
        got: Any
        try:
            got = _normalise(spec.func(**kwargs))
        except (InputError, CalendarError) as exc:
            # what `polc eval` refuses with exit 2 is what an example's 拒绝 expects
            got = ir.REJECTED + f" ({exc})"
        except PolcError as exc:
            got = f"<error: {exc}>"
        expected = ex.expected
        if expected == ir.REJECTED:
            passed = isinstance(got, str) and got.startswith(ir.REJECTED)
        else:
            passed = got == expected and type(got) is not bool or got is expected
            if isinstance(expected, bool) or isinstance(got, bool):
                passed = got is expected
        out.append(ExampleResult(ex.decision, str(ex.site.span), dict(ex.args), expected, got,
                                 passed, " ".join(ex.site.quotes)))
    return out
