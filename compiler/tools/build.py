"""`polc build`: every output of a set of policies, in one folder.

OUT/python/policy_<name>.py   the generated modules (ruff-formatted)
OUT/python/batch_<name>.py    their batch functions over numpy columns (docs/batch.md)
OUT/diagrams/<name>/*.dot     Graphviz sources (and .svg, .png when rendering)
OUT/reports/<name>.md         a reviewer's report: decisions, each rule with its clause
                              and quote, readings, examples and their results
OUT/site/index.html           the reviewers' site (compiler/tools/site.py, docs/site.md),
                              written when the diagrams are rendered: it inlines their SVG
OUT/.polc-build.json          the record of what the last build wrote (see install.py)

<name> is the policy's file name without `.pol` (see `files.output_name`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import attrs

from polc.compiler import files as fileio
from polc.compiler import ir, pipeline
from polc.compiler import vocabulary as V
from polc.compiler.backends import vector
from polc.compiler.citations import verify
from polc.compiler.diagnostics import show
from polc.compiler.quantities import show_quantity
from polc.compiler.syntax import ast as A

from . import install
from .examples import run_examples, shown

# the pinned ruff, ignoring any project configuration: the same bytes everywhere
RUFF_FORMAT = (sys.executable, "-m", "ruff", "format", "--isolated", "--no-cache", "--quiet",
               "--line-length", "100")


def format_python(files: list[Path]) -> None:
    """Format generated modules with the pinned ruff, ignoring any project config."""
    if not files:
        return
    subprocess.run([*RUFF_FORMAT, *map(str, files)], check=True)


def format_source(code: str) -> str:
    return subprocess.run([*RUFF_FORMAT, "-"], input=code, capture_output=True, text=True,
                          check=True).stdout


def render_dot(dot_file: Path) -> None:
    # one dot process writes both formats
    subprocess.run(["dot", "-Tsvg", "-o", str(dot_file.with_suffix(".svg")),
                    "-Tpng", "-o", str(dot_file.with_suffix(".png")), str(dot_file)],
                   check=True, capture_output=True)


def report(compiled: pipeline.Compilation, name: str, diagram_names: list[str],
           origin: Path | None = None) -> str:
    """The reviewer's report; `origin`, the policy file, gives the coverage section."""
    p = compiled.ir
    assert p is not None
    headers = dict(p.headers)
    lines = [f"# {p.docno} {p.header(V.Header.TITLE)}", ""]
    for k in (V.Header.ISSUER, V.Header.WRITTEN, V.Header.EFFECTIVE):
        if k.value in headers:
            lines.append(f"- {k.value}: {headers[k.value]}")
    v = p.validity
    if v.start is not None or v.end is not None:
        lines.append(f"- in force: {v.start or '…'} 至 {v.end or '（未规定终止日）'}")
    for s in v.supersedes:
        lines.append(f"- {s.kind} {s.docno}" + (f" 自 {s.since}" if s.since else ""))
    if v.series:
        lines.append(f"- 系列: {v.series} (docs/versions.md)")
    if V.Header.ILLUSTRATIVE.value in headers:
        lines.append(f"- **illustrative revision, no such notice**: "
                     f"{headers[V.Header.ILLUSTRATIVE.value]}")
    lines += [f"- source: `{compiled.path}` (sha256 `{p.sha256[:16]}…`)"]
    if V.Header.UNVERIFIED.value in headers:
        lines.append(f"- **quotes not verified**: {headers[V.Header.UNVERIFIED.value]}")
    lines.append("")
    cited = _cited_rules(compiled)
    if p.decisions:
        lines += ["## Decisions", ""]
        for d in p.decisions:
            params = ", ".join(f"`{n}` ({p.input(n).type.show()})" for n in d.params)
            lines.append(f"### `{d.name}` — {d.label}")
            lines.append("")
            lines.append(f"- inputs: {params or '—'}")
            lines.append(f"- output: {d.type.show()}")
            if d.site.clause:
                lines.append(f"- 引 {d.site.clause}: " + " ".join(f"「{q}」" for q in d.site.quotes))
            for r in d.site.readings:
                lines.append(f"- 解读: {r}")
            lines.append(f"- diagram: `diagrams/{name}/decision_{d.name}.svg`")
            lines += _rule_lines(cited.pop(d.name, []))
            lines.append("")
    others = [r for rules in cited.values() for r in rules]
    if others:
        lines += ["## Other cited rules", "", *_rule_lines(others, head=False), ""]
    # what a diagram only summarises (too many rows to draw) is listed here in full
    from polc.viz import decisions, flows
    lines += decisions.full_tables(p) + flows.full_flows(p)
    if p.readings:
        lines += ["## Readings (解读)", ""]
        for span, text in p.readings:
            lines.append(f"- {span}: {text}")
        lines.append("")
    # what `polc check` warns of (gaps, dates that contradict a flow, …) is for the
    # reviewer too, who reads this report and not the build's console
    found = [d for d in compiled.diagnostics if d.severity != "error"]
    if found:
        lines += ["## Findings of `polc check`", ""]
        for d in found:
            lines.append(f"- line {d.span.line}: {d.severity}[{d.code}]: {d.message}")
        lines.append("")
    results = run_examples(compiled)
    if results:
        passed = sum(r.passed for r in results)
        lines += [f"## Examples: {passed} of {len(results)} pass", "",
                  "| | decision | inputs | expected | got |", "|---|---|---|---|---|"]
        for r in results:
            args = ", ".join(f"{k}={_shown(v, p.input(k).type)}" for k, v in r.args.items())
            out = p.decision(r.decision).type
            lines.append(f"| {'✓' if r.passed else '✗'} | `{r.decision}` | {args} | "
                         f"{_shown(r.expected, out)} | {_shown(r.got, out)} |")
        lines.append("")
    if origin is not None:
        lines += _coverage_section(compiled, origin)
    others = [n for n in diagram_names if not n.startswith("decision_")]
    if others:
        lines += ["## Flows and structures", ""]
        lines += [f"- `diagrams/{name}/{n}.svg`" for n in others]
        lines.append("")
    return "\n".join(lines)


