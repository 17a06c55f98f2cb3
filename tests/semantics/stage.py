"""The semantics stage alone: text -> AST by the syntax stage, then `semantics.check`.

No backend, no analysis, no citation check runs, so a test here fails only for the
stage it is about."""

from __future__ import annotations

from polc.compiler import ir, semantics
from polc.compiler.diagnostics import Diagnostic, Diagnostics
from polc.compiler.lexical import normalise
from polc.compiler.syntax import parse_module

HEAD = '文号 "测试〔2024〕1号"\n'


def checked(text: str, name: str = "t.pol") -> tuple[ir.Policy | None, list[Diagnostic]]:
    """The policy and every diagnostic (syntax and semantics) of `text`, in order."""
    diags = Diagnostics()
    source = normalise(text)
    module = parse_module(source, name, diags)
    assert module is not None, [d.message for d in diags]
    checked_policy = semantics.check(module, source, diags)
    return checked_policy, list(diags)


def errors(text: str) -> list[Diagnostic]:
    return [d for d in checked(text)[1] if d.severity == "error"]


def codes(text: str) -> list[str]:
    return [d.code for d in errors(text)]


def policy(text: str) -> ir.Policy:
    """The policy of a text that must check without errors."""
    p, diags = checked(text)
    assert p is not None and not [d for d in diags if d.severity == "error"], \
        [(d.code, d.message) for d in diags]
    return p
