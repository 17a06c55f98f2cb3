"""`polc`: check, build, eval, test, fmt and coverage of .pol policies.

Exit codes are stable: 0 success; 1 a policy does not compile or a check,
test or format check failed; 2 bad input or usage (eval's bad JSON, a missing
file or one that is not a regular file, a build refused before writing anything);
3 an internal error (a bug in polc, reported without a traceback).
"""

from __future__ import annotations

import enum
import functools
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

from polc.compiler import files as fileio
from polc.compiler import pipeline
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostic, Span, show
from polc.compiler.syntax import ast as A
from polc.runtime import CalendarError, CalendarFileError, InputError, PolcError, dumps, loads
from polc.runtime import calendar as _calendar

from . import sqlcli
from .sqlcli import ENGINES

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
# a refused build lists this many of its problems (a stale folder can hold hundreds)
MAX_SHOWN = 20


def _die(message: str, code: int) -> NoReturn:
    click.echo(f"polc: {message}", err=True)
    sys.exit(code)


def policy_files(paths: Iterable[str]) -> list[Path]:
    """The policies PATHS name (see fileio.list_policies); exit 2 naming every path that is
    missing or not a regular file (a directory, FIFO, device or dangling link named *.pol)."""
    found, problems = fileio.list_policies(paths)
    for p in problems:
        click.echo(f"polc: {p}", err=True)
    if problems:
        sys.exit(EXIT_INPUT)
    return found


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="polc")
def cli() -> None:
    """polc: compile Chinese local-government notices, written as .pol policies,
    into typed Python modules, diagrams and reports."""


def _watch_option(command: Any) -> Any:
    return click.option("--watch", "watching", is_flag=True,
                        help="Run again on every save of a policy, notice or calendar "
                             "(Ctrl-C stops).")(command)


def _run_or_watch(paths: tuple[str, ...], watching: bool, run: Callable[[], None]) -> NoReturn:
    """Run a command once, or (--watch) now and after every save; `run` ends in sys.exit,
    which a watched run turns into that run's result, so a file deleted between two saves
    is reported and the watch goes on."""
    def once() -> int:
        try:
            run()
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else EXIT_FAIL
        return EXIT_OK
    if not watching:
        sys.exit(once())
    from .watch import watch
    sys.exit(watch([Path(p) for p in paths], once, click.echo))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-sources", is_flag=True,
              help="Skip verifying quotes against the notice texts (the report says so).")
@_watch_option
def check(paths: tuple[str, ...], fmt: str, no_sources: bool, watching: bool) -> None:
    """Check policies: names, types, units, boundary words, citations, tables.

    Prints every diagnostic as FILE:LINE:COL, and lists every reading (解读)
    the policies state.  Exits 1 if any error was found.  Quotes are verified
    against the notice texts in sources/ (docs/sources.md); a policy whose text
    cannot be found or trusted is an error, unless --no-sources or the header
    line 引文未核对 "why" opts out, which the report then states.  With --watch,
    checks again each time a policy, a notice or a calendar is saved, until Ctrl-C.
    """
    _run_or_watch(paths, watching, lambda: _check(paths, fmt, no_sources))


def _check(paths: tuple[str, ...], fmt: str, no_sources: bool) -> None:
    files = policy_files(paths)
    results = [pipeline.compile_file(f, verify_sources=not no_sources) for f in files]
    # the versions of each series, across files: overlaps and gaps (docs/versions.md)
    from . import versions
    series = versions.find(files)
    across = list(series.diagnostics)
    everything = [d for r in results for d in r.diagnostics] + across
    errors = sum(1 for d in everything if d.severity == "error")
    warnings = sum(1 for d in everything if d.severity == "warning")
    if fmt == "json":
        click.echo(json.dumps({
            "files": [{"path": r.path, "ok": r.ok,
                       "diagnostics": [d.to_json() for d in r.diagnostics],
                       "readings": _readings(r)} for r in results],
            "series": [{"name": s.name, "versions": [
                {"path": v.policy.file, "docno": v.policy.docno, "from": str(v.start),
                 "to": None if v.end is None else str(v.end)} for v in s.versions]}
                for s in series.series],
            "series_diagnostics": [d.to_json() for d in across],
            "errors": errors, "warnings": warnings, "quotes_verified": not no_sources,
        }, ensure_ascii=False, indent=2))
    else:
        for r in results:
            r.show(click.echo)
        show(across, series.sources, click.echo)
        readings = [(r.path, x) for r in results for x in _readings(r)]
        if readings:
            click.echo(f"\nreadings ({len(readings)}):")
            for path, x in readings:
                click.echo(f"  {path}:{x['line']}:{x['col']}: 解读: {x['text']}")
        unverified = "; quotes not verified (--no-sources)" if no_sources else ""
        click.echo(f"\n{len(files)} file(s): {errors} error(s), {warnings} warning(s)"
                   + unverified)
    sys.exit(EXIT_FAIL if errors else EXIT_OK)


