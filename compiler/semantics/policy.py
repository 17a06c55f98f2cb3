"""The semantics stage in order: the AST of one file to its `ir.Policy`.

`check` is the stage's one entry point (`pipeline.Compilation.ir` calls it).  It runs
the passes in the order their dependencies need, each in its own module: declarations
(the symbol tables, built once), constants in file order, decisions with their callees
first, examples, the organisation and flows; then the passes that only report or
collect: citations owed (E401), the readings, the unused declarations (W5xx).  Every
problem becomes a diagnostic; none stops the check, so one run reports them all.
"""

from __future__ import annotations

import hashlib

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.syntax import ast as A

from . import decisions, declarations, examples, lints, sites, validity
from .context import Context, Source
from .organisation import organisation


def check(module: A.Module, text: str, diags: Diagnostics) -> ir.Policy | None:
    source = Source(module.file, text)
    symbols = declarations.declare(module, source, diags)
    cx = Context(source, diags, symbols)
    for decl in symbols.consts:
        c = decisions.const(cx, decl)
        if c is not None:
            cx.consts[decl.name] = c
    for name in symbols.order:
        dec = decisions.decision(cx, symbols.decisions[name])
        if dec is not None:
            cx.decisions[name] = dec
    lowered = tuple(cx.decisions[n] for n in symbols.decisions if n in cx.decisions)
    examples_ = tuple(ex for it in module.items if isinstance(it, A.Example)
                      for ex in [examples.example(cx, it)] if ex is not None)
    org = organisation(cx, module.items)
    sites.report_uncited(module, symbols, diags)
    lints.report_unused(cx, lowered, org)
    period = validity.validity(module, diags)
    return ir.Policy(
        file=module.file, docno=dict(symbols.headers).get(V.Header.DOCNO.value, ""),
        headers=symbols.headers, conventions=symbols.convention_sites,
        enums=tuple(symbols.enums.values()), roles=tuple(symbols.roles.values()),
        bodies=tuple(symbols.bodies.values()), relations=org.relations, groups=org.groups,
        inputs=tuple(symbols.inputs.values()), consts=tuple(cx.consts.values()),
        decisions=lowered, examples=examples_, flows=org.flows, ladders=org.ladders,
        readings=sites.readings(module, symbols, text),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), validity=period,
    )
