"""`polc build`: every output of a set of policies, in one folder.

OUT/python/policy_<stem>.py   the generated modules (ruff-formatted)
OUT/diagrams/<stem>/*.dot     Graphviz sources (and .svg, .png when rendering)
OUT/reports/<stem>.md         a reviewer's report: decisions, citations, readings,
                              examples and their results
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from polc.runtime import to_jsonable

from . import driver
from .examples import run_examples


def module_name(path: Path) -> str:
    return "policy_" + path.stem.replace("-", "_")


# the pinned ruff, ignoring any project configuration: the same bytes everywhere
RUFF_FORMAT = (sys.executable, "-m", "ruff", "format", "--isolated", "--quiet",
               "--line-length", "100")


def format_python(files: list[Path]) -> None:
    """Format generated modules with the pinned ruff, ignoring any project config."""
    if not files:
        return
    subprocess.run([*RUFF_FORMAT, *map(str, files)], check=True)


def format_source(code: str) -> str:
    return subprocess.run([*RUFF_FORMAT, "-"], input=code, capture_output=True, text=True,
                          check=True).stdout


def diagrams(compiled: driver.Compiled) -> dict[str, str]:
    """name -> DOT source for every diagram of a policy."""
    from polc.viz import decisions, document, flows
    assert compiled.policy is not None
    out: dict[str, str] = {"document": document.document_graph(compiled.policy).source}
    for d in compiled.policy.decisions:
        out[f"decision_{d.name}"] = decisions.decision_graph(compiled.policy, d).source
    out.update(flows.policy_graphs(compiled.policy))
    return out


def render_dot(dot_file: Path) -> None:
    # one dot process writes both formats
    subprocess.run(["dot", "-Tsvg", "-o", str(dot_file.with_suffix(".svg")),
                    "-Tpng", "-o", str(dot_file.with_suffix(".png")), str(dot_file)],
                   check=True, capture_output=True)


def report(compiled: driver.Compiled, diagram_names: list[str]) -> str:
    p = compiled.policy
    assert p is not None
    headers = dict(p.headers)
    lines = [f"# {p.docno} {headers.get('标题', '')}", ""]
    for k in ("发文机关", "成文日期", "施行日期"):
        if k in headers:
            lines.append(f"- {k}: {headers[k]}")
    lines += [f"- source: `{compiled.path}` (sha256 `{p.sha256[:16]}…`)", ""]
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
            lines.append(f"- diagram: `diagrams/{Path(compiled.path).stem}/decision_{d.name}.svg`")
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
                         f"{to_jsonable(r.expected)} | {to_jsonable(r.got)} |")
        lines.append("")
    others = [n for n in diagram_names if not n.startswith("decision_")]
    if others:
        lines += ["## Flows and structures", ""]
        lines += [f"- `diagrams/{Path(compiled.path).stem}/{n}.svg`" for n in others]
        lines.append("")
    return "\n".join(lines)


def build_all(files: list[Path], out: Path, *, render: bool,
              echo: Callable[[str], None]) -> int:
    failed = 0
    py_dir, dia_dir, rep_dir = out / "python", out / "diagrams", out / "reports"
    for d in (py_dir, dia_dir, rep_dir):
        d.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    dots: list[Path] = []
    for f in files:
        compiled = driver.compile_file(f)
        if not compiled.ok:
            failed += 1
            for diag in compiled.diags:
                if diag.severity == "error":
                    echo(render(diag, {compiled.path: compiled.text}))
            echo(f"FAIL {compiled.path}")
            continue
        target = py_dir / (module_name(f) + ".py")
        target.write_text(compiled.python(), encoding="utf-8")
        written.append(target)
        pdir = dia_dir / f.stem
        if pdir.exists():
            shutil.rmtree(pdir)
        pdir.mkdir(parents=True)
        graphs = diagrams(compiled)
        for name, source in sorted(graphs.items()):
            dot = pdir / f"{name}.dot"
            dot.write_text(source, encoding="utf-8")
            dots.append(dot)
        (rep_dir / f"{f.stem}.md").write_text(report(compiled, sorted(graphs)), encoding="utf-8")
        echo(f"ok   {compiled.path} -> {target} ({len(graphs)} diagrams)")
    format_python(written)
    if render and dots:
        if shutil.which("dot") is None:
            echo("polc: Graphviz `dot` not found; install Debian's graphviz to render "
                 "(the .dot files are written)")
            return failed + 1
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(render_dot, dots))
    echo(f"built {len(files) - failed} of {len(files)} policies into {out}")
    return failed