def _shown(value: object, t: ir.Type) -> object:
    """A value of an example as the diagrams show it (5万元, 3%, 200人); anything that is not
    a quantity (a refusal, a member, a date, a list) as `examples.shown` gives it."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and t.numeric:
        return show_quantity(value, t.unit, ratio=t.kind is ir.TypeKind.NUM)
    return shown(value)


def _cited_rules(compiled: pipeline.Compilation) -> dict[str, list[verify.Rule]]:
    """Every rule carrying 引 or 推导 (examples aside), by the top-level item it is in:
    a decision by its name, anything else (flows, enums, inputs …) under ""."""
    out: dict[str, list[verify.Rule]] = {}
    module = compiled.ast
    assert module is not None
    for item in module.items:
        key = item.name if isinstance(item, A.Decision) else ""
        found = [r for r in verify.rules(attrs.evolve(module, items=(item,))) if not r.example]
        if found:
            out.setdefault(key, []).extend(found)
    return out


def _rule_lines(rules: list[verify.Rule], *, head: bool = True) -> list[str]:
    """One line per rule: where it is, what it is, each clause it cites with every quote,
    and its 推导, so a reviewer holds each rule against the notice."""
    if not rules:
        return []
    out = ["- rules:"] if head else []
    indent = "  " if head else ""
    for r in rules:
        cites = "；".join(f"引 {c.clause} " + "".join(f"「{q}」" for q in c.quotes)
                         for c in r.annot.cites)
        derived = "；".join(f"推导：{x.reason}" for x in r.annot.derived)
        out.append(f"{indent}- line {r.span.line} {r.label}: "
                   + "；".join(x for x in (cites, derived) if x))
    return out


def _coverage_section(compiled: pipeline.Compilation, origin: Path) -> list[str]:
    """The coverage of the policy's notice (polc coverage), for the reviewer."""
    from polc.compiler.citations import coverage
    if compiled.ast is None:
        return []
    result = coverage.coverage(compiled.ast, origin)
    if isinstance(result, str):
        return ["## Coverage", "", f"not computed: {result}", ""]
    return ["## Coverage", "", *coverage.report_markdown(result), ""]


def output_names(files: list[Path]) -> dict[Path, str]:
    """`output_name` of every file; Refused naming both files when two get the same name
    (compared case-insensitively, as some file systems compare them)."""
    names: dict[Path, str] = {}
    first: dict[str, Path] = {}
    problems: list[str] = []
    for f in files:
        name = fileio.output_name(f)
        if name is None:
            problems.append(f"{f}: the file name has no letter or digit to name its outputs "
                            "by; rename it")
            continue
        other = first.setdefault(name.casefold(), f)
        if other != f:
            problems.append(f"{other} and {f} would both be built as policy_{name} "
                            f"(python/policy_{name}.py, diagrams/{name}/, reports/{name}.md); "
                            "rename one of them")
            continue
        names[f] = name
    if problems:
        raise install.Refused(problems)
    return names


