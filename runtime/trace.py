"""Explanations: which conditions and rows decided an answer, with their quotes.

Generated modules have a fast function per decision and an `explain_*` twin
that records into a `Tracer`; the fast path never pays for tracing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from .errors import PolcError


@attrs.frozen
class Site:
    """Where a rule is and what it cites: one constant per rule in a generated module."""

    clause: str | None
    quote: str | None
    where: str  # file:line:col of the rule in the .pol file


# one named condition of 全部满足 / 任一满足: its test, name, label and site
Named = tuple[Callable[[], bool], str, str, Site]


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
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def _add(self, kind: str, text: str, result: Any, site: Site,
             values: tuple[tuple[str, Any], ...] = ()) -> None:
        self.steps.append(Step(kind, text, result, site.clause, site.quote, site.where, values))

    def cond(self, result: bool, text: str, site: Site, *values: tuple[str, Any]) -> bool:
        self._add("condition", text, result, site, values)
        return result

    def row(self, text: str, site: Site) -> None:
        self._add("row", text, True, site)

    def named(self, result: bool, name: str, label: str, site: Site) -> bool:
        self._add("named", f"{name}: {label}", result, site)
        return result

    def named_all(self, items: tuple[Named, ...]) -> bool:
        return self._named(items, True)

    def named_any(self, items: tuple[Named, ...]) -> bool:
        return self._named(items, False)

    def _named(self, items: tuple[Named, ...], every: bool) -> bool:
        """全部满足 (`every`) or 任一满足: every item is shown, so that an explanation names
        each condition that failed.  Once the answer is decided (an item fails for
        全部满足, holds for 任一满足), the decision itself evaluates no further item, so
        the rest are shown only if they can be evaluated: never an error it has not."""
        decided: bool | None = None
        for test, name, label, site in items:
            if decided is None:
                result = test()
            else:
                try:
                    result = test()
                except PolcError:
                    continue
            self.named(result, name, label, site)
            if decided is None and result is not every:
                decided = result
        return every if decided is None else decided

    def done(self, value: Any) -> Explanation:
        return Explanation(value, tuple(self.steps))