def _readings(r: pipeline.Compilation) -> list[dict[str, Any]]:
    if r.ir is None:
        return []
    return [{"line": s.line, "col": s.col, "text": t} for s, t in r.ir.readings]


def _compile_or_exit(path: Path) -> pipeline.Compilation:
    compiled = pipeline.compile_file(path)
    if not compiled.ok:
        compiled.show(functools.partial(click.echo, err=True), errors_only=True)
        _die(f"{compiled.path} does not compile", EXIT_FAIL)
    return compiled


def _show_problems(problems: Iterable[_calendar.Problem], err: bool = False) -> None:
    """A calendar file's problems, printed as every other diagnostic is."""
    show([Diagnostic("error", p.code, p.message, Span(p.path, p.line, p.col, p.line, p.col + 1))
          for p in problems], {}, functools.partial(click.echo, err=err))


def _calendar_option(command: Any) -> Any:
    return click.option(
        "--calendar", "calendars", multiple=True, type=click.Path(dir_okay=False),
        help="A calendar file (TOML) with official holiday schedules, e.g. a newly "
             "published year; repeatable.  See `polc calendar --help`.")(command)


def _use_calendar(files: Iterable[str], policies: Iterable[Path]) -> None:
    """Count working days on --calendar FILEs, POLC_CALENDAR, the calendar/ folders beside
    `policies` and the built-in years, for this command (the previous calendar is back
    afterwards: in-process callers, tests among them, see no leftover)."""
    try:
        calendar = _calendar.assemble(files, [p.parent / "calendar" for p in policies],
                                      os.environ)
    except CalendarFileError as exc:
        _show_problems(exc.problems, err=True)
        _die("a calendar file cannot be used (see `polc calendar --check FILE`)", EXIT_INPUT)
    previous = _calendar.activate(calendar)
    click.get_current_context().call_on_close(lambda: _calendar.activate(previous))


@cli.command(name="eval")
@click.argument("policy", type=click.Path(dir_okay=False))
@click.argument("decision")
@click.option("--input", "input_json", help="One case as a JSON object.")
@click.option("--jsonl", type=click.File("rb"),
              help="One JSON object per line, UTF-8 (- for standard input).")
@click.option("--explain", is_flag=True, help="Add the conditions and rows that decided.")
@click.option("--table", help="A Parquet or CSV file of cases, one a row (docs/sql.md).")
@click.option("--out", help="With --table: the Parquet or CSV file to write (never replaced).")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), default="duckdb",
              show_default=True, help="With --table: what runs the decision.")
@click.option("--summary", is_flag=True, help="With --table: print how many rows got each answer.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Evaluate the version of POLICY's series in force on DATE (YYYY-MM-DD; "
                   "docs/versions.md); a date no version covers is refused (exit 2).")
