"""Every diagram renders to well-formed SVG that shows each label exactly as typed.

Graphviz decodes HTML entities in every label and writes its SVG without
checking what the text holds, so an unescaped `&lt;b&gt;` showed as `<b>`,
`&#x202E;` became a real right-to-left override (past the bidi escaping) and
`&#xD800;` made the SVG invalid UTF-8.  Here the real `dot` renders every
diagram of the corpus and of policies made of hostile labels, each SVG is
parsed as XML, and the visible text is compared with what the label says: the
typed text, with control, bidi and other invisible characters spelled \\uXXXX.
"""

from __future__ import annotations

import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polc.compiler import lexical, pipeline
from polc.viz.common import html_text, label, new_graph

from ..backends.test_injection import NASTY
from ..fuzzing import FUZZ
from ..paths import REPRO
from ..paths import ROOT as REPO

POLICIES = sorted((REPO / "policies").glob("*.pol"))
NS = "{http://www.w3.org/2000/svg}"


def render(dot_source: str) -> ET.Element:
    done = subprocess.run(["dot", "-Tsvg"], input=dot_source.encode("utf-8"),
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    text = done.stdout.decode("utf-8")  # strict: invalid UTF-8 fails here
    assert not invisible(text.replace("\n", "")), [hex(ord(c)) for c in invisible(text)]
    return ET.fromstring(done.stdout)


def render_all(sources: dict[str, str]) -> dict[str, ET.Element]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(sources, pool.map(render, sources.values())))


def invisible(text: str) -> list[str]:
    """Characters that must never reach an SVG (checked independently of polc)."""
    return [c for c in text
            if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")
            or 0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE]


