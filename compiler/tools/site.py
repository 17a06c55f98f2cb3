"""From the compiler to the reviewers' site: fill `polc.viz.site.model` from policies.

`collect` compiles each policy (`pipeline.compile_file`), reads its notice's sentences and
their status (`sentence_statuses`, the one function that knows today's coverage), maps
every cited construct of the policy (`citations.verify.rules`) to the sentences its quotes
cover, runs the examples (`examples.run_examples`), and renders the diagrams
(`Compilation.diagrams`, through `dot -Tsvg`).  `render_site` of `polc.viz.site.render`
writes the result; `polc site` and `polc build` call `write_site`.
"""

from __future__ import annotations

import html
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polc.compiler import ir, pipeline
from polc.compiler import vocabulary as V
from polc.compiler.citations import coverage, sources, verify
from polc.compiler.syntax import ast as A
from polc.runtime import dumps
from polc.viz.site import model as M
from polc.viz.site.render import render_site

from . import build, install
from .examples import ExampleResult, Refused, run_examples

__all__ = ["collect", "sentence_statuses", "write_site"]

SITE_TITLE = "polc 审核站点"
# a rule's excerpt of its .pol file: a 10,000-row table is its header, not its rows
MAX_SOURCE_LINES = 40
SvgRenderer = Callable[[str], str]


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Covered:
    """A rule-bearing sentence of the notice and its status: text[start:end]."""

    start: int
    end: int
    status: str
    mark: M.Mark | None = None


def sentence_statuses(module: A.Module, pol: Path) -> tuple[str, list[Covered]] | str:
    """The notice's 文号 and its rule-bearing sentences with their status, or why they
    cannot be had: exactly `polc coverage`'s (citations.coverage).  A sentence is encoded
    when a rule, flow step, relation or body cites it (not an example or an input alone),
    marked when the .uncovered file marks it; only rule-bearing sentences get a status."""
    result = coverage.coverage(module, pol)
    if isinstance(result, str):
        return result
    out = []
    for s in result.rule_bearing:
        if s.encoded_by:
            out.append(Covered(s.start, s.end, M.ENCODED))
        elif s.mark is not None:
            reason = f"（{s.mark.arg}）" if s.mark.arg else ""
            out.append(Covered(s.start, s.end, M.MARKED,
                               M.Mark(s.mark.reason if s.mark.reason in M.MARK_REASONS else "",
                                      (reason + s.mark.note).lstrip() or s.mark.shown())))
        else:
            out.append(Covered(s.start, s.end, M.UNCOVERED))
    return result.docno, out


# --------------------------------------------------------------------------- the text


@dataclass(frozen=True)
class _Span:
    id: str
    start: int
    end: int


_PIECE_RE = re.compile(r"[^。；;！？!?]+[。；;！？!?]*|[。；;！？!?]+")


def _clause_at(notice: sources.Notice, offset: int) -> str:
    best, depth = sources.PREAMBLE_PATH, -1
    for sec in notice.sections.values():
        if sec.depth > depth and sec.start <= offset < sec.end:
            best, depth = sec.path, sec.depth
    return best


class _Splitter:
    """Cuts a notice's text into lines of segments and sentences, one line at a time."""

    def __init__(self, notice: sources.Notice) -> None:
        self.notice = notice
        self.text = notice.text
        self.sentences: list[M.Sentence] = []
        self.spans: list[_Span] = []
        self.segments: list[M.Segment] = []
        self.lineno = 0
        self.k = 0

    def start_line(self, lineno: int) -> None:
        self.segments, self.lineno, self.k = [], lineno, 0

    def sentence(self, a: int, b: int, status: str, mark: M.Mark | None) -> None:
        """text[a:b] as one sentence; the white space around it stays plain text."""
        body = self.text[a:b]
        lead = len(body) - len(body.lstrip())
        trail = len(body.rstrip())
        if body[:lead]:
            self.segments.append(M.Segment(body[:lead]))
        if trail > lead:
            self.k += 1
            sid = f"s-{self.lineno}-{self.k}"
            self.segments.append(M.Segment(body[lead:trail], sid))
            self.sentences.append(M.Sentence(sid, _clause_at(self.notice, a + lead), self.lineno,
                                             body[lead:trail], status, mark))
            self.spans.append(_Span(sid, a + lead, a + trail))
        if body[trail:]:
            self.segments.append(M.Segment(body[trail:]))

    def gap(self, a: int, b: int) -> None:
        """text[a:b], between the covered sentences: not rule-bearing, cut after 。；！？."""
        for m in _PIECE_RE.finditer(self.text, a, b):
            self.sentence(m.start(), m.end(), M.NOT_RULE, None)


