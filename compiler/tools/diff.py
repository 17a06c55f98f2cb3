"""`polc diff OLD.pol NEW.pol`: what a new version changes, per decision (docs/versions.md).

The comparison is `analysis.changes`'; this module compiles the two versions, answers each
case through their generated modules exactly as `polc eval --input` answers it (the same
words, `cli._value_text` and `cli._error`), and writes the result as text or JSON.  With `--table IN` it also
counts, per decision, the rows of a data set (as `polc eval --table` reads it) whose
answer changes, by pair of answers.

Exit codes (as diff(1) and `git diff --exit-code`, and as `polc check`, where 1 means
"something to look at"): 0 no decision changes; 1 some decision changes; 2 bad input (a
file missing, a version that does not compile, an unreadable table).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from polc.compiler import ir, pipeline
from polc.compiler.analysis import changes as C
from polc.compiler.analysis.algebra import Iv
from polc.compiler.ir import TypeKind as TK
from polc.compiler.quantities import show_quantity
from polc.runtime import CalendarError, InputError, PolcError, dumps

__all__ = ["Report", "compare", "render_json", "render_text", "table_counts"]


@attrs.frozen
class Report:
    old: pipeline.Compilation
    new: pipeline.Compilation
    decisions: tuple[C.DecisionDiff, ...]
    added: tuple[str, ...]  # decisions only the new version has
    removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or any(d.changed for d in self.decisions))


def evaluator(old: pipeline.Compilation, new: pipeline.Compilation,
              decision: str) -> C.Evaluate:
    from .cli import _error, _value_text  # polc eval's own words for an answer
    specs = {"old": old.module.DECISIONS[decision], "new": new.module.DECISIONS[decision]}

    def evaluate(version: str, case: C.Case) -> str:
        # cli._eval_one without parsing the case's JSON text: a case here is JSON values
        spec = specs[version]
        try:
            return '{"value": ' + _value_text(spec.func(**spec.convert(case))) + "}"
        except (InputError, CalendarError) as exc:
            return _error(str(exc), exc.field, None)
        except PolcError as exc:
            return _error(str(exc), None, None)
    return evaluate


def compare(old: pipeline.Compilation, new: pipeline.Compilation) -> Report:
    op, np_ = old.ir, new.ir
    assert op is not None and np_ is not None
    names = [d.name for d in op.decisions if any(x.name == d.name for x in np_.decisions)]
    diffs = tuple(C.compare_decision(op, np_, n, evaluator(old, new, n)) for n in names)
    added = tuple(d.name for d in np_.decisions if d.name not in names)
    removed = tuple(d.name for d in op.decisions if d.name not in names)
    return Report(old, new, diffs, added, removed)


# ---------------------------------------------------------------- showing values


def _type(policy: ir.Policy, name: str) -> ir.Type:
    return policy.input(name).type


def show_json(policy: ir.Policy, t: ir.Type, v: object) -> str:
    """A JSON value of type `t` as the notice writes it (3946元, 是, a member's label)."""
    if v is None:
        return "无"
    if isinstance(v, bool):
        return "是" if v else "否"
    if t.kind is TK.ENUM and isinstance(v, str) and t.enum:
        label = policy.enum(t.enum).label_of(v)
        return f"{v}（{label}）" if label else v
    if t.kind in (TK.COUNT, TK.NUM) and isinstance(v, (int, str, Decimal)):
        try:
            return show_quantity(Decimal(v), t.unit, ratio=t.kind is TK.NUM)
        except (InvalidOperation, ValueError):
            return str(v)
    return str(v) if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False)


def show_answer(policy: ir.Policy, t: ir.Type, answer: str) -> str:
    got = json.loads(answer)
    if "value" in got:
        return show_json(policy, t, got["value"])
    return f"拒绝（{got.get('error', '')}）"


def _bound(policy: ir.Policy, t: ir.Type, v: object) -> str:
    if t.kind is TK.DATE and isinstance(v, int):
        return dt.date.fromordinal(v).isoformat()
    return show_json(policy, t, C.to_json(t, v))


def show_piece(policy: ir.Policy, name: str, con: object) -> str:
    t = _type(policy, name)
    if isinstance(con, frozenset):
        members = sorted(con, key=str)
        shown = "、".join(show_json(policy, t, m) for m in members)
        return f"{name} = {shown}" if len(members) == 1 else f"{name} ∈ {{{shown}}}"
    assert isinstance(con, Iv)
    if con.lo is not None and con.hi is not None and con.lo == con.hi:
        return f"{name} = {_bound(policy, t, con.lo)}"
    lo = "(-∞" if con.lo is None else ("[" if con.lo_c else "(") + _bound(policy, t, con.lo)
    hi = "∞)" if con.hi is None else _bound(policy, t, con.hi) + ("]" if con.hi_c else ")")
    return f"{name} 在 {lo}, {hi}"


def _policy_of(r: Report, name: str) -> ir.Policy:
    """The version that declares input `name` (the new one when both do)."""
    assert r.new.ir is not None and r.old.ir is not None
    return r.new.ir if any(i.name == name for i in r.new.ir.inputs) else r.old.ir


