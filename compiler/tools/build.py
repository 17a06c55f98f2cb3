"""`polc build`: every output of a set of policies, in one folder.

OUT/python/policy_<name>.py   the generated modules (ruff-formatted)
OUT/diagrams/<name>/*.dot     Graphviz sources (and .svg, .png when rendering)
OUT/reports/<name>.md         a reviewer's report: decisions, citations, readings,
                              examples and their results
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
from pathlib import Path

from polc.compiler import files as fileio
from polc.compiler import pipeline
from polc.compiler import vocabulary as V
from polc.runtime import to_jsonable

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
    lines += [f"- source: `{compiled.path}` (sha256 `{p.sha256[:16]}…`)"]
    if V.Header.UNVERIFIED.value in headers:
        lines.append(f"- **quotes not verified**: {headers[V.Header.UNVERIFIED.value]}")
    lines.append("")
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
            lines.append("")
    # what a diagram only summarises (too many rows to draw) is listed here in full
    from polc.viz import decisions, flows
    lines += decisions.full_tables(p) + flows.full_flows(p)
    if p.readings:
        lines += ["## Readings (解读)", ""]
        for span, text in p.readings:
            lines.append(f"- {span}: {text}")
        lines.append("")
    results = run_examples(compiled)
    if results:
        passed = sum(r.passed for r in results)
        lines += [f"## Examples: {passed} of {len(results)} pass", "",
                  "| | decision | inputs | expected | got |", "|---|---|---|---|---|"]
        for r in results:
            args = ", ".join(f"{k}={to_jsonable(v)}" for k, v in r.args.items())
            lines.append(f"| {'✓' if r.passed else '✗'} | `{r.decision}` | {args} | "
                         f"{shown(r.expected)} | {shown(r.got)} |")
        lines.append("")
    if origin is not None:
        lines += _coverage_section(compiled, origin)
    others = [n for n in diagram_names if not n.startswith("decision_")]
    if others:
        lines += ["## Flows and structures", ""]
        lines += [f"- `diagrams/{name}/{n}.svg`" for n in others]
        lines.append("")
    return "\n".join(lines)


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
        for f in files:
            compiled = pipeline.compile_file(f)
            if not compiled.ok:
                failed.append(compiled.path)
                compiled.show(echo, errors_only=True)
                echo(f"FAIL {compiled.path}")
                continue
            name = names[f]
            module = f"python/policy_{name}.py"
            modules.append(_write(stage, module, compiled.python))
            graphs = compiled.diagrams
            for gname, source in sorted(graphs.items()):
                dots.append(_write(stage, f"diagrams/{name}/{gname}.dot", source))
            _write(stage, f"reports/{name}.md", report(compiled, name, sorted(graphs), f))
            done.append(f"ok   {compiled.path} -> {out / module} ({len(graphs)} diagrams)")
        format_python(modules)
        problems = _render_all(dots, stage) if render and dots else []
        staged = [p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file()]
        install.install(stage, out, staged, record, echo)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for line in done + problems:
        echo(line)
    summary = f"built {len(files) - len(failed)} of {len(files)} policies into {out}"
    echo(summary + (f"; failed: {', '.join(failed)}" if failed else ""))
    return len(failed) + len(problems)


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