@_calendar_option
def eval_(policy: str, decision: str, input_json: str | None, jsonl: Any, explain: bool,
          table: str | None, out: str | None, engine: str, summary: bool,
          as_of: str | None, calendars: tuple[str, ...]) -> None:
    """Evaluate DECISION of POLICY on JSON input, through the generated module.

    Prints one JSON object per case: {"value": …} (with "explain" on request), or
    {"error": …} (with "field" when one input is at fault).  Exit 0: all cases ran;
    2: bad input (any case); 1: the policy does not compile.

    With --jsonl, every input line (ended by \\n or \\r\\n) gets exactly one output
    line, in order, and the batch always runs to its end: a line that is blank, not
    UTF-8 or not a valid case gets {"error": "line N: …", "line": N} (exit 2).

    A 工作日 deadline in a year the official calendar does not cover is refused
    (exit 2), never guessed: add the year's schedule with --calendar FILE, the
    POLC_CALENDAR variable or a calendar/ folder beside the policy.
    """
    if (problem := fileio.problem(Path(policy))) is not None:
        _die(str(problem), EXIT_INPUT)
    if sum(x is not None for x in (input_json, jsonl, table)) != 1:
        _die("give exactly one of --input JSON, --jsonl FILE or --table FILE", EXIT_INPUT)
    if as_of is not None:
        policy = str(_version_in_force(Path(policy), decision, as_of))
    compiled = _compile_or_exit(Path(policy))
    specs = compiled.module.DECISIONS
    if decision not in specs:
        _die(f"{compiled.path} has no decision {decision!r}; it has: "
             + ", ".join(sorted(specs)), EXIT_INPUT)
    _use_calendar(calendars, [Path(policy)])
    if table is not None:
        if explain:
            _die("--explain explains one case: use it with --input or --jsonl", EXIT_INPUT)
        sys.exit(sqlcli.eval_table(compiled, decision, table, out, engine, summary))
    if out is not None or summary:
        _die("--out and --summary go with --table FILE", EXIT_INPUT)
    spec = specs[decision]
    out = sys.stdout
    if input_json is not None:
        result, ok = _eval_one(spec, input_json, explain, None)
        out.write(result + "\n")
        sys.exit(EXIT_OK if ok else EXIT_INPUT)
    # Only \n ends a line (a \r before it is JSON white space); a byte that is not UTF-8
    # becomes a lone surrogate U+DC80-U+DCFF, found in its line, so one bad line costs
    # only itself and every good one is decoded in bulk.
    lines = io.TextIOWrapper(jsonl, encoding="utf-8", errors="surrogateescape", newline="\n")
    numbered = ((n, line.removeprefix("\ufeff") if n == 1 else line)
                for n, line in enumerate(lines, 1))

    def one(line: str, lineno: int) -> tuple[str, bool]:
        if not line.isascii() and _UNDECODED.search(line):
            return _error(_not_utf8(line), None, lineno), False
        if not line.strip(" \t\r\n"):
            # not a case, yet it gets its line: skipping it would pair every later answer
            # with the wrong input
            return _error(_BLANK, None, lineno), False
        return _eval_one(spec, line, explain, lineno)

    if explain:
        bad = 0
        for lineno, line in numbered:
            result, ok = one(line, lineno)
            bad += not ok
            out.write(result + "\n")
    else:
        # msgspec decodes, the batch function answers a chunk at a time; any line whose
        # meaning could differ takes `one` (compiler/tools/jsonl.py)
        from . import jsonl as fast_jsonl
        fast = fast_jsonl.Fast(spec, compiled.batch.BATCH[decision])
        bad = fast_jsonl.run(numbered, fast, one, _error, out)
    out.flush()
    sys.exit(EXIT_INPUT if bad else EXIT_OK)


def _version_in_force(policy: Path, decision: str, as_of: str) -> Path:
    """The file of the version of `policy`'s series in force on `as_of`; exit 2 naming the
    date when it is not a date or no version is in force then (docs/versions.md)."""
    from . import versions
    day = versions.parse_day(as_of)
    if day is None:
        _die(f"--as-of {as_of!r}: expected a date YYYY-MM-DD (e.g. 2023-10-01)", EXIT_INPUT)
    series, found = versions.of_policy(policy)
    if series is None:
        # a policy in no series is its own one version
        compiled = _compile_or_exit(policy)
        assert compiled.ir is not None
        period = compiled.ir.validity
        if not period.covers(day):
            _die(f"--as-of {day}: {compiled.path} ({compiled.ir.docno}) is not in force on "
                 f"{day}: it is in force {period.start or '…'} 至 {period.end or '今'}",
                 EXIT_INPUT)
        return policy
    version = series.version_on(day)
    if version is None:
        _die(f"--as-of {day}: no version of series {series.name} is in force on {day} "
             f"(the versions: {series.covered()})", EXIT_INPUT)
    if decision not in version.policy.decisions and decision in series.decisions():
        _die(f"--as-of {day}: the version in force on {day}, {version.policy.docno} "
             f"({version.policy.file}), has no decision {decision!r}", EXIT_INPUT)
    return found.files[version.policy.file]


_UNDECODED = re.compile("[\udc80-\udcff]")
_BLANK = "blank line: expected a JSON object {\"field\": value, …}"


def _not_utf8(line: str) -> str:
    raw = line.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} ({exc.reason})"
    raise AssertionError(line)


@functools.cache
def _enum_text(member: enum.Enum) -> str:
    return dumps(member)


def _value_text(value: object) -> str:
    """`dumps(value)`, with the JSON of enum members (most answers) computed once each;
    '{"value": ' + _value_text(v) + "}" is exactly dumps({"value": v})."""
    if isinstance(value, enum.Enum):
        return _enum_text(value)
    return dumps(value)


def _error(message: str, field: str | None, lineno: int | None) -> str:
    """{"error": …, "field": …, "line": N}: what, which input, which --jsonl line."""
    out: dict[str, object] = {"error": f"line {lineno}: {message}" if lineno else message}
    if field is not None:
        out["field"] = field
    if lineno is not None:
        out["line"] = lineno
    return dumps(out)