def region_text(r: Report, d: C.DecisionDiff, g: C.Region) -> tuple[str, str]:
    """The region in words, and its example as `name = value: old → new`."""
    assert r.new.ir is not None
    out_t = r.new.ir.decision(d.name).type
    where = "，".join(" 或 ".join(show_piece(_policy_of(r, n), n, c) for c in cons)
                     for n, cons in g.where) or "所有情形"
    names = [n for n, _ in g.where] or list(g.example)[:3]
    case = "，".join(f"{n} = {show_json(_policy_of(r, n), _type(_policy_of(r, n), n), g.example[n])}"
                    for n in names if n in g.example)
    arrow = f"{show_answer(r.new.ir, out_t, g.old)} → {show_answer(r.new.ir, out_t, g.new)}"
    return where, f"{case}: {arrow}"


def _site(lit: C.Literal | None, file: str) -> str:
    if lit is None:
        return "—"
    s = lit.site
    quotes = " ".join(f"「{q}」" for q in s.quotes)
    cite = f"引 {s.clause} {quotes}" if s.clause else (f"推导 {s.derived}" if s.derived else "")
    return f"{file}:{s.span.line}:{s.span.col} {cite}".rstrip()


def _lit(policy: ir.Policy, lit: C.Literal | None) -> str:
    if lit is None:
        return "（无）"
    return show_json(policy, lit.type, C.to_json(lit.type, lit.value))


# ---------------------------------------------------------------- text and JSON


def render_text(r: Report, write: Callable[[str], None]) -> None:
    op, np_ = r.old.ir, r.new.ir
    assert op is not None and np_ is not None
    write(f"{r.old.path} ({op.docno}) → {r.new.path} ({np_.docno})")
    for name in r.removed:
        write(f"\n决策 {name}: removed (only in {r.old.path})")
    for name in r.added:
        write(f"\n决策 {name}: added (only in {r.new.path})")
    unchanged = []
    for d in r.decisions:
        if not d.changed:
            unchanged.append(d.name)
            continue
        write(f"\n决策 {d.name}: changed")
        for p in d.added_inputs:
            write(f"  input added: {p}")
        for p in d.removed_inputs:
            write(f"  input removed: {p}")
        for p, a, b in d.domains:
            write(f"  input {p}: domain changed ({_domain(a)} → {_domain(b)})")
        for c in d.changes:
            write(f"  {_lit(op, c.old)} → {_lit(np_, c.new)}")
            write(f"    old {_site(c.old, r.old.path)}")
            write(f"    new {_site(c.new, r.new.path)}")
        if d.regions:
            how = "exact" if d.exact else f"at one point per cell: {d.caveat}"
            write(f"  answer changes ({len(d.regions)} region(s), {d.cells} cells; {how}):")
            for g in d.regions:
                where, example = region_text(r, d, g)
                write(f"    {where}")
                write(f"      e.g. {example}")
                params = np_.decision(d.name).params
                case = {k: v for k, v in g.example.items() if k in params}
                write(f"      polc eval {r.new.path} {d.name} --input '{dumps(case)}'")
        elif d.caveat and not d.exact:
            write(f"  answers: {d.caveat}")
        else:
            write(f"  no case changes answer ({d.cells} cells; "
                  f"{'exact' if d.exact else d.caveat})")
    if unchanged:
        write(f"\nunchanged: {', '.join(unchanged)}")
    n = sum(d.changed for d in r.decisions) + len(r.added) + len(r.removed)
    write(f"\n{n} decision(s) changed, {len(unchanged)} unchanged")


def _domain(i: ir.Input) -> str:
    lo = "(-∞" if i.lo is None else ("[" if i.lo_closed else "(") + str(C.to_json(i.type, i.lo))
    hi = "∞)" if i.hi is None else str(C.to_json(i.type, i.hi)) + ("]" if i.hi_closed else ")")
    return f"{i.type.show()} {lo}, {hi}"


def _lit_json(policy: ir.Policy, lit: C.Literal | None, file: str) -> dict[str, Any] | None:
    if lit is None:
        return None
    s = lit.site
    return {"value": C.to_json(lit.type, lit.value), "shown": _lit(policy, lit),
            "where": f"{file}:{s.span.line}:{s.span.col}", "clause": s.clause,
            "quotes": list(s.quotes)}


def _piece_json(con: object, t: ir.Type) -> Any:
    if isinstance(con, frozenset):
        return {"in": sorted((C.to_json(t, m) for m in con), key=str)}
    assert isinstance(con, Iv)
    return {"lo": None if con.lo is None else C.to_json(t, con.lo), "lo_closed": con.lo_c,
            "hi": None if con.hi is None else C.to_json(t, con.hi), "hi_closed": con.hi_c}