def split_text(notice: sources.Notice, covered: list[Covered]
               ) -> tuple[list[M.Line], list[M.Sentence], list[_Span]]:
    """Every line of the notice as segments: the covered sentences where coverage found
    them, and the rest cut after 。；！？ into sentences that are not rule-bearing."""
    cut = _Splitter(notice)
    by_start = sorted(covered, key=lambda c: c.start)
    lines: list[M.Line] = []
    pos = i = 0
    for lineno, raw in enumerate(notice.text.split("\n"), 1):
        start, end = pos, pos + len(raw)
        pos = end + 1
        cut.start_line(lineno)
        cursor = start
        while i < len(by_start) and by_start[i].start < end:
            c = by_start[i]
            i += 1
            if c.start < cursor:
                continue  # overlapping coverage sentences: the first one keeps the text
            cut.gap(cursor, c.start)
            cut.sentence(c.start, min(c.end, end), c.status, c.mark)
            cursor = min(c.end, end)
        cut.gap(cursor, end)
        lines.append(M.Line(lineno, tuple(cut.segments)))
    return lines, cut.sentences, cut.spans


def _covering(notice: sources.Notice | None, spans: list[_Span], clause: str,
              quotes: Iterable[str]) -> tuple[str, ...]:
    """The sentences the quotes of one citation overlap, in text order (none without the
    notice's text)."""
    if notice is None:
        return ()
    hit: dict[str, None] = {}
    for quote in quotes:
        match = sources.find_quote(notice, clause, quote)
        if match is None:
            continue  # polc check reports it (E411/E412)
        for s in spans:
            if match.start < s.end and s.start < match.end:
                hit[s.id] = None
    return tuple(hit)


# --------------------------------------------------------------------------- rules

_KINDS: dict[type, str] = {
    A.Decision: "decision", A.LevelRow: "level", A.TableRow: "table_row",
    A.RuleRow: "rule_row", A.Otherwise: "otherwise", A.NamedCond: "condition",
    A.Let: "let", A.Require: "require", A.EnumDecl: "enum", A.Member: "member",
    A.RoleDecl: "role", A.BodyDecl: "body", A.GroupDecl: "group", A.InputDecl: "input",
    A.ConstDecl: "const", A.Convention: "convention", A.Relation: "relation",
    A.Flow: "flow", A.FlowNode: "flow_step", A.FlowEdge: "flow_edge", A.Ladder: "ladder",
    A.Rung: "rung",
}  # fmt: skip
# constructs whose whole span is their body: their excerpt is their head and its 引
_CONTAINERS = (A.Decision, A.EnumDecl, A.Flow, A.Ladder)


def _owners(module: A.Module) -> dict[int, tuple[object, Any, bool]]:
    """id(annotation) -> (the node carrying it, its top-level item, whether it is a
    decision's 结果 annotation): how a citations.Rule finds its construct."""
    out: dict[int, tuple[object, Any, bool]] = {}
    for item in module.items:
        for node in A.walk(item):
            annot = getattr(node, "annot", None)
            if isinstance(annot, A.Annot) and not annot.empty:
                out[id(annot)] = (node, item, False)
            result = getattr(node, "result_annot", None)
            if isinstance(result, A.Annot) and not result.empty:
                out[id(result)] = (node, item, True)
    return out


