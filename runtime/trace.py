"""Explanations: which conditions and rows decided an answer, with their quotes.

Generated modules have a fast function per decision and an `explain_*` twin
that records into a `Tracer`; the fast path never pays for tracing.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class Step:
    kind: str  # condition, row, otherwise, named, value
    text: str
    result: Any
    clause: str | None
    quote: str | None
    where: str
    values: tuple[tuple[str, Any], ...] = ()


@attrs.frozen
class Explanation:
    value: Any
    steps: tuple[Step, ...]


class Tracer:
    def __init__(self, sites: tuple[tuple[str | None, str | None, str], ...]) -> None:
        self.sites = sites
        self.steps: list[Step] = []

    def _add(self, kind: str, text: str, result: Any, site: int,
             values: tuple[tuple[str, Any], ...] = ()) -> None:
        clause, quote, where = self.sites[site]
        self.steps.append(Step(kind, text, result, clause, quote, where, values))

    def cond(self, result: bool, text: str, site: int, *values: tuple[str, Any]) -> bool:
        self._add("condition", text, result, site, values)
        return result

    def row(self, text: str, site: int) -> None:
        self._add("row", text, True, site)

    def named(self, result: bool, name: str, label: str, site: int) -> bool:
        self._add("named", f"{name}: {label}", result, site)
        return result

    def done(self, value: Any) -> Explanation:
        return Explanation(value, tuple(self.steps))
