"""The state the check shares, stated once: symbol tables, lowered definitions, environments.

The check runs in passes (`policy.check`): the declaration pass builds `Symbols` once, and
nothing changes them afterwards; lowering then reads them through a `Context`, which also
holds the only tables that grow while lowering runs (the constants and decisions lowered so
far, which later definitions may refer to, and the constants some expression used).  An
`Env` is what one expression sees: the decision's parameters, its locals, the site its rows
inherit.  Keeping these in three small objects, rather than in one class's attributes, is
what lets each pass live in its own module and say what it reads.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

import attrs

from polc.compiler import ir, lexical
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.quantities import Declared
from polc.compiler.syntax import ast as A

# as polc fmt's blanks: formatting a file never changes an explanation text
_BLANKS = re.compile(r"[ \t\u3000\ufeff]+")


class Source:
    """The checked text, for quoting a construct in a message or an explanation."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = lexical.LineMap(text)

    def quote(self, span: Span) -> str:
        # runs of blanks become one space, so explanation texts do not depend on layout
        # (polc fmt may re-space a line; the generated module must stay the same)
        if span.line <= 0:
            return ""
        parts = self.lines.pieces(span.line, span.col, span.end_line, span.end_col)
        if len(parts) == 1:
            return _BLANKS.sub(" ", parts[0])
        return _BLANKS.sub(" ", " ".join(p.strip() for p in parts))


# one place of a clause path: 附件三, 第十条, 一, （二）, 3, （1）
_CLAUSE_PART = re.compile(r"附件[一二三四五六七八九十]*|第[一二三四五六七八九十百零]+条"
                          r"|[一二三四五六七八九十]+|（[一二三四五六七八九十0-9]+）|[0-9]+|序言|通知")


def clause_parts(clause: str) -> tuple[str, ...]:
    """`一（二）3` as ("一", "（二）", "3"): a clause contains those whose parts start so."""
    return tuple(_CLAUSE_PART.findall(clause))


@attrs.frozen
class ScopedConvention:
    """约定 WORD INCLUSION 适用于 CLAUSE: what WORD includes within CLAUSE."""

    word: str
    include: bool
    clause: str
    parts: tuple[str, ...]
    span: Span


@attrs.frozen
class Symbols:
    """What the declarations say, built once by `declarations.declare`."""

    headers: tuple[tuple[str, str], ...]
    conventions: Mapping[str, bool]  # threshold word -> whether it includes its number
    convention_sites: tuple[tuple[str, bool, ir.Site], ...]
    enums: Mapping[str, ir.EnumDef]
    members: Mapping[str, tuple[str, ...]]  # member name -> the enums having it
    roles: Mapping[str, ir.RoleDef]
    bodies: Mapping[str, ir.Body]
    inputs: Mapping[str, ir.Input]
    consts: tuple[A.ConstDecl, ...]  # lowered later, in file order
    decisions: Mapping[str, A.Decision]  # in file order
    order: tuple[str, ...]  # the decisions, each after those it takes (取)
    scoped: tuple[ScopedConvention, ...]  # the 约定 … 适用于 CLAUSE, in file order
    # the span of the declaration that holds each (namespace, name): a later one is E101
    declared: Mapping[tuple[str, str], Span]
    # the policy's own units (单位 标准箱 : 计数, 单位 垧 = 15亩), by name
    units: Mapping[str, Declared]

    def holds(self, namespace: str, name: str, span: Span) -> bool:
        """Whether the declaration at `span` is the one that defines the name."""
        return self.declared.get((namespace, name)) == span


class Context:
    """What lowering reads (the symbols, the text) and the definitions it has lowered."""

    def __init__(self, source: Source, diags: Diagnostics, symbols: Symbols) -> None:
        self.source = source
        self.d = diags
        self.symbols = symbols
        # filled in file order: a constant sees the constants above it
        self.consts: dict[str, ir.ConstDef] = {}
        # filled in dependency order: 取 OTHER sees the callee's type
        self.decisions: dict[str, ir.Decision] = {}
        self.used_consts: set[str] = set()  # for W502

    def quote(self, span: Span) -> str:
        return self.source.quote(span)


@attrs.define
class Env:
    """What an expression sees: the decision (name, parameters, locals so far) and the
    site a row without its own citation inherits.  Never changed once made (`with_site`
    makes another); not frozen only because a frozen class is slower to make, and one is
    made for every row of every table."""

    params: tuple[str, ...]
    locals: dict[str, ir.Type]
    site: ir.Site
    decision: str = ""

    def with_site(self, site: ir.Site) -> Env:
        return Env(self.params, self.locals, site, self.decision)


def suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1)
    return f"did you mean {close[0]!r}?" if close else ""
