"""Lints of the checked policy: declarations nothing uses (W501–W503).

Each is a warning, not an error: the policy means what it says, but an input no decision
takes, a constant no expression uses, or a role or body nothing refers to is usually a
typo'd name somewhere else.  They are found from the symbols and the lowered policy after
everything else, so no other pass has to keep track of what it used.
"""

from __future__ import annotations

from polc.compiler import ir
from polc.compiler import vocabulary as V

from .context import Context
from .organisation import Organisation


def report_unused(cx: Context, decisions: tuple[ir.Decision, ...], org: Organisation) -> None:
    sy = cx.symbols
    taken = {p for dec in sy.decisions.values() for p, _ in dec.params}
    for name, inp in sy.inputs.items():
        if name not in taken:
            cx.d.warning("W501", f"输入 {name!r} 未被任何决策使用", inp.site.span)
    for name, c in cx.consts.items():
        if name not in cx.used_consts:
            cx.d.warning("W502", f"常量 {name!r} 未被使用", c.site.span)
    # the issuer (发文机关) is declared to say who speaks, and may stand alone
    actors = {n.name for d in decisions for n in ir.walk(d) if isinstance(n, ir.RoleVal)}
    actors |= {x for r in org.relations for x in (r.subject, r.object)}
    actors |= {x for g in org.groups for x in g.leads + g.participants}
    actors |= {n.actor for f in org.flows for n in f.nodes if n.actor}
    actors |= {e.extension.approver for f in org.flows for e in f.edges
               if e.extension and e.extension.approver}
    actors |= {x for lad in org.ladders for x in (lad.actor, lad.target)}
    actors |= {b for e in sy.enums.values() for b in e.hierarchy or () if b}  # 层级's levels
    issuer = dict(sy.headers).get(V.Header.ISSUER.value)
    for name, decl in [*sy.roles.items(), *sy.bodies.items()]:
        title = decl.title if isinstance(decl, ir.RoleDef) else decl.label
        if name not in actors and title != issuer:
            cx.d.warning("W503", f"{'角色' if isinstance(decl, ir.RoleDef) else '机构'} "
                         f"{name!r}（{title}）未被任何决策、关系、工作组或流程使用",
                         decl.site.span)
