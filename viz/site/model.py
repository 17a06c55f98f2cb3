"""The reviewers' site as data: everything a page shows, and nothing about how.

A collector (today `polc.compiler.site_collect`) fills a `Site` from the compiler; the
renderer (`polc.viz.site.render`) turns it into files and decides nothing of substance.
So the site can only show what the compiler established, and swapping the compiler's
pieces (issue 13's per-sentence coverage) changes the collector, not the pages.

Identifiers are anchors in the notice's page and are stable across rebuilds of the same
texts: a sentence is `s-<line>-<k>` (k-th sentence of that line of the notice), a rule
`r-<line>` (its line in the .pol file; `-2`, `-3` … when several start on one line), an
example `e-<line>`, a decision `d-<name>`, a flow `f-<name>`, a ladder `l-<name>`, the
org chart `org`, the working groups `groups`, other declarations `decl`.

Every text here is plain text, exactly as the notice or the policy writes it; only
`svg` fields hold markup (Graphviz's own output, checked by the renderer).  Collections
are tuples in the order the pages show them, so a site is a value: equal sites render
byte-identical files.  docs/site.md describes each field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

# One status per sentence of a notice (issue 13).
ENCODED = "encoded"  # cited by a rule, a flow step or a relation that carries its content
MARKED = "marked"  # deliberately not encoded, with a reason
UNCOVERED = "uncovered"  # rule-bearing, neither encoded nor marked
NOT_RULE = "none"  # not rule-bearing (a heading, a title, a description)
STATUSES = (ENCODED, MARKED, UNCOVERED, NOT_RULE)
STATUS_LABELS = {ENCODED: "已编码", MARKED: "已标记（不编码）", UNCOVERED: "未覆盖",
                 NOT_RULE: "不含规则"}
# shown beside the colour, so a status never depends on seeing colour
STATUS_ICONS = {ENCODED: "✓", MARKED: "⊘", UNCOVERED: "✗", NOT_RULE: ""}

# The fixed reasons a sentence may be marked with (issue 13); "" when a mark names none.
MARK_REASONS = {
    "宣示": "目标或义务，没有可编码的条件、金额、日期或主体",
    "外部认定": "由其他机关认定的事实，其结果作为输入",
    "引用": "依据另一文件，由该文件规定",
    "语言未支持": "政策语言尚不能表达",
    "事实": "描述情况，不作规定",
}

# What kind of construct a rule is (Rule.kind), as the pages name it.
RULE_KINDS = {
    "decision": "决策", "result": "结果", "level": "级别", "table_row": "查表行",
    "rule_row": "依次规则", "otherwise": "否则", "condition": "条件", "let": "令",
    "require": "要求", "enum": "枚举", "member": "成员", "role": "角色", "body": "机构",
    "group": "工作组", "input": "输入", "const": "常量", "convention": "约定",
    "relation": "关系", "flow": "流程", "flow_step": "流程节点", "flow_edge": "流程转移",
    "ladder": "阶梯", "rung": "措施",
}  # fmt: skip


@dataclass(frozen=True)
class Mark:
    """Why a sentence is deliberately not encoded: one of MARK_REASONS (or "") and the
    policy's own words."""

    code: str
    text: str


@dataclass(frozen=True)
class Sentence:
    id: str
    clause: str  # the deepest clause holding it: 一（四）2（1）, 序言, 附件三（一）
    line: int  # its first line in the notice text
    text: str
    status: str  # one of STATUSES
    mark: Mark | None = None  # set when status is MARKED
    rules: tuple[str, ...] = ()  # ids of the rules whose quotes overlap it
    examples: tuple[str, ...] = ()  # ids of the examples whose quotes overlap it


@dataclass(frozen=True)
class Segment:
    """A run of one line of the notice: part of a sentence, or text between sentences."""

    text: str
    sentence: str | None = None


@dataclass(frozen=True)
class Line:
    number: int
    segments: tuple[Segment, ...]

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.sentence for s in self.segments if s.sentence))


@dataclass(frozen=True)
class Cite:
    """One 引 of a rule: a clause, its quotes, and the sentences the quotes cover."""

    clause: str
    quotes: tuple[str, ...]
    sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str


@dataclass(frozen=True)
class Rule:
    """A cited construct of the policy: a decision, a row, a flow step, a relation …"""

    id: str
    kind: str  # a key of RULE_KINDS
    label: str  # what polc check calls it: 决策 severity 的级别 I
    owner: str  # anchor of the section it is shown in (d-severity, f-x, org, decl …)
    decision: str | None  # the decision it belongs to, if any
    cites: tuple[Cite, ...]
    source: tuple[SourceLine, ...]  # its lines of the .pol file
    readings: tuple[str, ...] = ()  # 解读
    derived: tuple[str, ...] = ()  # 推导 reasons
    source_more: int = 0  # lines of it past those in `source` (a long table's rows)

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for c in self.cites for s in c.sentences))


@dataclass(frozen=True)
class Member:
    name: str
    label: str


@dataclass(frozen=True)
class Field:
    """One input of a decision, as the evaluation API takes it."""

    name: str
    label: str
    kind: str  # count, num, date, datetime, bool, enum, role
    type_text: str  # as the policy writes it: 计数(人), 金额, Level
    unit: str = ""  # 人, 元 … ("" for pure numbers and non-numbers)
    lo: str | None = None  # domain bounds as JSON-ready text; None is unbounded
    lo_closed: bool = True
    hi: str | None = None
    hi_closed: bool = True
    members: tuple[Member, ...] = ()  # an enum's members, most severe first

    @property
    def domain_text(self) -> str:
        if self.lo is None and self.hi is None:
            return ""
        return (("[" if self.lo_closed else "(") + (self.lo if self.lo is not None else "-∞")
                + ", " + (self.hi if self.hi is not None else "∞")
                + ("]" if self.hi_closed else ")"))