def _eval_one(spec: Any, line: str, explain: bool, lineno: int | None) -> tuple[str, bool]:
    try:
        obj = loads(line)
    except InputError as exc:  # a lone surrogate, named by its field
        return _error(str(exc), exc.field, lineno), False
    except (ValueError, RecursionError) as exc:
        return _error(f"invalid JSON: {exc}", None, lineno), False
    try:
        args = spec.convert(obj)
        if explain:
            ex = spec.explain(**args)
            return dumps({"value": ex.value, "explain": [
                {"kind": s.kind, "text": s.text, "result": s.result, "clause": s.clause,
                 "quote": s.quote, "where": s.where, "values": dict(s.values)}
                for s in ex.steps]}), True
        return '{"value": ' + _value_text(spec.func(**args)) + "}", True
    except (InputError, CalendarError) as exc:
        return _error(str(exc), exc.field, lineno), False
    except PolcError as exc:  # NoRuleApplies, …: each says what and where
        return _error(str(exc), None, lineno), False


@cli.command(name="diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--table", help="A Parquet or CSV file of cases (as `polc eval --table` reads "
              "it): count the rows whose answer changes, per decision.")
def diff_(old: str, new: str, fmt: str, table: str | None) -> None:
    """What NEW changes against OLD, decision by decision (docs/versions.md).

    Inputs added and removed, thresholds and amounts changed (with the sentences both
    versions quote), and the regions of input space whose answer changes, each with a
    case that `polc eval` confirms.  Exit 0: nothing changes; 1: something changes;
    2: bad input (a missing file, a version that does not compile, a bad table).
    """
    from polc.compiler.backends.sql import engines
    from polc.compiler.backends.sql.staging import SchemaError

    from . import diff as semantic
    for p in (old, new):
        if (problem := fileio.problem(Path(p))) is not None:
            _die(str(problem), EXIT_INPUT)
    versions = []
    for p in (old, new):
        compiled = pipeline.compile_file(Path(p))
        if not compiled.ok:
            compiled.show(functools.partial(click.echo, err=True), errors_only=True)
            _die(f"{compiled.path} does not compile", EXIT_INPUT)
        versions.append(compiled)
    if table is not None:
        # a table that cannot be read is refused before the comparison is made
        if not Path(table).is_file():
            _die(f"--table {table}: no such file", EXIT_INPUT)
        try:
            engines.file_format(Path(table))
            next(iter(engines._batches(Path(table))), None)
        except (engines.TableError, SchemaError) as exc:
            _die(f"--table {table}: {exc}", EXIT_INPUT)
    report = semantic.compare(versions[0], versions[1])
    counts = None
    if table is not None:
        try:
            counts = semantic.table_counts(report, Path(table))
        except (engines.TableError, SchemaError) as exc:
            _die(f"--table {table}: {exc}", EXIT_INPUT)
    if fmt == "json":
        click.echo(json.dumps(semantic.render_json(report, counts), ensure_ascii=False,
                              indent=2, default=str))
    else:
        semantic.render_text(report, click.echo)
        if counts is not None:
            semantic.render_table(report, counts, click.echo)
    sys.exit(EXIT_FAIL if report.changed else EXIT_OK)


@cli.command(name="sql")
@click.argument("policy", type=click.Path(dir_okay=False))
@click.argument("decision", required=False)
@click.option("--dialect", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True)
@click.option("--source", default="{decision}_input", show_default=True,
              help="The table of cases each view reads.")
@click.option("--keep", default="", help="Columns of the table, besides the inputs, that "
              "each view passes through (comma-separated, e.g. an id).")
@_calendar_option
def sql_(policy: str, decision: str | None, dialect: str, source: str, keep: str,
         calendars: tuple[str, ...]) -> None:
    """Print DECISION of POLICY (default: every decision) as an SQL view.

    Each view reads a table of cases and adds the answer (value), why a row is
    refused (error) and the input at fault (error_field); see docs/sql.md.  Exit 1
    when the policy does not compile or a decision cannot be computed exactly in SQL
    (E720–E729, printed), the other views still printed.
    """
    if (problem := fileio.problem(Path(policy))) is not None:
        _die(str(problem), EXIT_INPUT)
    compiled = _compile_or_exit(Path(policy))
    _use_calendar(calendars, [Path(policy)])
    sys.exit(sqlcli.print_sql(compiled, decision, dialect, source, keep))


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("-o", "--out", "out_dir", default="build", show_default=True,
              type=click.Path(file_okay=False), help="Output folder.")
