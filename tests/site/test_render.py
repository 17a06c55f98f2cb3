"""The reviewers' site renderer (polc.viz.site) and its collector (compiler/tools/site.py),
without a browser: text stays text, the same site gives the same bytes, nothing points
outside the site, and the data model agrees with coverage and the policies.
(test_browser.py drives the pages in a real browser.)"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from polc.compiler import lexical, pipeline
from polc.compiler.citations import coverage
from polc.compiler.tools import site as site_collect
from polc.compiler.tools.install import Refused
from polc.viz.common import shown
from polc.viz.site import model as M
from polc.viz.site.render import UnsafeSvg, inline_svg, render_site, search_index

from ..backends.test_injection import NASTY
from ..paths import ROOT
from . import sitecases

POLICIES = sorted((ROOT / "policies").glob("*.pol"))

# every element a page may hold: the templates' HTML and Graphviz's SVG
HTML_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "nav", "div",
    "label", "input", "span", "main", "h1", "h2", "h3", "h4", "p", "section", "ul", "ol",
    "li", "dl", "dt", "dd", "article", "aside", "button", "table", "caption", "thead",
    "tbody", "tfoot", "tr", "th", "td", "figure", "figcaption", "pre", "code", "q", "kbd",
    "strong", "details", "summary", "form", "fieldset", "legend", "select", "option", "br",
}  # fmt: skip
SVG_TAGS = {"svg", "g", "title", "path", "polygon", "polyline", "ellipse", "text"}


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Tags:
    p = Tags()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


@pytest.fixture(scope="module")
def corpus(built: tuple[M.Site, Path]) -> tuple[M.Site, Path]:
    return built


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> tuple[M.Site, Path]:
    root = tmp_path_factory.mktemp("nasty")
    site = site_collect.collect([sitecases.make_project(root)])
    out = root / "site"
    render_site(site, out)
    return site, out


# ---------------------------------------------------------------- text stays text


def test_markup_in_the_notice_and_the_policy_stays_text(nasty: tuple[M.Site, Path]) -> None:
    site, out = nasty
    notice = site.notices[0]
    assert not notice.problems, notice.problems
    # the payloads reached the model (so the test below tests something)
    assert any(sitecases.PAYLOADS[1] in s.text for s in notice.sentences)
    assert notice.decisions[0].label.startswith(sitecases.PAYLOADS[6])
    assert any(s.mark and sitecases.PAYLOADS[3] in s.mark.text for s in notice.sentences)
    for page in (out / "index.html", out / notice.page):
        parsed = parse(page)
        for tag, attrs in parsed.tags:
            assert tag in HTML_TAGS | SVG_TAGS, (page.name, tag, attrs)
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            for name in ("href", "src"):
                value = attrs.get(name)
                assert value is None or not value.lower().startswith("javascript"), value
            if tag == "script":
                assert attrs == {"src": "static/site.js", "defer": None}
        text = "".join(parsed.text)
        # each payload is shown as the very characters it is made of (the index shows
        # the title, the notice page all of them)
        shows = sitecases.PAYLOADS if page.name == notice.page else sitecases.PAYLOADS[:1]
        for payload in shows:
            assert shown(payload) in text, (page.name, payload)
    raw = (out / notice.page).read_text(encoding="utf-8")
    assert "<b>" not in raw and "<img" not in raw and "{{7*7}}" in html.unescape(raw)


def test_the_search_index_is_one_json_literal(nasty: tuple[M.Site, Path]) -> None:
    site, out = nasty
    script = (out / "static" / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.POLC_SEARCH = ") and script.endswith(";\n")
    assert "</script" not in script.lower() and "\u2028" not in script
    rows = json.loads(script.removeprefix("window.POLC_SEARCH = ").removesuffix(";\n"))
    texts = {r[1] for r in rows}
    assert {s.text for s in site.notices[0].sentences} <= texts
    assert {r[0] for r in rows} == {"notice", "decision", "sentence"}


@pytest.mark.parametrize(("written", "text"), NASTY, ids=[repr(t) for _, t in NASTY])
def test_every_text_field_is_escaped(tmp_path: Path, written: str, text: str) -> None:
    """tests/test_injection.py's payloads in every text the model holds."""
    site = _site_with(text)
    render_site(site, tmp_path)
    page = tmp_path / site.notices[0].page
    parsed = parse(page)
    assert all(tag in HTML_TAGS | SVG_TAGS for tag, _ in parsed.tags)
    body = "".join(parsed.text)
    assert body.count(shown(text)) >= 10
    raw = page.read_text(encoding="utf-8")
    # control and bidi characters never reach the page raw (shown as \\uXXXX)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]", raw)
    index = search_index(site)
    json.loads(index.removeprefix("window.POLC_SEARCH = ").removesuffix(";\n"))