@dataclass(frozen=True)
class Output:
    kind: str
    type_text: str
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Example:
    id: str
    decision: str
    line: int  # of the .pol file
    inputs: tuple[tuple[str, str], ...]  # (input name, value as JSON text)
    expected: str  # as text; 拒绝 for an expected refusal
    got: str
    passed: bool
    clause: str = ""
    quote: str = ""
    sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    name: str
    label: str
    inputs: tuple[Field, ...]
    output: Output
    rule: str | None  # id of the decision's own rule (its 引), if it has one
    svg: str  # the diagram, Graphviz SVG
    examples: tuple[Example, ...]
    function: str  # the generated Python function
    import_line: str  # how to import it

    @property
    def anchor(self) -> str:
        return f"d-{self.name}"

    @property
    def passed(self) -> int:
        return sum(e.passed for e in self.examples)


@dataclass(frozen=True)
class Diagram:
    """A flow, ladder, working-group or org chart."""

    anchor: str
    kind: str  # flow, ladder, groups, org
    name: str
    title: str
    svg: str
    rule: str | None = None  # the flow's or ladder's own rule, if it has one


@dataclass(frozen=True)
class Reading:
    line: int  # of the .pol file
    text: str
    rule: str | None = None  # the rule it is attached to


@dataclass(frozen=True)
class Finding:
    """A warning of `polc check` (a gap, a date the flow contradicts…), for the reviewer."""

    line: int  # of the .pol file
    code: str
    message: str


@dataclass(frozen=True)
class Notice:
    """One notice with the policy that encodes it: one page of the site."""

    slug: str  # the page is <slug>.html; the API's {policy}
    docno: str  # 文号
    title: str
    issuer: str
    written: str  # 成文日期
    effective: str  # 施行日期
    policy_path: str  # policies/55_overseas_labor_emergency.pol
    lines: tuple[Line, ...]  # the full text of the notice
    sentences: tuple[Sentence, ...]
    rules: tuple[Rule, ...]
    decisions: tuple[Decision, ...] = ()
    diagrams: tuple[Diagram, ...] = ()
    readings: tuple[Reading, ...] = ()
    # what stopped part of the page from being built (a compile error, no notice text)
    problems: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    _by_id: dict[str, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, object] = {s.id: s for s in self.sentences}
        index.update({r.id: r for r in self.rules})
        index.update({e.id: e for d in self.decisions for e in d.examples})
        object.__setattr__(self, "_by_id", index)

    @property
    def page(self) -> str:
        return f"{self.slug}.html"

    def sentence(self, sid: str) -> Sentence:
        found = self._by_id[sid]
        assert isinstance(found, Sentence)
        return found

    def rule(self, rid: str) -> Rule:
        found = self._by_id[rid]
        assert isinstance(found, Rule)
        return found

    def example(self, eid: str) -> Example:
        found = self._by_id[eid]
        assert isinstance(found, Example)
        return found

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for s in self.sentences:
            out[s.status] += 1
        return out

    @property
    def examples(self) -> tuple[Example, ...]:
        return tuple(e for d in self.decisions for e in d.examples)

    @property
    def examples_passed(self) -> int:
        return sum(e.passed for e in self.examples)

    def rules_of(self, owner: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.owner == owner)

    def other_rules(self) -> tuple[Rule, ...]:
        """Rules shown in no decision or diagram section: declarations (enums, inputs,
        roles, conventions …), and any whose owner has no section."""
        shown = {d.anchor for d in self.decisions} | {g.anchor for g in self.diagrams}
        return tuple(r for r in self.rules if r.owner not in shown)


@dataclass(frozen=True)
class SearchEntry:
    kind: str  # notice, decision, sentence
    text: str
    url: str  # relative to the site root: 55_x.html#s-12-1
    context: str


@dataclass(frozen=True)
class SeriesVersion:
    docno: str
    slug: str  # its page is <slug>.html
    period: str  # 2022-10-01 至 2023-09-30


@dataclass(frozen=True)
class SeriesDiff:
    """What one version changes against the one before it: `polc diff`'s text."""

    old: str  # slugs
    new: str
    changed: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Series:
    """The versions of one subject (系列, docs/versions.md), by start, and their diffs."""

    name: str
    versions: tuple[SeriesVersion, ...]
    diffs: tuple[SeriesDiff, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Site:
    title: str
    notices: tuple[Notice, ...]
    series: tuple[Series, ...] = ()

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for n in self.notices:
            for k, v in n.counts().items():
                out[k] += v
        return out


def search_entries(site: Site) -> Iterator[SearchEntry]:
    """What search finds: each notice by 文号 and title, each decision by name and label,
    each sentence by its text."""
    for n in site.notices:
        yield SearchEntry("notice", f"{n.docno} {n.title}", n.page, n.policy_path)
        for d in n.decisions:
            yield SearchEntry("decision", f"{d.name} {d.label}", f"{n.page}#{d.anchor}",
                              n.docno)
        for s in n.sentences:
            yield SearchEntry("sentence", s.text, f"{n.page}#{s.id}", f"{n.docno} {s.clause}")