@click.option("--no-render", is_flag=True, help="Write .dot only; do not run Graphviz.")
@_calendar_option
def build(paths: tuple[str, ...], out_dir: str, no_render: bool,
          calendars: tuple[str, ...]) -> None:
    """Build Python modules, diagrams and reports for policies (default: policies/).

    Writes OUT/python/policy_<name>.py, OUT/diagrams/<name>/*.dot|.svg|.png,
    OUT/reports/<name>.md and the reviewers' site OUT/site/index.html (not with
    --no-render: it inlines the rendered diagrams), <name> being the file name without
    .pol (characters that cannot be in a Python name become _), and records what it wrote in
    OUT/.polc-build.json.  It replaces or removes only files that record lists,
    unchanged: building into . or into a folder of your own is safe.

    Exit 0: all built; 1: a policy does not compile (its errors are shown, the
    others are built) or rendering failed; 2: refused before writing anything
    (two policies would get the same name, a file polc did not write is in the
    way, a path is not a regular file).
    """
    from . import build as build_mod
    from .install import Refused
    files = policy_files(paths or ("policies",))
    _use_calendar(calendars, files)  # the reports run the examples
    try:
        failed = build_mod.build_all(files, Path(out_dir), render=not no_render,
                                     echo=click.echo)
    except Refused as exc:
        for problem in exc.problems[:MAX_SHOWN]:
            click.echo(f"polc: {problem}", err=True)
        if len(exc.problems) > MAX_SHOWN:
            click.echo(f"polc: … and {len(exc.problems) - MAX_SHOWN} more", err=True)
        _die("nothing was built", EXIT_INPUT)
    sys.exit(EXIT_FAIL if failed else EXIT_OK)