def _owner_anchor(item: object, policy: ir.Policy) -> str:
    if isinstance(item, A.Decision):
        return f"d-{item.name}"
    if isinstance(item, A.Flow):
        return f"f-{item.name}"
    if isinstance(item, A.Ladder):
        return f"l-{item.name}"
    if isinstance(item, (A.Relation, A.BodyDecl)) and policy.relations:
        return "org"
    if isinstance(item, A.GroupDecl):
        return "groups"
    return "decl"


def _excerpt(node: Any, annot: A.Annot, result: bool, lines: list[str]
             ) -> tuple[tuple[M.SourceLine, ...], int]:
    span = node.span
    parts: list[A.Cite | A.Reading | A.Derived] = [*annot.cites, *annot.readings, *annot.derived]
    annot_end = max((p.span.end_line for p in parts), default=span.line)
    if result:
        assert isinstance(node, A.Decision)
        first = node.result.span.line
        last = max(first, annot_end) if annot_end >= first else first
    elif isinstance(node, _CONTAINERS):
        first, last = span.line, max(span.line, annot_end)
    else:
        first, last = span.line, max(span.end_line, annot_end)
    shown = min(last, first + MAX_SOURCE_LINES - 1)
    out = tuple(M.SourceLine(n, lines[n - 1]) for n in range(first, shown + 1)
                if n - 1 < len(lines))
    return out, last - shown


def collect_rules(module: A.Module, policy: ir.Policy, text: str, notice: sources.Notice | None,
                  spans: list[_Span]) -> list[M.Rule]:
    owners = _owners(module)
    lines = text.split("\n")
    out: list[M.Rule] = []
    used: set[str] = set()
    for r in verify.rules(module):
        if r.example:
            continue  # examples are shown with their decision (Decision.examples)
        node, item, result = owners[id(r.annot)]
        source, more = _excerpt(node, r.annot, result, lines)
        rid = base = f"r-{source[0].number if source else r.span.line}"
        n = 1
        while rid in used:
            n += 1
            rid = f"{base}-{n}"
        used.add(rid)
        kind = "result" if result else _KINDS.get(type(node), "decision")
        cites = tuple(M.Cite(c.clause, c.quotes, _covering(notice, spans, c.clause, c.quotes))
                      for c in r.annot.cites)
        out.append(M.Rule(
            rid, kind, r.label, _owner_anchor(item, policy),
            item.name if isinstance(item, A.Decision) else None, cites, source,
            tuple(x.text for x in r.annot.readings), tuple(x.reason for x in r.annot.derived),
            source_more=more))
    return out


# --------------------------------------------------------------------------- decisions


def _scalar(value: ir.Scalar) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _members(policy: ir.Policy, t: ir.Type) -> tuple[M.Member, ...]:
    if t.kind is not ir.TypeKind.ENUM or t.enum is None:
        return ()
    return tuple(M.Member(n, label) for n, label in policy.enum(t.enum).members)


def _field(policy: ir.Policy, name: str) -> M.Field:
    inp = policy.input(name)
    t = inp.type
    unit = str(t.unit) if t.numeric and not t.unit.dimensionless else ""
    return M.Field(name, inp.label, t.kind.value, t.show(), unit, _scalar(inp.lo),
                   inp.lo_closed, _scalar(inp.hi), inp.hi_closed, _members(policy, t))


def _value_text(value: object, members: tuple[M.Member, ...]) -> str:
    if value is ir.REJECTED:
        return "拒绝"
    if isinstance(value, Refused):
        return f"拒绝：{value.reason}"
    labels = {m.name: m.label for m in members}
    if isinstance(value, str) and value in labels:
        return f"{value}（{labels[value]}）"
    return dumps(value)