def _write(stage: Path, rel: str, text: str) -> Path:
    path = stage / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build_all(files: list[Path], out: Path, *, render: bool,
              echo: Callable[[str], None]) -> int:
    """Build every policy of `files` into `out`; returns the number of policies (and
    renderings) that failed, after building all the others.  Raises install.Refused, with
    nothing written, when output names collide or a file polc did not write is in the way."""
    names = output_names(files)
    if os.path.lexists(out) and not out.is_dir():
        raise install.Refused([f"{out}: exists and is not a folder"])
    record = install.read_record(out)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".polc-staging-", dir=out))
    try:
        failed: list[str] = []
        done: list[str] = []
        modules: list[Path] = []
        dots: list[Path] = []
        sources: dict[str, Path] = {}  # DOT text -> its file, for the site to reuse its SVG
        compilations: dict[Path, pipeline.Compilation] = {}
        for f in files:
            compiled = compilations[f] = pipeline.compile_file(f)
            if not compiled.ok:
                failed.append(compiled.path)
                compiled.show(echo, errors_only=True)
                echo(f"FAIL {compiled.path}")
                continue
            name = names[f]
            module = f"python/policy_{name}.py"
            modules.append(_write(stage, module, compiled.python))
            # beside it, the batch functions over numpy columns (docs/batch.md); what runs
            # row by row says so (W7xx)
            assert compiled.ir is not None  # compiled.ok
            batch = vector.generate(compiled.ir, compiled.path, f"policy_{name}")
            modules.append(_write(stage, f"python/batch_{name}.py", batch.text))
            show(batch.diagnostics, {compiled.path: compiled.source}, echo)
            graphs = compiled.diagrams
            for gname, source in sorted(graphs.items()):
                dots.append(_write(stage, f"diagrams/{name}/{gname}.dot", source))
                sources[source] = dots[-1]
            _write(stage, f"reports/{name}.md", report(compiled, name, sorted(graphs), f))
            done.append(f"ok   {compiled.path} -> {out / module} ({len(graphs)} diagrams)")
        failed += _write_series(files, names, compilations, stage, modules, echo)
        format_python(modules)
        problems = _render_all(dots, stage) if render and dots else []
        if render and shutil.which("dot") is not None:
            _write_site(files, compilations, sources, stage)
        staged = [p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file()]
        install.install(stage, out, staged, record, echo)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for line in done + problems:
        echo(line)
    summary = f"built {len(files) - len(failed)} of {len(files)} policies into {out}"
    echo(summary + (f"; failed: {', '.join(failed)}" if failed else ""))
    return len(failed) + len(problems)


def _write_series(files: list[Path], names: dict[Path, str],
                  compilations: dict[Path, pipeline.Compilation], stage: Path,
                  modules: list[Path], echo: Callable[[str], None]) -> list[str]:
    """python/series_<name>.py for each series whose versions all compile and do not
    overlap (docs/versions.md); the series that cannot be built, by name."""
    from polc.compiler.backends.python import series as dispatcher

    from . import versions
    found = versions.find(files)
    show(found.diagnostics, found.sources, echo)
    failed: list[str] = []
    written: set[str] = set()
    for s in found.series:
        paths = [found.files[v.policy.file] for v in s.versions]
        if not s.ok or not all(compilations[p].ok for p in paths if p in compilations):
            failed.append(f"series {s.name}")
            echo(f"FAIL series {s.name}: a version does not compile, or versions overlap")
            continue
        if s.name in written:
            failed.append(f"series {s.name}")
            echo(f"FAIL series {s.name}: two folders hold a series of this name")
            continue
        written.add(s.name)
        text = dispatcher.generate(s, {v.policy.file: f"policy_{names[found.files[v.policy.file]]}"
                                       for v in s.versions})
        modules.append(_write(stage, f"python/series_{s.name}.py", text))
    return failed


def _write_site(files: list[Path], compilations: dict[Path, pipeline.Compilation],
                sources: dict[str, Path], stage: Path) -> None:
    """The reviewers' site into stage/site, inlining the SVGs just rendered."""
    from polc.viz.site.render import render_site

    from . import site

    def svg(source: str) -> str:
        done = sources.get(source)
        if done is not None and done.with_suffix(".svg").is_file():
            return done.with_suffix(".svg").read_text(encoding="utf-8")
        return site.render_svg(source)

    render_site(site.collect(files, svg=svg, compiled=compilations), stage / "site")


def _render_all(dots: list[Path], stage: Path) -> list[str]:
    """Render every .dot beside itself; one message per failure (the .dot is still built)."""
    if shutil.which("dot") is None:
        return [("polc: Graphviz `dot` not found; install Debian's graphviz to render "
                 "(the .dot files are written)")]

    def one(dot: Path) -> str | None:
        try:
            render_dot(dot)
        except subprocess.CalledProcessError as exc:
            why = bytes(exc.stderr or b"").decode("utf-8", "replace").strip()
            return f"polc: Graphviz failed on {dot.relative_to(stage).as_posix()}: {why}"
        return None

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [m for m in pool.map(one, dots) if m is not None]