@cli.command(name="site")
@click.argument("paths", nargs=-1)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder (DIR/index.html is the site's first page).")
@_calendar_option
def site_(paths: tuple[str, ...], out_dir: str, calendars: tuple[str, ...]) -> None:
    """Write the reviewers' site of policies (default: policies/) into OUT: every notice's
    full text by sentence and status, its rules, diagrams, examples and a try-it form for
    each decision (served by `polc serve`).  Needs Graphviz; fetches nothing, so it opens
    from disk.  Like build, it replaces or removes only files its record
    (OUT/.polc-site.json) lists, unchanged.  See docs/site.md.

    Exit 0: written; 2: refused before writing anything (a file polc did not write is in
    the way, a path is not a regular file, Graphviz is missing)."""
    from . import site as site_mod
    from .install import Refused
    files = policy_files(paths or ("policies",))
    _use_calendar(calendars, files)  # the pages run the examples
    out = Path(out_dir)
    try:
        pages = site_mod.write_site(files, out, click.echo)
    except Refused as exc:
        for problem in exc.problems[:MAX_SHOWN]:
            click.echo(f"polc: {problem}", err=True)
        if len(exc.problems) > MAX_SHOWN:
            click.echo(f"polc: … and {len(exc.problems) - MAX_SHOWN} more", err=True)
        _die("nothing was written", EXIT_INPUT)
    click.echo(f"wrote {pages} pages into {out}; open {out / 'index.html'}")


@cli.command(name="serve")
@click.argument("paths", nargs=-1)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port (0: any free port, printed).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--no-watch", is_flag=True, help="Do not rebuild when a file changes.")
@_calendar_option
def serve_(paths: tuple[str, ...], port: int, host: str, no_watch: bool,
           calendars: tuple[str, ...]) -> None:
    """Serve the reviewers' site of policies (default: policies/) with its JSON API, and
    rebuild it when a policy, a notice text or a calendar changes.

    \b
    GET  /api/policies
    GET  /api/policies/POLICY/decisions/DECISION      inputs and output as JSON Schema
    POST /api/policies/POLICY/decisions/DECISION/evaluate[?explain=true]
         one case (a JSON object, as eval --input) or a JSON array of cases

    Answers are polc eval's, word for word; a bad request gets a 4xx whose JSON names the
    field.  See docs/site.md.  Exit 2: the address or the policies cannot be used."""
    from . import site_serve
    from .install import Refused
    chosen = paths or ("policies",)
    files = policy_files(chosen)
    _use_calendar(calendars, files)
    try:
        site_serve.serve(list(chosen), host, port, click.echo, watch=not no_watch)
    except Refused as exc:
        for problem in exc.problems[:MAX_SHOWN]:
            click.echo(f"polc: {problem}", err=True)
        _die("nothing to serve", EXIT_INPUT)
    except OSError as exc:
        _die(f"cannot listen on {host}:{port}: {exc.strerror or exc}", EXIT_INPUT)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@_calendar_option
@_watch_option
def test(paths: tuple[str, ...], fmt: str, calendars: tuple[str, ...], watching: bool) -> None:
    """Run the examples (例) written in policies; report each, expected against got.
    With --watch, runs them again each time a policy, a notice or a calendar is saved,
    until Ctrl-C."""
    _run_or_watch(paths, watching, lambda: _test(paths, fmt, calendars))


def _test(paths: tuple[str, ...], fmt: str, calendars: tuple[str, ...]) -> None:
    from .examples import run_examples
    files = policy_files(paths)
    _use_calendar(calendars, files)
    report = []
    failed = 0
    for f in files:
        compiled = pipeline.compile_file(f)
        if not compiled.ok:
            failed += 1
            report.append({"path": compiled.path, "compiled": False, "examples": [],
                           "errors": [d.to_json() for d in compiled.diagnostics
                                      if d.severity == "error"]})
            if fmt == "text":
                compiled.show(click.echo, errors_only=True)
                stage = "does not parse" if compiled.tree is None else "does not compile"
                click.echo(f"FAIL {compiled.path}: {stage}; none of its examples ran")
            continue
        results = run_examples(compiled)
        failed += sum(1 for r in results if not r.passed)
        report.append({"path": compiled.path, "compiled": True,
                       "examples": [r.to_json() for r in results]})
        if fmt == "text":
            for r in results:
                click.echo(r.line())
    total = sum(len(r["examples"]) for r in report)
    passed = sum(1 for r in report for e in r["examples"] if e["passed"])
    # a file that does not compile is a failure of its own: its examples never ran
    broken = sum(1 for r in report if not r["compiled"])
    if fmt == "json":
        click.echo(json.dumps({"files": report, "passed": passed,
                               "failed": total - passed + broken, "not_compiled": broken},
                              ensure_ascii=False, indent=2))
    else:
        tail = f" ({broken} file(s) do not compile)" if broken else ""
        click.echo(f"\n{passed} passed, {total - passed + broken} failed{tail}")
    sys.exit(EXIT_FAIL if failed else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--min", "minimum", type=float, default=None,
              help="Exit 1 if a notice with rules is below this percentage.")
def coverage(paths: tuple[str, ...], fmt: str, minimum: float | None) -> None:
    """Per notice, every rule-bearing sentence: encoded by a rule, marked as deliberately
    not encoded (policies/<stem>.uncovered, one sentence a mark, with a reason), or not
    covered; the counts per status and reason, the marked and the excluded sentences,
    and the 语言未支持 backlog across notices (docs/coverage.md).  Default PATHS:
    policies/.  Exit 1: a mark is refused, or --min is not reached."""
    from polc.compiler.citations import coverage as cov
    results: list[cov.NoticeCoverage] = []
    problems: list[str] = []
    skipped: list[str] = []
    for f in policy_files(paths or ("policies",)):
        r = _coverage(cov, f)
        if r is None:
            skipped.append(fileio.display_path(f))
            continue
        if isinstance(r, str):
            problems.append(r)
        else:
            results.append(r)
            problems.extend(r.errors)
    below = [r for r in results
             if r.has_rules and minimum is not None and r.percent < minimum]
    if fmt == "json":
        click.echo(json.dumps(cov.report_json(results, problems), ensure_ascii=False,
                              indent=2))
    else:
        click.echo(cov.render_text(results))
        for name in skipped:
            click.echo(f"skipped {name}: an illustrative revision (示例修订), no notice to cover")
        for p in problems:
            if not any(p in r.errors for r in results):
                click.echo(f"error: {p}")
        for r in below:
            click.echo(f"polc: {r.docno} is at {r.percent:.1f}%, below --min {minimum:g}")
    sys.exit(EXIT_FAIL if below or problems else EXIT_OK)


def _coverage(cov: Any, path: Path) -> Any:
    """The coverage of one policy file, or why it has none."""
    c = pipeline.compile_file(path)
    if isinstance(c.read_error, fileio.FileProblem):
        return f"{c.path}: {c.read_error.english}"
    if c.read_error is not None:
        return f"{c.path}: not UTF-8 ({c.read_error.reason})"
    if c.ast is None:
        return f"{c.path}: does not parse (run polc check)"
    if any(isinstance(it, A.Header) and it.key == V.Header.ILLUSTRATIVE.value
           for it in c.ast.items):
        return None  # no notice exists to cover (docs/versions.md): not counted
    return cov.coverage(c.ast, path)


@cli.group(name="source")
def source_() -> None:
    """The notice texts policies quote: record one in a sources/ folder (docs/sources.md)."""


@source_.command(name="add")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--docno", help="The 文号, when the text does not print it or prints several.")
@click.option("--to", "to_dir", type=click.Path(file_okay=False),
              help="The sources folder (default: sources/ or policies/sources/ here, else a "
                   "new sources/).")
@click.option("--name", help="The file name in the folder (default: FILE's own).")
def source_add(file: str, docno: str | None, to_dir: str | None, name: str | None) -> None:
    """Record FILE byte for byte, with its SHA-256 and 文号, in the sources folder's
    MANIFEST.json, and print the clause tree found in it, for you to confirm.

    Exit 0: recorded; 2: refused, nothing written (not UTF-8, no 文号 found, a
    different file of that name or another file with that 文号 already there).
    """
    from polc.compiler.citations import record
    folder = Path(to_dir) if to_dir else record.default_sources_dir(Path.cwd())
    try:
        done = record.add_source(Path(file), folder, docno, name)
    except record.RecordError as exc:
        _die(str(exc), EXIT_INPUT)
    for line in record.describe(done):
        click.echo(line)


@cli.command(name="new")
@click.argument("notice", type=click.Path(dir_okay=False))
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The policy to write (never an existing file).")
@click.option("--docno", help="The 文号, when the text does not print it or prints several.")
def new(notice: str, out: str, docno: str | None) -> None:
    """Start a policy from NOTICE: record the text as `polc source add` does, and write
    OUT with the header filled from the text and every rule-bearing sentence as a
    comment, with its clause and the thresholds, amounts, dates and responsibility
    verbs found in it.  OUT passes `polc check` as it is (an empty, valid policy).

    Exit 0: written; 2: refused, OUT not written (OUT exists, NOTICE cannot be
    recorded).
    """
    from polc.compiler.citations import record, skeleton, verify
    target = Path(out)
    if os.path.lexists(target):
        _die(f"{target}: already exists; polc new never overwrites a file", EXIT_INPUT)
    if target.suffix != ".pol":
        _die(f"{target}: a policy file ends in .pol", EXIT_INPUT)
    if not target.parent.resolve().is_dir():
        _die(f"{target.parent}: no such folder", EXIT_INPUT)
    folder = verify.nearest_sources_dir(target.parent.resolve()) or target.parent / "sources"
    try:
        done = record.add_source(Path(notice), folder, docno)
    except record.RecordError as exc:
        _die(str(exc), EXIT_INPUT)
    text, count = skeleton.render(done.notice)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as exc:
        _die(f"{target}: cannot write ({exc.strerror})", EXIT_INPUT)
    for line in record.describe(done)[:3]:
        click.echo(line)
    click.echo(f"wrote {target}: {count} rule-bearing sentence(s) to "
               f"encode or mark; next: polc check {target}, polc coverage {target}")


@cli.command(name="fmt")
@click.argument("paths", nargs=-1)
@click.option("--check", "check_only", is_flag=True, help="Exit 1 and list files that would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the changes.")
@click.option("--write", is_flag=True, help="Rewrite the files in place.")
def fmt_(paths: tuple[str, ...], check_only: bool, show_diff: bool, write: bool) -> None:
    """Lay out policies canonically (default PATHS: policies/); comments are kept.

    Without an option, prints the formatted text of a single file.  A file that
    does not parse is left unchanged: its errors are shown, and the exit is 1.
    Line breaks stay CRLF in a file that mostly has them, else become LF.
    """
    from . import fmt as fmt_mod
    files = policy_files(paths or ("policies",))
    if not (check_only or show_diff or write) and len(files) != 1:
        _die("give one file, or --check, --diff or --write", EXIT_INPUT)
    changed = []
    refused = []
    for f in files:
        shown = fileio.display_path(f)
        try:
            # bytes, not read_text(): universal newlines would hide the file's line breaks
            text = fileio.read_bytes(f).decode("utf-8")
        except fileio.FileProblem as exc:
            _die(str(exc), EXIT_INPUT)
        except UnicodeDecodeError as exc:
            _die(f"{shown}: not UTF-8 ({exc.reason})", EXIT_INPUT)
        parsed = pipeline.compile_source(text, shown)
        if parsed.tree is None or parsed.reported.has_errors:
            # the syntax errors only: a draft that does not check yet may still be laid out
            show(parsed.reported, {shown: parsed.source}, functools.partial(click.echo, err=True))
            refused.append(shown)
            continue
        new = fmt_mod.format_text(text)
        if not fmt_mod.same_tokens(text, new):
            _die(f"internal error: formatting {shown} would change its tokens; the file is "
                 "left as it was (please report this)", EXIT_INTERNAL)
        if not (check_only or show_diff or write):
            click.echo(new, nl=False)
            break
        if new == text:
            continue
        changed.append(f)
        if show_diff:
            click.echo(fmt_mod.diff(text, new, shown), nl=False)
        if write:
            f.write_bytes(new.encode("utf-8"))
        if check_only:
            click.echo(f"would reformat {shown}")
    for shown in refused:
        click.echo(f"polc: {shown} does not parse; left unchanged", err=True)
    sys.exit(EXIT_FAIL if refused or (check_only and changed) else EXIT_OK)


@cli.command(name="calendar")
@click.argument("paths", nargs=-1)
@click.option("--check", "to_check", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Validate a calendar FILE (repeatable): every problem, located; "
                   "exit 1 if any.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@_calendar_option
def calendar_(paths: tuple[str, ...], to_check: tuple[str, ...], fmt: str,
              calendars: tuple[str, ...]) -> None:
    """The official calendar 工作日 are counted on: each year it covers and its source.

    Each year is one section of a TOML file, written as the State Council's notice
    (国务院办公厅关于部分节假日安排的通知) lists it:

    \b
        [2027]
        notice = "国办发明电〔2026〕N号"            # optional: the source
        holidays = [                               # 放假: first day, last day, name
          ["2027-01-01", "2027-01-03", "元旦"],
        ]
        workdays = ["2027-02-06"]                  # 调休上班: Saturdays, Sundays

    Section N may hold dates of the December before (a New Year holiday that
    starts then).  A year is taken whole from the first of: --calendar FILE
    (repeatable), the files in POLC_CALENDAR (separated by ':'), the
    calendar/*.toml files beside the policies (PATHS, default policies/), and
    polc's built-in years.  eval, test and build take --calendar too.  A date
    in a year none of them covers is refused (exit 2), never guessed.
    """
    if to_check:
        sys.exit(_check_calendars(to_check))
    files = policy_files(paths or (("policies",) if Path("policies").is_dir() else ()))
    _use_calendar(calendars, files)
    years = _calendar.active().years
    if fmt == "json":
        click.echo(json.dumps({"years": [{"year": y, "source": s.origin, "notice": s.notice}
                                         for y, s in years.items()]},
                              ensure_ascii=False, indent=2))
        return
    runs: list[list[Any]] = []  # [first, last, source]: consecutive years of one file
    for year, s in years.items():
        if runs and runs[-1][1] == year - 1 and runs[-1][2] == s.origin:
            runs[-1][1] = year
        else:
            runs.append([year, year, s.origin])
    for first, last, origin in runs:
        span = str(first) if first == last else f"{first}-{last}"
        where = "built-in (polc/runtime/calendar.toml)" if origin == _calendar.BUILTIN else origin
        click.echo(f"{span:<10} {where}")
    click.echo(f"\n{len(years)} year(s) covered; add a year with --calendar FILE, "
               "POLC_CALENDAR or a calendar/ folder beside the policies")


def _check_calendars(files: Iterable[str]) -> int:
    files = list(files)
    problems = []
    for f in files:
        years, found = _calendar.check_file(f)
        problems.extend(found)
        if not found:
            click.echo(f"{f}: ok, " + ", ".join(str(s.year) for s in years) if years
                       else f"{f}: ok, no year")
    if not problems:  # one year given differently by two of the files
        try:
            _calendar.assemble(files)
        except CalendarFileError as exc:
            problems.extend(exc.problems)
    _show_problems(problems)
    return EXIT_FAIL if problems else EXIT_OK


@cli.command(name="lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only way).")
def lsp(stdio: bool) -> None:
    """Run the language server over stdio, for an editor to start: diagnostics, hover,
    go to definition, references, completion, formatting, rename and quick fixes for
    .pol files (editors/README.md says how to set up VS Code, Neovim and Emacs)."""
    from .lsp.server import serve
    serve()


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _die("aborted", EXIT_FAIL)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_INPUT)
    except SystemExit:
        raise
    except RecursionError:
        _die("internal error: input nested too deeply", EXIT_INTERNAL)
    except Exception as exc:  # noqa: BLE001 - never a traceback for a user; say what and where
        _die(f"internal error: {type(exc).__name__}: {exc} (please report this)", EXIT_INTERNAL)


if __name__ == "__main__":
    main()