def _example(ex: ir.Example, res: ExampleResult, members: tuple[M.Member, ...],
             notice: sources.Notice | None, spans: list[_Span]) -> M.Example:
    clause = ex.site.clause or ""
    return M.Example(
        f"e-{ex.site.span.line}", ex.decision, ex.site.span.line,
        tuple((k, dumps(v)) for k, v in ex.args),
        _value_text(ex.expected, members), _value_text(res.got, members), res.passed,
        clause, " ".join(ex.site.quotes),
        _covering(notice, spans, clause, ex.site.quotes) if clause else ())


def collect_decisions(compiled: pipeline.Compilation, slug: str, package: str,
                      rules: list[M.Rule], svgs: dict[str, str],
                      notice: sources.Notice | None,
                      spans: list[_Span]) -> list[M.Decision]:
    policy = compiled.ir
    assert policy is not None
    results = run_examples(compiled)
    examples: dict[str, list[M.Example]] = {}
    outputs = {d.name: M.Output(d.type.kind.value, d.type.show(), _members(policy, d.type))
               for d in policy.decisions}
    for ex, res in zip(policy.examples, results, strict=True):
        examples.setdefault(ex.decision, []).append(
            _example(ex, res, outputs[ex.decision].members, notice, spans))
    own = {r.decision: r.id for r in rules if r.kind == "decision"}
    return [M.Decision(d.name, d.label, tuple(_field(policy, n) for n in d.params),
                       outputs[d.name], own.get(d.name), svgs[f"decision_{d.name}"],
                       tuple(examples.get(d.name, ())), d.name,
                       f"from {package}.policy_{slug} import {d.name}")
            for d in policy.decisions]


def collect_diagrams(policy: ir.Policy, rules: list[M.Rule], svgs: dict[str, str]
                     ) -> list[M.Diagram]:
    own = {r.owner: r.id for r in rules if r.kind in ("flow", "ladder")}
    out = [M.Diagram(f"f-{f.name}", "flow", f.name, f"流程：{f.label}",
                     svgs[f"flow_{f.name}"], own.get(f"f-{f.name}")) for f in policy.flows]
    out += [M.Diagram(f"l-{lad.name}", "ladder", lad.name, f"阶梯：{lad.label}",
                      svgs[f"ladder_{lad.name}"], own.get(f"l-{lad.name}"))
            for lad in policy.ladders]
    if "org" in svgs:
        out.append(M.Diagram("org", "org", "org", "机构与关系", svgs["org"]))
    if "groups" in svgs:
        out.append(M.Diagram("groups", "groups", "groups", "工作组", svgs["groups"]))
    return out


def render_svg(dot_source: str) -> str:
    """Graphviz's SVG of a DOT source."""
    done = subprocess.run(["dot", "-Tsvg"], input=dot_source.encode("utf-8"),
                          capture_output=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError("Graphviz failed: " + done.stderr.decode("utf-8", "replace"))
    svg: str = done.stdout.decode("utf-8")
    return svg


def _drawn(svg: SvgRenderer, source: str, name: str) -> tuple[str, str]:
    """The SVG of one diagram, and "" or why Graphviz could not draw it (then the SVG
    says so in its place: one failed drawing costs only itself)."""
    try:
        return svg(source), ""
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        why = f"{name}: {exc}"
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="20pt">'
                f'<text x="0" y="14">图未能生成：{html.escape(why[:200])}</text></svg>'), why


_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", _SVG)
ET.register_namespace("xlink", _XLINK)
# how viz.common.cite_tooltip writes a citation into a tooltip
_TOOLTIP_CITE = re.compile(r"引 (\S+) ((?:「[^」]*」)+)")