def render_json(r: Report, table: dict[str, Any] | None = None) -> dict[str, Any]:
    op, np_ = r.old.ir, r.new.ir
    assert op is not None and np_ is not None
    out: dict[str, Any] = {
        "old": {"path": r.old.path, "docno": op.docno},
        "new": {"path": r.new.path, "docno": np_.docno},
        "changed": r.changed, "added": list(r.added), "removed": list(r.removed),
        "decisions": [],
    }
    for d in r.decisions:
        out_t = np_.decision(d.name).type
        entry: dict[str, Any] = {
            "decision": d.name, "changed": d.changed,
            "inputs_added": list(d.added_inputs), "inputs_removed": list(d.removed_inputs),
            "domains_changed": [p for p, _, _ in d.domains],
            "literals": [{"old": _lit_json(op, c.old, r.old.path),
                          "new": _lit_json(np_, c.new, r.new.path)} for c in d.changes],
            "regions": [], "cells": d.cells, "exact": d.exact, "caveat": d.caveat,
        }
        for g in d.regions:
            where, example = region_text(r, d, g)
            entry["regions"].append({
                "where": {n: [_piece_json(c, _type(_policy_of(r, n), n)) for c in cons]
                          for n, cons in g.where},
                "text": where, "old": json.loads(g.old), "new": json.loads(g.new),
                "old_shown": show_answer(np_, out_t, g.old),
                "new_shown": show_answer(np_, out_t, g.new),
                "example": g.example, "example_text": example})
        if table is not None and d.name in table:
            entry["table"] = table[d.name]
        out["decisions"].append(entry)
    if table is not None:
        out["table"] = table.get("", {})
    return out


# ---------------------------------------------------------------- a data set


def table_counts(r: Report, path: Path) -> dict[str, Any]:
    """Per decision both versions have, how many rows of the table change answer, by pair
    of answers (as `polc eval` prints them); the table as `polc eval --table` reads it.
    The batch functions (docs/batch.md) answer a batch of rows at a time when both
    versions have them, the scalar functions row by row otherwise; the two give the same
    answers.  Raises engines.TableError, SchemaError."""
    from polc.compiler.backends.sql import engines
    names = [d.name for d in r.decisions]
    counts: dict[str, Counter[tuple[str, str]]] = {n: Counter() for n in names}
    answer = {n: (_answerer(engines, r.old, n), _answerer(engines, r.new, n)) for n in names}
    rows = 0
    for batch in engines._batches(path):
        cols = batch.schema.names
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        table = [{c: col[i] for c, col in zip(cols, columns, strict=True)}
                 for i in range(batch.num_rows)]
        rows += len(table)
        for n, (a, b) in answer.items():
            for x, y in zip(a[1](table), b[1](table), strict=True):
                if x != y:
                    counts[n][(x, y)] += 1
    out: dict[str, Any] = {"": {"path": str(path), "rows": rows}}
    for n in names:
        out[n] = {"rows": rows, "changed": sum(counts[n].values()),
                  "engine": "batch" if answer[n][0][0] and answer[n][1][0] else "scalar",
                  "by_answers": [{"old": json.loads(a), "new": json.loads(b), "rows": k}
                                 for (a, b), k in sorted(counts[n].items(),
                                                         key=lambda e: (-e[1], e[0]))]}
    return out


Rows = list[dict[str, object]]


def _answerer(engines: Any, c: pipeline.Compilation, name: str
              ) -> tuple[bool, Callable[[Rows], list[str]]]:
    """Whether the batch function answers, and the answers of a list of rows as JSON."""
    from polc.runtime.batch import RowError
    spec = c.module.DECISIONS[name]
    fn = c.batch.BATCH.get(name) if c.batch is not None else None

    def scalar(rows: Rows) -> list[str]:
        out = []
        for row in rows:
            value, error, _field = engines.python_answer(spec, row)
            out.append(dumps({"error": error}) if error is not None
                       else dumps({"value": value}))
        return out

    if fn is None:
        return False, scalar

    def columns(rows: Rows) -> list[str]:
        out = [""] * len(rows)
        cols: dict[str, list[object]] = {f.name: [] for f in spec.fields}
        kept: list[int] = []
        for i, row in enumerate(rows):
            try:
                vals = {f.name: engines._from_cell(f, row.get(f.name)) for f in spec.fields}
            except PolcError as exc:
                out[i] = dumps({"error": engines.refusal(exc)[0]})
                continue
            kept.append(i)
            for k, v in vals.items():
                cols[k].append(v)
        if kept:
            for i, v in zip(kept, fn(**cols).tolist(), strict=True):
                out[i] = (dumps({"error": engines.refusal(v.error)[0]})
                          if isinstance(v, RowError) else dumps({"value": v}))
        return out
    return True, columns


def render_table(r: Report, counts: dict[str, Any], write: Callable[[str], None]) -> None:
    assert r.new.ir is not None
    head = counts[""]
    write(f"\n{head['path']}: {head['rows']} row(s)")
    for d in r.decisions:
        c = counts[d.name]
        t = r.new.ir.decision(d.name).type
        write(f"  {d.name}: {c['changed']} row(s) change answer")
        for e in c["by_answers"]:
            old = show_answer(r.new.ir, t, dumps(e["old"]))
            new = show_answer(r.new.ir, t, dumps(e["new"]))
            write(f"    {e['rows']}: {old} → {new}")