def spelled(text: str) -> str:
    """`text` with every invisible character written \\uXXXX (or \\UXXXXXXXX)."""
    return "".join((f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
                   if invisible(c) and c != "\n" else c for c in text)


def texts(svg: ET.Element) -> dict[str, list[str]]:
    """title of each graph, cluster, node and edge -> the lines of text it shows.

    Graphviz writes a run of spaces as space + no-break space; that is undone.  An
    element with a tooltip has its shapes and text inside <g><a xlink:title=…>."""
    out: dict[str, list[str]] = {}
    for g in svg.iter(f"{NS}g"):
        title = g.find(f"{NS}title")
        if title is None or title.text is None:
            continue
        lines = [(t.text or "").replace("\xa0", " ")
                 for t in g.findall(f"{NS}text") + g.findall(f"{NS}g/{NS}a/{NS}text")]
        out.setdefault(title.text, []).extend(lines)
    return out


# ---------------------------------------------------------------- the reproduction


def test_entities_and_bidi_in_labels_show_as_typed() -> None:
    path = REPRO / "dot_html_entities_bidi_invalid_svg.pol"
    compiled = pipeline.compile_source(path.read_text(encoding="utf-8"), "repro.pol",
                                     verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    docno = "&#x202E;evil&#x202C; &lt;b&gt; &#0; &#xD800; &#1114112; &bogus; &amp"
    svgs = render_all(compiled.diagrams)
    assert set(svgs) == {"document", "decision_d"}
    doc = texts(svgs["document"])
    assert doc["doc"] == [docno, ""] or doc["doc"] == [docno]
    assert doc["decisions"] == ["决策（1）", "d: &#x202E;txet desrever"]
    dec = texts(svgs["decision_d"])
    assert dec["d"][0] == f"{docno} · &#x202E;txet desrever（d）"
    assert dec["decision"] == ["&#x202E;txet desrever : 计数(人)", "推导"]


# ---------------------------------------------------------------- the corpus


@pytest.mark.parametrize("pol", POLICIES, ids=[p.stem for p in POLICIES])
def test_corpus_diagrams_are_well_formed_and_literal(pol: Path) -> None:
    compiled = pipeline.compile_file(pol)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    p = compiled.ir
    assert p is not None
    svgs = render_all(compiled.diagrams)
    assert texts(svgs["document"])["doc"][0] == p.docno
    for d in p.decisions:
        shown = texts(svgs[f"decision_{d.name}"])
        assert shown[d.name][0] == f"{p.docno} · {d.label}（{d.name}）"
        assert shown["decision"][0] == f"{d.label} : {d.type.show()}"
    titles = {b.name: b.label for b in p.bodies} | {r.name: r.title for r in p.roles}
    for f in p.flows:
        shown = texts(svgs[f"flow_{f.name}"])
        for actor in {n.actor for n in f.nodes if n.actor}:
            # the lane's title is a node beside its first node (edges cross cluster labels)
            assert shown[f"lane_{actor}"][0] == titles[actor]


# ---------------------------------------------------------------- hostile labels

# (as written inside a .pol "label", as a reader must see it)
ENTITIES = [(x, x) for x in ("&lt;b&gt;", "&#x202E;evil&#x202C;", "&#xD800;", "&#0;",
                             "&#1114112;", "&bogus;", "&amp", "&amp;amp;", "&#38;", "&#x26;",
                             "a & b", "&", "&&;", "<b>x</b>", "<>", "<")]
ENTITIES.append(("\\\\N\\\\G\\\\l", "\\N\\G\\l"))  # escString sequences, typed \\N
C0_C1 = [(c, f"\\u{ord(c):04x}") for c in "\x00\x01\x07\x08\x0e\x1b\x1f\x7f\x80\x84\x86\x9f"]
C0_C1.append(("\\t", "\\u0009"))
# bidi controls are refused in a label (lexical.BIDI_CONTROLS); the other format marks not
FORMAT = [(c, f"\\u{ord(c):04x}") for c in "\u200b\u200d\u2060\ufeff\u00ad\u0600\u180e"]
ODD = [(c, f"\\u{ord(c):04x}") for c in "\ufffe\uffff\ufdd0\ufdef"]
ODD += [(c, f"\\U{ord(c):08x}") for c in "\U0001fffe\U0010ffff\U000e0041\U000e007f"]
ODD += [("\U0001f600", "\U0001f600"), ("中\u3000文", "中\u3000文")]
# what the parser refuses in a label (a line break, the other line separators, the bidi
# controls) is tried on the diagram functions directly, below; as entities it is above
REFUSED = frozenset("\r") | lexical.LINE_SEPARATORS | lexical.BIDI_CONTROLS
GROUPS = {"entities": ENTITIES, "c0_c1": C0_C1, "format": FORMAT, "odd": ODD,
          **{f"nasty{i:02d}": [(w, spelled(t))] for i, (w, t) in enumerate(NASTY)}}


def hostile(t: str) -> str:
    """A policy with the label `t` in every place a diagram shows text."""
    return f'''文号 "{t}"
标题 "{t}"
机构 office "{t}" 推导 "r"
机构 unit "u" 推导 "r"
角色 boss "{t}" 推导 "{t}"
关系 boss 负责 office 推导 "r"
关系 unit 隶属 office 推导 "r"
工作组 team "{t}" 牵头 office 参与 unit 推导 "r"
枚举 Level "{t}" 推导 "{t}" {{ A "{t}" 推导 "{t}" B "b" 推导 "r" }}
枚举 Side "s" 推导 "r" {{ L "l" 推导 "r" R "r" 推导 "r" }}
输入 x "{t}" : 计数(人)
输入 s "s" : Side
决策 d "{t}" (x) : Level 推导 "{t}" 解读 "{t}" {{
  结果 取最严重 {{ A 若 x 3人以上 推导 "{t}" 否则 => B }}
}}
决策 grid "g" (s, x) : Level 推导 "r" {{
  结果 查表 (s, x) {{ L, 1 => A 推导 "r" L, 2 => B 推导 "r" R, 1 => B 推导 "r" 否则 => B 推导 "r" }}
}}
流程 f "{t}" 推导 "r" {{
  事件 start "{t}" 推导 "r"
  步骤 work "{t}" 由 office 收 《{t}》 出 《{t}》 推导 "r"
  判断 ok "{t}" 由 unit 推导 "r"
  结束 done "{t}" 推导 "r"
  转 start -> work
  转 work -> ok 时限 5日
  转 ok -> done 若 "{t}"
  转 ok -> work 若 "{t}" 循环
}}
阶梯 lad "{t}" 由 office 对 unit 推导 "r" {{
  "{t}" 推导 "r"
  "{t}" 推导 "r"
}}
'''


def flat(lines: list[str]) -> str:
    return "".join(lines)


@pytest.mark.parametrize("group", GROUPS)
def test_hostile_labels_render_as_typed(group: str) -> None:
    pairs = GROUPS[group]
    # brackets keep the ends of the text away from Graphviz's and wrap()'s trimming
    written = "[" + "|".join(w for w, _ in pairs) + "]"
    seen = "[" + "|".join(s for _, s in pairs) + "]"
    compiled = pipeline.compile_source(hostile(written), "t.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    sources = compiled.diagrams
    assert set(sources) == {"document", "decision_d", "decision_grid", "flow_f", "ladder_lad",
                            "org", "groups"}
    svgs = render_all(sources)
    shown = {name: texts(svg) for name, svg in svgs.items()}
    lines = seen.split("\n")
    one_line = seen.replace("\n", "")
    # exact where the label is drawn unwrapped
    assert shown["document"]["doc"][:len(lines)] == lines
    assert "\n".join(shown["decision_d"]["d"]) == f"{seen} · {seen}（d）"
    assert "\n".join(shown["decision_d"]["decision"]) == f"{seen} : Level\n推导"
    assert "\n".join(shown["flow_f"]["lane_office"]) == seen
    assert flat(shown["org"]["n_office"]) == one_line
    # the HTML-like grid cell: "A <label of A>"
    grid = next(v for k, v in shown["decision_grid"].items() if k.startswith("grid0"))
    assert f"A {one_line}" in flat(grid)
    # wrapped labels: every piece is there, in order
    flow = shown["flow_f"]
    assert flat(flow["n_start"]).count(one_line) == 1
    # 收 and 出 name documents as 《written》, with no escapes
    doc = spelled(written).replace("\n", "")
    assert flat(flow["n_work"]) == f"{one_line}收 《{doc}》出 《{doc}》〔推导〕"
    assert flat(flow["n_ok"]) == one_line
    assert flat(flow["n_done"]) == one_line
    assert flat(flow["n_ok->n_done"]) == one_line
    assert flat(flow["n_ok:e->n_work:e"]) == one_line + "循环"
    assert flat(shown["ladder_lad"]["rung_01"]).count(one_line) == 1
    assert flat(shown["groups"]["g_team"]).count(one_line) == 1
    for name, svg in shown.items():
        assert any(one_line in flat(v) for v in svg.values()), name


def test_every_kind_of_invisible_character_is_spelled() -> None:
    # what no .pol file can carry (lone surrogates) or what the parser refuses (line
    # separators, bidi controls) still cannot reach the SVG through the diagram functions
    odd = "".join(sorted(REFUSED)) + "\ud800\udbff\udfff\x00\ufffe\U000e0001"
    text = f"[{odd}|&lt;|\\N]"
    seen = "[" + "".join(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"
                         for c in odd) + "|&lt;|\\N]"
    g = new_graph("t", text)
    g.node("plain", label(text))
    g.node("html", f"<<TABLE><TR><TD>{html_text(text)}</TD></TR></TABLE>>", shape="plain")
    shown = texts(render(g.source))
    assert shown["t"] == [seen]
    assert shown["plain"] == [seen]
    assert shown["html"] == [seen]


# ---------------------------------------------------------------- fuzzing

# pieces of entities, escString sequences, HTML, controls and format marks (the bidi
# controls, refused in a .pol label, are in test_any_code_point_renders_as_spelled)
PIECES = ["&", "&amp;", "&lt;", "&gt;", "&#", "&#x", "x", "X", "2", "02E", "202E", "D800",
          "0", "1114112", ";", "#", "lt", "amp", "<", ">", "<b>", "</b>", "<<", ">>", "\\",
          "N", "G", "E", "T", "H", "L", "l", "n", '"', "'", " ", "  ", "中文", "\n", "\t",
          "{", "}", "|", "·", "\x00", "\x1b", "\x7f", "\x9f", "\u200b", "\ufeff", "\u00ad",
          "\ufffe", "\ufdd0", "\U000e0041", "\U0001f600", "\u3000", "》"]


def drawn(text: str) -> list[str]:
    """The lines Graphviz writes for a label: an empty line is space, not text."""
    return [line for line in text.split("\n") if line]


def pol_string(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\t", "\\t"))


@FUZZ
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_fuzzed_labels_render_as_typed(pieces: list[str]) -> None:
    text = "[" + "".join(pieces) + "]"
    src = (f'文号 "{pol_string(text)}"\n输入 x "x" : 计数(人)\n'
           f'决策 d "{pol_string(text)}" (x) : 计数(人) 推导 "r" {{ 结果 x }}\n')
    compiled = pipeline.compile_source(src, "t.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    shown = texts(render(compiled.diagrams["decision_d"]))
    seen = spelled(text)
    assert shown["d"] == drawn(f"{seen} · {seen}（d）")
    assert shown["decision"] == drawn(f"{seen} : 计数(人)\n推导")


@FUZZ
@given(st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
               max_size=20))
def test_any_code_point_renders_as_spelled(text: str) -> None:
    text = f"[{text}]"
    g = new_graph("t", text)
    g.node("plain", label(text))
    g.node("html", f"<<TABLE><TR><TD>{html_text(text)}</TD></TR></TABLE>>", shape="plain")
    shown = texts(render(g.source))
    seen = drawn(spelled(text).replace("\xa0", " "))
    assert shown["t"] == seen
    assert shown["plain"] == seen
    assert shown["html"] == seen