def _linked(svg: str, notice: sources.Notice | None, spans: list[_Span]) -> str:
    """The diagram with each element's tooltip as its <title> (what a browser shows on
    hover) and, when the tooltip cites a clause and quotes, a link to the first sentence
    they cover."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return svg  # render.inline_svg refuses it, naming why
    for a in root.iter(f"{{{_SVG}}}a"):
        tip = a.get(f"{{{_XLINK}}}title")
        if not tip:
            continue
        title = ET.Element(f"{{{_SVG}}}title")
        title.text = tip
        a.insert(0, title)
        cite = _TOOLTIP_CITE.search(tip)
        if cite is not None:
            quotes = re.findall("「([^」]*)」", cite.group(2))
            hit = _covering(notice, spans, cite.group(1), quotes)
            if hit:
                a.set(f"{{{_XLINK}}}href", f"#{hit[0]}")
    return ET.tostring(root, encoding="unicode")


# --------------------------------------------------------------------------- notices


def _attach(sentences: list[M.Sentence], rules: list[M.Rule],
            decisions: list[M.Decision]) -> list[M.Sentence]:
    cited: dict[str, list[str]] = {}
    for r in rules:
        for sid in r.sentences:
            cited.setdefault(sid, []).append(r.id)
    shown: dict[str, list[str]] = {}
    for d in decisions:
        for e in d.examples:
            for sid in e.sentences:
                shown.setdefault(sid, []).append(e.id)
    # a sentence a rule cites is encoded, even one coverage's keywords do not find
    # rule-bearing (（2）在我区注册的企业……: an enum member's definition)
    return [M.Sentence(s.id, s.clause, s.line, s.text,
                       M.ENCODED if s.status == M.NOT_RULE and s.id in cited else s.status,
                       s.mark, tuple(cited.get(s.id, ())), tuple(shown.get(s.id, ())))
            for s in sentences]


def _readings(policy: ir.Policy, rules: list[M.Rule]) -> list[M.Reading]:
    at: dict[int, str] = {}
    for r in rules:
        for line in r.source:
            at.setdefault(line.number, r.id)
    return [M.Reading(span.line, text, at.get(span.line)) for span, text in policy.readings]


def collect_notice(compiled: pipeline.Compilation, pol: Path, slug: str, *,
                   package: str = "build.python", svg: SvgRenderer = render_svg) -> M.Notice:
    """The page of one policy, `compiled` from the file `pol`."""
    problems: list[str] = []
    if not compiled.ok:
        compiled.show(problems.append, errors_only=True)
    module = compiled.ast
    headers = {it.key: it.value for it in (module.items if module else ())
               if isinstance(it, A.Header)}
    status = sentence_statuses(module, pol) if module is not None else \
        f"{compiled.path}: does not parse (run polc check)"
    notice = None
    if V.Header.ILLUSTRATIVE.value in headers:
        status = ""  # an illustrative revision has no notice text, by design (versions.md)
    elif isinstance(status, str):
        problems.append(status)
    else:
        sdir = verify.find_sources_dir(str(pol))
        assert sdir is not None  # sentence_statuses found it
        notice = sources.load_notice(sdir, status[0])
    lines: list[M.Line] = []
    sentences: list[M.Sentence] = []
    rules: list[M.Rule] = []
    decisions: list[M.Decision] = []
    diagrams: list[M.Diagram] = []
    readings: list[M.Reading] = []
    spans: list[_Span] = []
    if notice is not None and not isinstance(status, str):
        lines, sentences, spans = split_text(notice, status[1])
    # without the notice's text the page still has its decisions, diagrams and try-it
    # forms: only the sentences (and the links to them) are missing
    if compiled.ok and module is not None and compiled.ir is not None:
        policy = compiled.ir
        graphs = compiled.diagrams
        names = sorted(n for n in graphs if n != "document")
        with ThreadPoolExecutor(max_workers=2) as pool:
            drawn = list(pool.map(lambda n: _drawn(svg, graphs[n], n), names))
        svgs = {n: _linked(text, notice, spans)
                for n, (text, _) in zip(names, drawn, strict=True)}
        problems += [why for _, why in drawn if why]
        rules = collect_rules(module, policy, compiled.source, notice, spans)
        decisions = collect_decisions(compiled, slug, package, rules, svgs, notice, spans)
        diagrams = collect_diagrams(policy, rules, svgs)
        readings = _readings(policy, rules)
    sentences = _attach(sentences, rules, decisions)
    return M.Notice(
        slug, headers.get("文号", compiled.path), headers.get("标题", ""),
        headers.get("发文机关", ""), headers.get("成文日期", ""), headers.get("施行日期", ""),
        compiled.path, tuple(lines), tuple(sentences), tuple(rules), tuple(decisions),
        tuple(diagrams), tuple(readings), tuple(problems),
        tuple(M.Finding(d.span.line, d.code, d.message) for d in compiled.diagnostics
              if d.severity == "warning"))


def collect(policy_files: list[Path], *, package: str = "build.python",
            svg: SvgRenderer = render_svg,
            compiled: dict[Path, pipeline.Compilation] | None = None) -> M.Site:
    """The site of `policy_files`, in the order given (each compiled unless `compiled`
    holds it already).  Raises install.Refused when two policies would get the same output
    name (build.output_names)."""
    names = build.output_names(policy_files)
    known = dict(compiled or {})
    for p in policy_files:
        known.setdefault(p, pipeline.compile_file(p))
    notices = [collect_notice(known[p], p, names[p], package=package, svg=svg)
               for p in policy_files]
    return M.Site(SITE_TITLE, tuple(notices), collect_series(policy_files, names, known))


def collect_series(policy_files: list[Path], names: dict[Path, str],
                   compiled: dict[Path, pipeline.Compilation]) -> tuple[M.Series, ...]:
    """Each series among the policies (docs/versions.md): its versions and, for each
    version after the first, `polc diff`'s text against the one before."""
    from . import diff, versions
    found = versions.find(policy_files)
    out = []
    for s in found.series:
        problems: list[str] = []
        for d in found.diagnostics:
            if f"系列 {s.name} " in d.message:
                problems.append(f"{d.span.file}:{d.span.line}: {d.severity}[{d.code}]: "
                                f"{d.message}")
        files = [found.files[v.policy.file] for v in s.versions]
        shown = tuple(M.SeriesVersion(v.policy.docno, names[f], v.period)
                      for v, f in zip(s.versions, files, strict=True))
        diffs = []
        for a, b in itertools.pairwise(files):
            old, new = compiled[a], compiled[b]
            if not (old.ok and new.ok):
                problems.append(f"{names[a]} → {names[b]}: a version does not compile")
                continue
            lines: list[str] = []
            report = diff.compare(old, new)
            diff.render_text(report, lines.append)
            diffs.append(M.SeriesDiff(names[a], names[b], report.changed,
                                      tuple(ln for chunk in lines for ln in chunk.split("\n"))))
        out.append(M.Series(s.name, shown, tuple(diffs), tuple(problems)))
    return tuple(out)


def write_site(policy_files: list[Path], out: Path, echo: Callable[[str], None], *,
               package: str = "build.python") -> int:
    """Collect the site of `policy_files` and install it into `out` as `polc build` does
    (install.SITE: a staging folder, out/.polc-site.json, never replacing or removing a file
    polc did not write); returns the number of pages.  Raises install.Refused, with
    nothing written, when something not polc's is in the way."""
    if os.path.lexists(out) and not out.is_dir():
        raise install.Refused([f"{out}: exists and is not a folder"])
    if shutil.which("dot") is None:
        raise install.Refused(["Graphviz `dot` not found; install Debian's graphviz"])
    site = collect(policy_files, package=package)
    record = install.read_record(out, install.SITE)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".polc-staging-", dir=out))
    try:
        written = render_site(site, stage)
        install.install(stage, out, [p.relative_to(stage).as_posix() for p in written],
                        record, echo, install.SITE)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return len(site.notices) + 1
