"""The code generator's state, all of it explicit.

`ModuleScope` is what one generated module accumulates: its constants, its rule sites,
the standard-library names it imports and the runtime names it uses.  `Lines` is the
body being written (lines, indent, temporaries).  `Frame` is what one piece of code is
generated in (Jinja2's `Frame`): the module, the lines, the decision and whether it
traces, and the site a condition is cited from.  A frame is immutable; code for a
requirement or a table row runs in `frame.at(site)`, so no caller leaves state behind.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from polc import runtime
from polc.compiler import ir
from polc.compiler.analysis import bounds
from polc.compiler.ir import TypeKind as TK
from polc.runtime import contract

from .code import Code, Prec, literal

# the standard library a generated module may import, by the name it binds
STDLIB = {"enum": "import enum", "date": "from datetime import date",
          "datetime": "from datetime import datetime", "Decimal": "from decimal import Decimal"}
RUNTIME_ALIAS = "_rt"


class ModuleScope:
    """What a generated module holds besides its functions, collected as it is used."""

    def __init__(self, policy: ir.Policy) -> None:
        self.policy = policy
        self.plan = bounds.analyse(policy)
        self.imports: set[str] = set()
        self.constants: dict[tuple[str, object], str] = {}
        self.sites: dict[tuple[str | None, str | None, str], str] = {}

    def std(self, name: str) -> str:
        """`name` from the standard library (date, Decimal, enum …), imported once."""
        assert name in STDLIB, name
        self.imports.add(name)
        return name

    def rt(self, name: str) -> str:
        """A name of the runtime contract, as generated code spells it: nothing else
        of polc.runtime can be written into a module."""
        assert name in contract.__all__, f"polc.runtime.contract does not offer {name}"
        return f"{RUNTIME_ALIAS}.{name}"

    def lit(self, value: ir.Scalar) -> Code:
        """A literal; a Decimal, date or date-time as a module constant, built once."""
        if isinstance(value, Decimal):
            return self._constant("D", value, "_D_" + format(value, "f").replace(".", "_")
                                  .replace("-", "m"), "Decimal")
        if isinstance(value, dt.datetime):
            return self._constant("T", value, "_T_" + value.strftime("%Y%m%d%H%M%S"), "datetime")
        if isinstance(value, dt.date):
            return self._constant("d", value, "_DATE_" + value.strftime("%Y%m%d"), "date")
        return literal(value)

    def member(self, enum: str, member: str) -> Code:
        """An enum member as a module name bound once, `_M_Level_I = Level.I`: on Python
        3.11 reading `Level.I` through its class costs about ten times a global's read,
        a tenth of a fast decision's time."""
        key = ("E", (enum, member))
        if key not in self.constants:
            ident, taken, n = f"_M_{enum}_{member}", set(self.constants.values()), 2
            while ident in taken:  # enum A_B member C and enum A member B_C
                ident, n = f"_M_{enum}_{member}_{n}", n + 1
            self.constants[key] = ident
        return Code(self.constants[key])

    def _constant(self, kind: str, value: object, ident: str, std: str) -> Code:
        self.std(std)
        return Code(self.constants.setdefault((kind, value), ident))

    def constant_lines(self) -> list[str]:
        out = []
        for (kind, value), ident in sorted(self.constants.items(), key=lambda kv: kv[1]):
            if isinstance(value, Decimal):
                text = format(value, "f")
                # Decimal(10000) for whole amounts (ruff's FURB157), Decimal("0.03") otherwise
                arg = text if "." not in text else repr(text)
                out.append(f"{ident} = Decimal({arg})")
            elif kind == "E":
                enum, member = value  # type: ignore[misc]
                if not out or not out[-1].startswith("_M_"):
                    out.append("# members read as globals, ten times faster than through the class")
                out.append(f"{ident} = {enum}.{member}")
            elif isinstance(value, dt.datetime):
                out.append(f"{ident} = datetime({value.year}, {value.month}, {value.day}, "
                           f"{value.hour}, {value.minute}, {value.second})")
            else:
                assert kind == "d" and isinstance(value, dt.date)
                out.append(f"{ident} = date({value.year}, {value.month}, {value.day})")
        return out

    def site(self, s: ir.Site) -> str:
        """The module constant holding a rule's citation: numbered in order of first use,
        not by position, so that moving a rule does not rename what cites it."""
        key = (s.clause, " ".join(s.quotes) if s.quotes else s.derived, str(s.span))
        if key not in self.sites:
            self.sites[key] = f"_SITE_{len(self.sites) + 1}"
        return self.sites[key]

    def site_lines(self) -> list[str]:
        return [f"{name} = {self.rt('Site')}({', '.join(repr(part) for part in key)})"
                for key, name in self.sites.items()]

    def py_type(self, t: ir.Type) -> str:
        """The annotation of a value of type `t`."""
        if t.kind is TK.COUNT:
            base = "int"
        elif t.kind is TK.NUM:
            base = self.std("Decimal")
        elif t.kind is TK.DATE:
            base = self.std("date")
        elif t.kind is TK.DATETIME:
            base = self.std("datetime")
        elif t.kind is TK.BOOL:
            base = "bool"
        elif t.kind is TK.ENUM:
            base = t.enum or "object"
        elif t.kind is TK.ROLE:
            base = "str"
        elif t.kind is TK.LIST:
            base = f"list[{self.py_type(t.item) if t.item else 'object'}]"
        elif t.kind is TK.RANGE:
            base = f"{self.rt('Range')}[{self.std('Decimal')}]"
        else:
            base = "None"
        return base + (" | None" if t.nullable and base != "None" else "")


class Lines:
    """The statements of one function (or of the module's constants)."""

    def __init__(self, indent: int = 1) -> None:
        self.lines: list[str] = []
        self.indent = indent
        self.temporaries = 0

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def temporary(self, stem: str = "_v") -> str:
        self.temporaries += 1
        return f"{stem}{self.temporaries}"


@attrs.frozen
class Frame:
    scope: ModuleScope
    out: Lines
    owner: str  # the decision or constant being generated: errors name it
    site: ir.Site  # the rule a traced condition is cited from
    tracing: bool = False
    # the locals in scope, for the date inputs a value is computed from (origin)
    lets: dict[str, ir.Expr] = attrs.field(factory=dict)
    # the decision's inputs, shown by NoRuleApplies: {'x': x, …}
    args: str = "{}"

    def at(self, site: ir.Site) -> Frame:
        return attrs.evolve(self, site=site)

    def untraced(self) -> Frame:
        return attrs.evolve(self, tracing=False)

    def emit(self, line: str) -> None:
        self.out.emit(line)

    def lit(self, value: ir.Scalar) -> Code:
        return self.scope.lit(value)

    def rt(self, name: str) -> str:
        return self.scope.rt(name)

    def may_fail(self, node: object) -> bool:
        return self.scope.plan.may_fail(node)


def limit() -> Code:
    """polc.runtime.LIMIT as generated checks write it (10**18 reads as what it is)."""
    digits = len(str(runtime.LIMIT)) - 1
    if 10**digits == runtime.LIMIT:
        return Code(f"10**{digits}", Prec.UNARY)  # ** binds tighter than unary minus only
    return literal(runtime.LIMIT)