def _site_with(text: str) -> M.Site:
    """A site whose every text field is `text`."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt">'
           f"<g id=\"node1\"><title>{html.escape(shown(text))}</title>"
           f"<text>{html.escape(shown(text))}</text></g></svg>")  # as Graphviz writes it
    mark = M.Mark("宣示", text)
    sentences = (M.Sentence("s-1-1", text, 1, text, M.ENCODED, None, ("r-1",), ("e-3",)),
                 M.Sentence("s-1-2", text, 1, text, M.MARKED, mark))
    cite = M.Cite(text, (text,), ("s-1-1",))
    rule = M.Rule("r-1", "decision", text, "d-d", "d", (cite,), (M.SourceLine(1, text),),
                  (text,), (text,))
    member = M.Member("A", text)
    field = M.Field("x", text, "enum", text, text, None, True, None, True, (member,))
    example = M.Example("e-3", "d", 3, (("x", json.dumps(text)),), text, text, True, text,
                        text, ("s-1-1",))
    decision = M.Decision("d", text, (field,), M.Output("enum", text, (member,)), "r-1", svg,
                          (example,), "d", text)
    notice = M.Notice(
        "n", text, text, text, text, text, text,
        (M.Line(1, (M.Segment(text, "s-1-1"), M.Segment(text), M.Segment(text, "s-1-2"))),),
        sentences, (rule,), (decision,), (M.Diagram("org", "org", "org", text, svg),),
        (M.Reading(2, text, "r-1"),), (text,))
    return M.Site(text, (notice,))


# ---------------------------------------------------------------- diagrams


GRAPHVIZ = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
            ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            '<!-- Generated by graphviz -->\n'
            '<svg width="8pt" height="8pt" viewBox="0 0 8 8" '
            'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            '<g id="node1" class="node"><title>a&lt;b</title>\n'
            '<a xlink:href="#s-1-1" xlink:title="q"><text x="1">甲 &amp; 乙</text></a></g>\n'
            "</svg>\n")


def test_graphviz_svg_is_inlined_without_urls_and_with_page_unique_ids() -> None:
    out = inline_svg(GRAPHVIZ, "d-x")
    assert out.startswith("<svg ") and out.endswith("</svg>")
    assert "http" not in out and "<!" not in out and "<?" not in out
    assert 'id="d-x-node1"' in out
    assert "a&lt;b" in out and "甲 &amp; 乙" in out and 'xlink:href="#s-1-1"' in out


@pytest.mark.parametrize("bad", [
    '<svg><script>alert(1)</script></svg>',
    '<svg onload="alert(1)"></svg>',
    '<svg><g onclick="alert(1)"/></svg>',
    '<svg><foreignObject><div/></foreignObject></svg>',
    '<svg><g style="background:url(http://x/)"/></svg>',
    '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="http://x/">x</a></svg>',
    '<svg><a href="javascript:alert(1)">x</a></svg>',
    '<svg><image href="x.png"/></svg>',
    "<svg><g>",
])
def test_svg_that_could_run_or_load_is_refused(bad: str) -> None:
    with pytest.raises(UnsafeSvg):
        inline_svg(bad, "p")


# ---------------------------------------------------------------- bytes and URLs


def test_two_renders_are_byte_identical(corpus: tuple[M.Site, Path], tmp_path: Path) -> None:
    site, out = corpus
    again = tmp_path / "again"
    render_site(site, again)
    first = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second and len(first) == len(POLICIES) + 4
    for rel in first:
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_collecting_twice_gives_the_same_site(corpus: tuple[M.Site, Path]) -> None:
    site, _ = corpus
    again = site_collect.collect(POLICIES)
    assert again == site


URL_RE = re.compile(r"https?://[^\s\"'<>)]+|(?:src|href|action)\s*=\s*[\"']?//"
                    r"|url\(\s*[\"']?(?:[a-z]+:)?//|@import", re.IGNORECASE)


def test_no_file_of_the_site_points_outside_it(corpus: tuple[M.Site, Path]) -> None:
    _, out = corpus
    notices = "".join((ROOT / "policies" / "sources" / f).read_text(encoding="utf-8")
                      for f in ("43.txt", "54.txt", "55.txt", "56.txt", "57.txt", "58.txt",
                                "59.txt", "60.txt", "61.txt", "62.txt", "63.txt", "64.txt"))
    found = []
    for path in sorted(out.rglob("*")):
        if path.is_file():
            for m in URL_RE.finditer(path.read_text(encoding="utf-8")):
                if m.group() not in notices:  # a URL a notice itself prints is its text
                    found.append((path.name, m.group()))
    assert found == []
    # nor do the shipped files the pages load
    for name in ("site.css", "site.js"):
        assert not URL_RE.search((ROOT / "viz" / "site" / "static" / name).read_text("utf-8"))


def test_links_and_assets_resolve(corpus: tuple[M.Site, Path]) -> None:
    """Every href and src of every page names a file of the site and, with a fragment, an
    element of it (tests/test_site.py follows them in the browser too)."""
    _, out = corpus
    ids = {p.name: {a["id"] for _, a in parse(p).tags if a.get("id")}
           for p in out.glob("*.html")}
    checked = 0
    for page in sorted(out.glob("*.html")):
        for tag, attrs in parse(page).tags:
            for name in ("href", "src", "xlink:href"):
                target = attrs.get(name)
                if target is None or (tag == "link" and target == "data:,"):
                    continue  # the empty icon: nothing to fetch
                file, _, frag = target.partition("#")
                file = file or page.name
                assert (out / file).is_file(), (page.name, target)
                if frag:
                    assert frag in ids[file], (page.name, target)
                checked += 1
    assert checked > 1000
    # and every search result
    script = (out / "static" / "search-index.js").read_text(encoding="utf-8")
    for _, _, url, _ in json.loads(script.removeprefix("window.POLC_SEARCH = ")
                                   .removesuffix(";\n")):
        file, _, frag = url.partition("#")
        assert file in ids and (not frag or frag in ids[file]), url


# ---------------------------------------------------------------- the model


def test_statuses_agree_with_polc_coverage(corpus: tuple[M.Site, Path]) -> None:
    site, _ = corpus
    for pol, notice in zip(POLICIES, site.notices, strict=True):
        module = pipeline.compile_file(pol).ast
        assert module is not None
        if notice.docno.startswith("示例修订"):
            # the illustrative revision has no notice (docs/versions.md): no sentences
            assert notice.sentences == () and notice.problems == ()
            continue
        cov = coverage.coverage(module, pol)
        assert not isinstance(cov, str)
        counts = notice.counts()
        bearing = {s.text.strip() for s in cov.rule_bearing}
        # beyond coverage's rule-bearing sentences, those a rule cites are encoded too
        extra = [s for s in notice.sentences if s.text not in bearing and s.status != M.NOT_RULE]
        assert all(s.status == M.ENCODED and s.rules for s in extra), pol.name
        assert (counts[M.ENCODED] - len(extra), counts[M.MARKED], counts[M.UNCOVERED]) == \
            (cov.encoded, cov.marked, len(cov.uncovered)), pol.name
        assert {s.text for s in notice.sentences if s.status != M.NOT_RULE} - \
            {s.text for s in extra} == bearing
        assert all(s.status == M.ENCODED for s in notice.sentences
                   if s.rules and s.status != M.MARKED)


def test_the_whole_notice_text_is_on_its_page(corpus: tuple[M.Site, Path]) -> None:
    site, _ = corpus
    n55 = next(n for n in site.notices if n.slug.startswith("55_"))
    text = (ROOT / "policies" / "sources" / "55.txt").read_text(encoding="utf-8")
    rebuilt = "\n".join("".join(seg.text for seg in line.segments) for line in n55.lines)
    assert rebuilt == lexical.normalise(text)


def test_the_checkers_findings_are_on_the_page_for_the_reviewer(
        corpus: tuple[M.Site, Path]) -> None:
    site, out = corpus
    n56 = next(n for n in site.notices if n.slug.startswith("56_"))
    assert [(f.code, f.line) for f in n56.findings] == [("W611", 149)]
    page = (out / n56.page).read_text(encoding="utf-8")
    section = page.split('id="findings"', 1)[1].split("</section>", 1)[0]
    assert "W611" in section and "self_check" in section and "第 149 行" in section
    n55 = next(n for n in site.notices if n.slug.startswith("55_"))
    assert not n55.findings and 'id="findings"' not in (out / n55.page).read_text("utf-8")


def test_rules_and_sentences_point_at_each_other(corpus: tuple[M.Site, Path]) -> None:
    site, _ = corpus
    for n in site.notices:
        by_id = {s.id: s for s in n.sentences}
        for s in n.sentences:
            if s.status == M.ENCODED:
                assert s.rules, (n.slug, s.id, s.text)  # an encoded sentence shows its rules
            for rid in s.rules:
                assert s.id in n.rule(rid).sentences
            for eid in s.examples:
                assert s.id in n.example(eid).sentences
            assert (s.mark is not None) == (s.status == M.MARKED)
        for r in n.rules:
            assert r.source and all(sid in by_id for sid in r.sentences)
    n58 = next(n for n in site.notices if n.slug.startswith("58_"))
    reward = next(d for d in n58.decisions if d.name == "bank_annual_reward")
    assert reward.import_line == ("from build.python.policy_58_finance_assessment "
                                  "import bank_annual_reward")
    assert [f.name for f in reward.inputs] == ["rank", "bank_count", "missed_tasks"]
    assert reward.examples and all(e.passed for e in reward.examples)
    assert reward.svg.startswith("<svg ") and "<title>" in reward.svg
    owned = n58.rules_of(reward.anchor)
    assert owned and all(r.decision == "bank_annual_reward" for r in owned)


# ---------------------------------------------------------------- writing


def test_render_never_replaces_a_file(tmp_path: Path) -> None:
    site = _site_with("x")
    (tmp_path / "index.html").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        render_site(site, tmp_path)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "mine"


def test_write_site_keeps_files_of_others_and_refuses_to_replace_them(tmp_path: Path) -> None:
    pols = [p for p in POLICIES if p.name.startswith(("43_", "56_"))]
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert site_collect.write_site(pols, out, print) == 3
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == [
        ".polc-site.json", "43_eco_environment_plan.html", "56_childcare_governance.html",
        "index.html", "notes.txt", "search-index.js", "site.css", "site.js"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    (out / "index.html").write_text("edited", encoding="utf-8")
    with pytest.raises(Refused, match="changed since polc wrote it"):
        site_collect.write_site(pols, out, print)
    assert (out / "index.html").read_text(encoding="utf-8") == "edited"


SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_NS = "{http://www.w3.org/1999/xlink}"


def test_every_cited_diagram_element_has_its_quote_and_links_to_its_sentence(
        corpus: tuple[M.Site, Path]) -> None:
    site, _ = corpus
    cited = 0
    for n in site.notices:
        if not n.sentences:
            continue  # no notice text to link to: the illustrative revision
        for svg in [d.svg for d in n.decisions] + [g.svg for g in n.diagrams]:
            root = ET.fromstring(svg)
            for a in root.iter(f"{SVG_NS}a"):
                title = a.find(f"{SVG_NS}title")
                assert title is not None and title.text == a.get(f"{XLINK_NS}title")
                found = re.search(r"引 (\S+) ((?:「[^」]*」)+)", title.text)
                if found is None:
                    continue
                cited += 1
                href = a.get(f"{XLINK_NS}href")
                assert href is not None and href.startswith("#s-"), (n.slug, title.text)
                sentence = n.sentence(href[1:])
                quotes = re.findall("「([^」]*)」", found.group(2))
                # the sentence holds part of a quote, or a quote runs over it
                text = "".join(sentence.text.split())
                assert any("".join(q.split())[:6] in text or text[:6] in "".join(q.split())
                           for q in quotes), (n.slug, sentence.text, quotes)
    assert cited > 1000
    # the diagram of a table row: its clause and quote, and the row it draws
    n58 = next(n for n in site.notices if n.slug.startswith("58_"))
    reward = next(d for d in n58.decisions if d.name == "bank_annual_reward")
    titles = [t.text or "" for t in ET.fromstring(reward.svg).iter(f"{SVG_NS}title")]
    assert any("引 六（二）2 「考核排名列后五位的银行机构不予奖励」" in t for t in titles)
