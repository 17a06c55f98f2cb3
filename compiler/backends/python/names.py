"""The names a generated module reserves, and the check that a policy uses none (E102).

A policy's names become Python names: enums are classes, decisions functions, inputs
parameters, locals variables, constants `CONST_<name>` globals.  A name equal to a
Python keyword, to a name the module binds (DECISIONS, BODIES, next_steps …) or calls
(a builtin such as `type`), or of the form the module keeps for itself (`_…`,
`explain_…`, `CONST_…`, `…_LABELS`) would shadow it: an input `type` broke
`type(x) is not int`, a decision `DECISIONS` replaced the table of decisions.  This
module is the one list of them; the code generator takes its names from here, and the
pipeline runs `check` after the checker, so the semantics know nothing of Python.
"""

from __future__ import annotations

import builtins
import keyword

from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.syntax import ast as A

# what the module binds at top level
DOCNO, TITLE, SOURCE_SHA256 = "DOCNO", "TITLE", "SOURCE_SHA256"
DECISIONS, ROLES = "DECISIONS", "ROLES"
# the organisation block (structure.py): data and four functions
STRUCTURE = ("BODIES", "RELATIONS", "GROUPS", "FLOWS", "LADDERS", "next_steps",
             "responsible", "due_dates", "explain_due_dates")
# and with 逐级 steps
ESCALATION = ("chain",)
# the forms of the module's own names
PRIVATE = "_"  # _rt, _SITE_…, _IN_…, _D_…, _decision_…, _v1, _tr …
EXPLAIN = "explain_"  # explain_<decision>
CONST = "CONST_"  # CONST_<constant>
LABELS = "_LABELS"  # <ENUM>_LABELS

# what the module imports, and names any Python code depends on
_IMPORTED = {"annotations", "enum", "date", "datetime", "Decimal", "polc", "typing"}
_PYTHON = set(keyword.kwlist) | set(keyword.softkwlist) | {
    "None", "True", "False", "self", "cls", "rt", "trace"}
RESERVED = frozenset(_PYTHON | _IMPORTED | set(STRUCTURE) | set(ESCALATION))
# module-level names a policy name would shadow: the builtins the functions call too
MODULE_GLOBALS = frozenset(set(dir(builtins)) | {DOCNO, TITLE, SOURCE_SHA256, DECISIONS,
                                                 ROLES})
# enum.Enum refuses a member called `mro` when the module is loaded; members are
# attributes of their class, so only Enum's own names clash
ENUM_MEMBERS = frozenset({"mro"})


def labels_table(enum_name: str) -> str:
    """The name of an enum's table of labels: LEVEL_LABELS for Level."""
    return enum_name.upper() + LABELS


def reserved(name: str, member: bool = False) -> bool:
    """Whether a policy may not use `name` (`member`: as an enum member)."""
    if name in RESERVED or name.startswith((PRIVATE, EXPLAIN)):
        return True
    if member:
        return name in ENUM_MEMBERS
    return name in MODULE_GLOBALS or name.startswith(CONST) or name.endswith(LABELS)


def check(module: A.Module, diags: Diagnostics) -> None:
    """E102 for every declared name the module reserves, and E101 for two enums whose
    labels tables would share one name (Level and LEVEL).  A name declared twice is
    checked once, where the checker takes it from (its E101 names the other)."""
    seen: set[tuple[str, str]] = set()

    def first(namespace: str, name: str) -> bool:
        if (namespace, name) in seen:
            return False
        seen.add((namespace, name))
        return True

    def refuse(name: str, span: Span, what: str, member: bool = False) -> None:
        if reserved(name, member):
            diags.error("E102", f"名称 {name!r} 不能用作{what}：它是 Python 的保留字或"
                        "生成代码保留的名称", span, hint="choose another ASCII name")

    tables: dict[str, A.EnumDecl] = {}
    # in the checker's order of declarations: types, roles and bodies, then inputs,
    # constants and decisions, so that of two declarations the same one is first
    for it in module.items:
        if isinstance(it, A.EnumDecl) and first("type", it.name):
            refuse(it.name, it.span, "类型名")
            other = tables.setdefault(labels_table(it.name), it)
            if other is not it:
                diags.error("E101", f"枚举名 {it.name!r} 与 {other.name!r} 只差大小写", it.span,
                            related=[(other.span, "first defined here")])
            members: set[str] = set()
            for m in it.members:
                if m.name not in members:
                    members.add(m.name)
                    refuse(m.name, m.span, "枚举成员", member=True)
        elif isinstance(it, A.RoleDecl) and first("value", it.name):
            refuse(it.name, it.span, "角色名")
        elif isinstance(it, A.BodyDecl) and first("value", it.name):
            refuse(it.name, it.span, "机构名")
    for cls, what in ((A.InputDecl, "输入名"), (A.ConstDecl, "常量名")):
        for it in module.items:
            if isinstance(it, cls) and first("value", it.name):
                refuse(it.name, it.span, what)
    for it in module.items:
        if isinstance(it, A.Decision) and first("decision", it.name):
            refuse(it.name, it.span, "决策名")
            for st in it.stmts:
                if isinstance(st, A.Let):
                    refuse(st.name, st.span, "局部名")
