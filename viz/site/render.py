"""Rendering a `Site` into static files: HTML pages, their CSS and JS, a search index.

    index.html               every notice: 文号, title, dates, coverage, readings, examples
    <slug>.html              one notice: its full text by sentence, rules, decisions, diagrams
    static/site.css          screen and print styles (system CJK fonts, nothing fetched)
    static/site.js           selection, panel, keyboard, search, try-it forms
    static/search-index.js   the search index as a script (fetch() of a local file fails
                             under file://, a <script src> does not)

Text reaches a page only through Jinja's autoescaping and `shown` (control and bidi
characters written as \\uXXXX, as in the diagrams), so nothing a notice or a policy says
can become markup or reorder what the reader sees.  The one markup taken from outside is
Graphviz's SVG, which `inline_svg` checks element by element before it is inlined.
Output depends only on the `Site`: no clock, no paths of this machine, sorted JSON.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from polc.viz.common import shown

from . import model

HERE = Path(__file__).parent
STATIC = ("site.css", "site.js")

# what an inlined diagram may contain: Graphviz's vocabulary, nothing that runs or loads
_SVG_ELEMENTS = frozenset({"svg", "g", "title", "desc", "path", "polygon", "polyline",
                           "ellipse", "circle", "rect", "line", "text", "a", "defs",
                           "linearGradient", "radialGradient", "stop", "tspan"})
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_NS = "{http://www.w3.org/1999/xlink}"
_LINK_RE = re.compile(r"(?:[A-Za-z0-9_.-]+\.html)?#[A-Za-z0-9_-]+")


class UnsafeSvg(ValueError):
    """An SVG holding something that could run, load or navigate away."""


def inline_svg(svg: str, prefix: str) -> Markup:
    """Graphviz's SVG, ready to inline in an HTML page: parsed, checked to hold only
    drawing elements, no event or style attributes and links only to anchors of the site,
    and written anew from the parsed tree, so what is inlined is exactly what was checked.
    Element ids get `prefix` (several diagrams share a page, and Graphviz numbers each
    from node1); the XML prolog, comments and namespace declarations (URLs HTML does not
    need: its parser puts <svg> in the SVG namespace itself) are dropped."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise UnsafeSvg(f"not well-formed SVG: {exc}") from None
    out: list[str] = []
    _write_svg(root, prefix, out)
    return Markup("".join(out))


def _write_svg(el: ET.Element, prefix: str, out: list[str]) -> None:
    tag = el.tag.removeprefix(_SVG_NS)
    if tag not in _SVG_ELEMENTS:
        raise UnsafeSvg(f"SVG element <{tag}> is not allowed")
    out.append("<" + tag)
    for name, value in el.attrib.items():
        local = name.removeprefix(_XLINK_NS)
        if local != name:
            name = "xlink:" + local
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9:-]*", name) or local.lower().startswith("on") \
                or local == "style":
            raise UnsafeSvg(f"SVG attribute {name} is not allowed")
        if local == "href" and not _LINK_RE.fullmatch(value):
            raise UnsafeSvg(f"SVG link {value!r} leaves the site")
        if name == "id":
            value = f"{prefix}-{value}"
        out.append(f' {name}="{html.escape(value, quote=True)}"')
    out.append(">")
    out.append(html.escape(el.text or "", quote=False))
    for child in el:
        _write_svg(child, prefix, out)
        out.append(html.escape(child.tail or "", quote=False))
    out.append(f"</{tag}>")


def _finalize(value: Any) -> Any:
    # every {{ }} of text passes here: markup (the checked SVG) is the only exception
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value)
    return value


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        STATUSES=model.STATUSES, STATUS_LABELS=model.STATUS_LABELS,
        STATUS_ICONS=model.STATUS_ICONS, MARK_REASONS=model.MARK_REASONS,
        RULE_KINDS=model.RULE_KINDS, inline_svg=inline_svg,
    )
    env.filters["labels_json"] = _labels_json
    return env


def _labels_json(members: tuple[model.Member, ...]) -> str:
    """An enum's labels by member, as JSON for a data- attribute (autoescaping makes it
    safe there; the script reads it with JSON.parse and shows it as text)."""
    return json.dumps({m.name: shown(m.label) for m in members}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))


def search_index(site: model.Site) -> str:
    """The search index as a script: `window.POLC_SEARCH = [[kind, text, url, context]…]`,
    a JSON literal (data, never code) with `<`, U+2028 and U+2029 written as \\uXXXX so
    that it stays one literal wherever it is pasted."""
    rows = [[e.kind, shown(e.text), e.url, shown(e.context)]
            for e in model.search_entries(site)]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    data = (data.replace("<", "\\u003c").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029"))
    return "window.POLC_SEARCH = " + data + ";\n"


def render_site(site: model.Site, out: Path) -> list[Path]:
    """Write the site into `out` (created if missing); returns the files written, sorted.
    Never replaces a file: one already at a target path raises FileExistsError, so a
    caller renders into a new folder and moves the result into place."""
    env = environment()
    files: dict[str, str] = {
        "index.html": env.get_template("index.html").render(site=site),
        "static/search-index.js": search_index(site),
    }
    notice_page = env.get_template("notice.html")
    for notice in site.notices:
        files[notice.page] = notice_page.render(site=site, notice=notice)
    for name in STATIC:
        files[f"static/{name}"] = (HERE / "static" / name).read_text(encoding="utf-8")
    written = []
    for rel in sorted(files):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(files[rel])
        written.append(path)
    return written

