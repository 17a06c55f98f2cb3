"""Citation verification: every quote is checked against the notice text it claims to quote.

Run by :class:`polc.compiler.pipeline.Compilation` (unless ``verify_sources`` is off) on the
AST, so the drafter's own words are checked, not the checker's reading of them.  It is never
silently off: when the text cannot be found or trusted, an error says which, unless the
policy opts out, visibly, with the header line ``引文未核对 "why"`` (then W418 says so on every
check, and the build's report shows "quotes not verified").

Diagnostics (each names the rule, the quote and the notice):

* E410 -- the manifest has no entry for the 文号 of the header.
* E411 -- a quote occurs nowhere in the notice (the hint shows the closest text).
* E412 -- a quote occurs in the notice, but not inside the cited clause.
* E413 -- a number the rule uses (with or without a unit, as digits or in Chinese numerals)
  does not appear in the rule's quotes.
* E416 -- the cited notice's file was edited after its hash was recorded.
* E417 -- another file of the sources fails the manifest: the set of texts is not the
  recorded one, so no citation against it can be trusted.
* E418 -- the ``sources/`` folder has no ``MANIFEST.json``.
* E419 -- no ``sources/`` folder was found.
* E420 -- ``引文未核对`` without a reason.
* E421 -- the manifest cannot be read (not JSON, not the documented format).
* E422 -- the notice's file is listed but missing, unreadable or not UTF-8.
* E423 -- the notice's file does not contain its 文号 and the manifest does not declare it.
* E425 -- a validity line's date or 暂行 years (施行日期, 有效期至, 暂行 N年, 替代/废止 … 自
  DATE) is not stated by its quotes (「自印发之日起施行」 states the 成文日期).
* W418 -- quotes not verified: the policy opts out with ``引文未核对``.

The names and periods of the organisation (E437–E444) are checked by :mod:`.named`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.syntax import ast as A

from . import named, sources, structure

__all__ = ["find_sources_dir", "nearest_sources_dir", "opted_out", "quantity_needles", "rules",
           "verify"]

_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"


@dataclass
class Rule:
    """An annotated AST node and the numbers its citation has to cover."""

    label: str
    annot: A.Annot
    span: Span
    example: bool = False
    # the AST node the citation belongs to (coverage tells what encodes from what does not)
    node: object = None
    # each with whether it bounds an input's domain (取值)
    quantities: list[tuple[A.Quantity, bool]] = field(default_factory=list)
    # threshold words (以上, 低于, …) with where they stand
    words: list[tuple[str, Span]] = field(default_factory=list)


# --------------------------------------------------------------------------- locating sources


def find_sources_dir(pol_path: str) -> Path | None:
    """``sources/`` next to the policy, else the nearest ``sources/`` or ``policies/sources/``
    of an ancestor folder, with or without its manifest (a folder without one is an error
    that says so, never a reason to look further or to skip verification).  A path that is
    not a file on disk (text compiled from memory) only looks next to itself, so a snippet
    never silently picks up an unrelated project's notices."""
    p = Path(pol_path)
    if not p.is_file():
        cand = p.parent / "sources"
        return cand if cand.is_dir() else None
    return nearest_sources_dir(p.resolve().parent)


def nearest_sources_dir(folder: Path) -> Path | None:
    """The ``sources/`` or ``policies/sources/`` of ``folder`` or of its nearest ancestor."""
    for d in [folder, *folder.parents]:
        for cand in (d / "sources", d / "policies" / "sources"):
            if cand.is_dir():
                return cand
    return None


_VERIFY_CACHE: dict[tuple[object, ...], list[sources.SourceError]] = {}


def _verify_cached(sources_dir: Path) -> list[sources.SourceError]:
    # Checking a folder hashes every file; key on the files' stat so that one `polc check`
    # over many policies hashes once, while an edit is still seen at once.
    try:
        stats = tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size)
                             for e in os.scandir(sources_dir) if e.is_file()))
    except OSError:
        stats = ()
    key = (str(sources_dir.resolve()), stats)
    if key not in _VERIFY_CACHE:
        if len(_VERIFY_CACHE) > 64:
            _VERIFY_CACHE.clear()
        _VERIFY_CACHE[key] = sources.verify(sources_dir)
    return _VERIFY_CACHE[key]


# --------------------------------------------------------------------------- rules


def _describe(node: object, context: str) -> str:
    prefix = f"{context} 的" if context else ""
    if isinstance(node, A.Header):
        return f"文件头 {node.key}"
    if isinstance(node, A.Decision):
        return f"决策 {node.name}"
    if isinstance(node, A.LevelRow):
        return f"{prefix}级别 {node.member}"
    if isinstance(node, A.TableRow):
        return f"{prefix}查表行（第 {node.span.line} 行）"
    if isinstance(node, A.RuleRow):
        return f"{prefix}依次规则（第 {node.span.line} 行）"
    if isinstance(node, A.Otherwise):
        return f"{prefix}否则分支"
    if isinstance(node, A.NamedCond):
        return f"{prefix}条件 {node.name}"
    if isinstance(node, A.Let):
        return f"{prefix}令 {node.name}"
    if isinstance(node, A.Require):
        return f"{prefix}要求（第 {node.span.line} 行）"
    if isinstance(node, A.Member):
        return f"{prefix}成员 {node.name}"
    if isinstance(node, A.FlowNode):
        return f"{prefix}节点 {node.name}"
    if isinstance(node, A.FlowEdge):
        return f"{prefix}转 {node.src} -> {node.dst}"
    if isinstance(node, A.Rung):
        return f"{prefix}措施「{node.label}」"
    if isinstance(node, A.Example):
        return f"例 {node.decision}（第 {node.span.line} 行）"
    if isinstance(node, A.Relation):
        return f"关系 {node.subject} {node.verb} {node.object}"
    if isinstance(node, A.Convention):
        return f"约定 {node.word}"
    kinds = {A.EnumDecl: "枚举", A.RoleDecl: "角色", A.BodyDecl: "机构", A.GroupDecl: "工作组",
             A.InputDecl: "输入", A.ConstDecl: "常量", A.Flow: "流程", A.Ladder: "阶梯",
             A.UnitDecl: "单位"}
    for cls, word in kinds.items():
        if isinstance(node, cls):
            return f"{word} {getattr(node, 'name', '')}"
    return f"{prefix}{type(node).__name__}"


def rules(module: A.Module) -> list[Rule]:
    """Every node carrying 引 or 推导, with the quantity literals that belong to it: those
    in its subtree outside any descendant that carries its own citation."""
    out: list[Rule] = []
    # a 分级负责 row naming several grades is one table row a grade, sharing the written
    # row's citation and value: one rule, checked once
    seen: set[tuple[Span, int]] = set()

    def visit(node: object, owner: Rule | None, context: str, domain: bool = False) -> None:
        if isinstance(node, tuple):
            for child in node:
                visit(child, owner, context, domain)
            return
        if isinstance(node, A.Quantity):
            if owner is not None:
                owner.quantities.append((node, domain))
            return
        if not hasattr(node, "__attrs_attrs__"):
            return
        if owner is not None and isinstance(node, (A.PostBound, A.PreCompare, A.BoundPat)):
            owner.words.append((node.word, node.span))
            if isinstance(node, A.PreCompare) and node.word_after is not None:
                owner.words.append((node.word_after, node.span))
        if isinstance(node, A.BinOp) and node.op in "+-" and _whole_one(node.left) \
                and _has_ratio(node.right):
            # 1 − 20% × n: the 1 is the whole (100%) the ratio is taken from, no stated number
            visit(node.right, owner, context, domain)
            return
        annot = getattr(node, "annot", None)
        label = _describe(node, context)
        span = getattr(node, "span", None)
        if isinstance(annot, A.Annot) and not annot.empty and isinstance(span, Span):
            if (span, id(annot)) in seen:
                return
            seen.add((span, id(annot)))
            owner = Rule(label, annot, span, isinstance(node, A.Example), node)
            out.append(owner)
        inner = label if isinstance(node, (A.Decision, A.EnumDecl, A.Flow, A.Ladder)) \
            else context
        for name, value in A.children(node):  # spans and annotations left out
            if isinstance(node, A.Decision) and name == "result" \
                    and not node.result_annot.empty:
                res = Rule(f"{label} 的结果", node.result_annot, node.span, node=node)
                out.append(res)
                visit(value, res, inner)
                continue
            visit(value, owner, inner, domain or isinstance(node, A.InputDecl)
                  and name == "domain")

    visit(module.items, None, "")
    return out


def _whole_one(node: object) -> bool:
    return isinstance(node, A.Quantity) and node.unit is None and node.number == "1"


def _has_ratio(node: object) -> bool:
    return any(isinstance(n, A.Quantity) and n.unit in ("%", "％") for n in A.walk(node))


# --------------------------------------------------------------------------- numbers


# Units a notice may write differently from the rule: 10日 as 10天, 3人 as 3名.
_SAME_UNIT = {"日": "天", "天": "日", "人": "名", "名": "人", "㎡": "平", "平": "㎡"}
# Unitless factors a notice writes as words: 0.5 as 减半 or 一半.
_FACTOR_WORDS = {Decimal("0.5"): ("半",)}
_TOP_N_RE = re.compile(r"前([0-9]+|[一二两三四五六七八九十百]+)(?:名|位)")


def _whole(q: A.Quantity) -> int | None:
    try:
        value = Decimal(q.number)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


def quantity_needles(q: A.Quantity) -> list[str]:
    """The ways a quote may write ``q``: the number as written, followed by the unit's first
    character (``1.5万元`` -> ``1.5万``); whole numbers below 10,000 also in Chinese numerals
    (``3年`` -> ``三年``, ``15工作日`` -> ``十五工``), whole weeks of days as weeks (``7日`` ->
    ``1周``).  A unitless number is the number alone (``3`` -> ``3``, ``三``)."""
    unit = (q.unit or "").translate(_FULLWIDTH)
    heads = [unit[:1]] + ([_SAME_UNIT[unit[:1]]] if unit[:1] in _SAME_UNIT else [])
    whole = _whole(q)
    pairs = [(q.number, h) for h in heads]
    if whole is not None and unit and heads[0] in "日天":
        weeks, rest = divmod(whole, 7)
        if weeks and not rest:
            pairs.append((str(weeks), "周"))
    out: list[str] = []
    for num, head in pairs:
        out.append(num + head)
        if num.isdigit() and 0 < int(num) < 10000:
            out.append(structure.to_cn(int(num)) + head)
            if int(num) == 2:
                out.append("两" + head)
    return out


def _checked(q: A.Quantity, in_domain: bool) -> bool:
    """Whether a quote has to state ``q``: every number, with or without a unit, except 0 (a
    neutral value: 否则 => 0元) and 0 and 1 bounding an input's domain."""
    try:
        value = Decimal(q.number)
    except InvalidOperation:
        return True
    return not (value == 0 or (in_domain and value == 1))


def _mentions(text: str, q: A.Quantity) -> bool:
    for needle in quantity_needles(q):
        num, unit = (needle[:-1], needle[-1]) if q.unit else (needle, "")
        if num[0].isdigit():
            pat = r"(?<![0-9.])" + re.escape(num) + r"(?![0-9.][0-9])"
            if not unit:
                pat += r"(?![0-9])"
        else:
            pat = r"(?<![" + _CN_DIGITS + r"])" + re.escape(num)
            if not unit:
                pat += r"(?![" + _CN_DIGITS + r"])"
        # 个 may sit between a number and its unit: 15个工作日, 3个月.
        if re.search(pat + "个?" + re.escape(unit), text):
            return True
    if q.unit is not None:
        return False
    whole = _whole(q)
    if whole is not None and whole > 0:
        # 前三名 states the ranks 1 to 3, and 4 as where the complement begins
        for m in _TOP_N_RE.finditer(text):
            if whole <= structure.cn_numeral(m.group(1)) + 1:
                return True
    return any(w in text for w in _FACTOR_WORDS.get(Decimal(q.number), ()))


# --------------------------------------------------------------------------- quotes


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；;！？])", text) if s]


def closest_text(notice: sources.Notice, clause: str, quote: str) -> str | None:
    """The passage of the clause (the whole notice if the clause does not exist) most like
    ``quote``; ``None`` when nothing is reasonably close."""
    nq = sources.normalise(quote)
    if not nq:
        return None
    section = notice.sections.get(sources.canonical_clause(clause)) \
        or notice.sections[sources.NOTICE_PATH]
    body = sources.normalise(notice.text[section.start:section.end])
    best, best_ratio = None, 0.6
    width = len(nq)
    for sent in _sentences(body):
        step = max(1, width // 4)
        starts = range(0, max(1, len(sent) - width + 1), step) if len(sent) > width else [0]
        for i in starts:
            window = sent[i:i + width] if len(sent) > width else sent
            m = difflib.SequenceMatcher(None, nq, window, autojunk=False)
            if m.real_quick_ratio() <= best_ratio or m.quick_ratio() <= best_ratio:
                continue
            r = m.ratio()
            if r > best_ratio:
                best, best_ratio = window, r
    return best


# --------------------------------------------------------------------------- verify


def _header(module: A.Module, key: V.Header) -> A.Header | None:
    return next((it for it in module.items if isinstance(it, A.Header) and it.key == key.value),
                None)


def opted_out(module: A.Module) -> str | None:
    """The reason a policy gives, with ``引文未核对 "…"``, for not verifying its quotes."""
    header = _header(module, V.Header.UNVERIFIED)
    return header.value.strip() if header is not None else None


_ADD_HINT = "record the notice with `polc source add NOTICE.txt` (docs/sources.md)"
_OPT_OUT_HINT = ('or, to check without the text, say so in the header: '
                 '引文未核对 "why the text is not at hand"')


def verify(module: A.Module, sources_dir: Path | None, diags: Diagnostics) -> None:
    """Check every citation of ``module`` against the notice its 文号 names."""
    header = _header(module, V.Header.DOCNO)
    where = header.span if header is not None else Span(module.file, 1, 1, 1, 2)
    opt_out = _header(module, V.Header.UNVERIFIED)
    if opt_out is not None:
        if not opt_out.value.strip():
            diags.error("E420", "引文未核对 须写明理由：为什么没有通知原文可供核对", opt_out.span,
                        hint='e.g. 引文未核对 "原文尚未公开，引文按纸质文件录入"')
        diags.warning("W418", f"引文未核对（quotes not verified）：{opt_out.value.strip()}",
                      opt_out.span, hint="every quote of this file is unchecked until the "
                                         "header line is removed and the notice recorded")
        return
    if sources_dir is None:
        diags.error("E419", f"没有找到 sources/ 目录（在 {module.file} 旁或其上级目录中）："
                    "引文无法与通知原文核对", where, hint=f"{_ADD_HINT}; {_OPT_OUT_HINT}")
        return
    if header is None:
        return  # E402 already says the 文号 is missing
    if not (sources_dir / sources.MANIFEST_NAME).is_file():
        diags.error("E418", f"目录 {sources_dir} 中没有清单 {sources.MANIFEST_NAME}：其中的通知原文"
                    "无从核对", where, hint=f"{_ADD_HINT} (it writes the manifest); "
                                           f"{_OPT_OUT_HINT}")
        return
    try:
        notice = sources.load_notice(sources_dir, header.value)
    except sources.SourceError as exc:
        code = {sources.NO_ENTRY: "E410", sources.MISSING_FILE: "E422",
                sources.UNREADABLE: "E422"}.get(exc.kind, "E421")
        what = {"E410": f"清单 {sources.MANIFEST_NAME} 中没有文号 {header.value} 的条目",
                "E422": f"文号 {header.value} 的通知原文无法读取",
                "E421": f"清单 {sources.MANIFEST_NAME} 无法读取"}[code]
        diags.error(code, f"{what}: {exc.message}", where,
                    hint=(f"check the 文号, or {_ADD_HINT}" if code == "E410" else
                          f"the notices are in {sources_dir}; see docs/sources.md"))
        return
    own = notice.path.resolve()
    for err in _verify_cached(sources_dir):
        if Path(err.path).resolve() != own:
            diags.error("E417", f"通知原文集合未通过清单核对: {err.message}", where,
                        hint=f"every file under {sources_dir} must match "
                             f"{sources.MANIFEST_NAME}")
        elif err.kind == sources.NO_DOCNO:
            diags.error("E423", f"通知原文 {err.path} 中没有文号 {notice.docno}: {err.message}",
                        where, hint="the text must be the notice as published; if it does not "
                                    "print its 文号, declare it in the manifest")
        else:
            diags.error("E416", f"通知原文 {err.path} 与清单记录的哈希不符: {err.message}", where,
                        hint="a source text changed; restore it, or re-record it with "
                             "`polc source add` after review")
    for rule in rules(module):
        _check_rule(rule, notice, diags)
    _check_validity(module, diags, notice.docno)
    named.check(module, notice, diags)


def _check_rule(rule: Rule, notice: sources.Notice, diags: Diagnostics) -> None:
    doc = notice.docno
    for cite in rule.annot.cites:
        for quote in cite.quotes:
            if sources.find_quote(notice, cite.clause, quote) is not None:
                continue
            found = sources.locate_quote(notice, quote)
            exists = sources.clause_exists(notice, cite.clause)
            missing = "" if exists else f"（{doc} 没有条款 {cite.clause}）"
            if found:
                diags.error("E412", f"{rule.label} 的引文「{quote}」不在 {doc} 的 "
                            f"{cite.clause}{missing}，而在 {found[0]}", cite.span,
                            hint=f"the quote is at {found[0]}, not {cite.clause}")
                continue
            near = closest_text(notice, cite.clause, quote)
            diags.error("E411", f"{rule.label} 的引文「{quote}」在 {doc} 中找不到{missing}",
                        cite.span,
                        hint=(f"closest text in {cite.clause if exists else doc}: 「{near}」"
                              if near else "quotes must be verbatim; only whitespace may "
                                           "differ"))
    if rule.example or rule.annot.derived or not rule.annot.cites:
        # examples quote the rule they exercise, not their own inputs; a derived rule's
        # numbers come from its stated reasoning
        return
    text = sources.normalise("".join(q for c in rule.annot.cites for q in c.quotes))
    text = text.translate(_FULLWIDTH)
    for q, in_domain in _unique(rule.quantities):
        if not _checked(q, in_domain) or _mentions(text, q):
            continue
        written = q.number + (q.unit or "")
        diags.error("E413", f"{rule.label} 用了 {written}，但它的引文里没有 "
                    f"“{written}”（{doc}）", q.span,
                    hint="quote the sentence that states this number, or mark the rule "
                         '推导 "reason"',
                    related=[(c.span, "the citation") for c in rule.annot.cites[:1]])
    for word in dict.fromkeys(w for w, _ in rule.words):
        if _word_quoted(word, text):
            continue
        span = next(sp for w, sp in rule.words if w == word)
        diags.error("E414", f"{rule.label} 用了门槛词“{word}”，但它的引文里没有（{doc}）：是否"
                    "包含本数取决于原文的用词", span,
                    hint="quote the sentence with this word, or use the word the notice uses",
                    related=[(c.span, "the citation") for c in rule.annot.cites[:1]])


# a policy in force from the day it is issued: 印发 and 公布 are read as its 成文日期
_ON_ISSUE = re.compile(r"自(印发|公布|发布|下发)之日起")


def _date_needles(day: str) -> list[str]:
    y, m, d = day.split("-")
    return sorted({f"{y}年{mm}月{dd}日" for mm in (m, m.lstrip("0"))
                   for dd in (d, d.lstrip("0"))})


def _check_validity(module: A.Module, diags: Diagnostics, doc: str) -> None:
    """E425: each cited validity line's date or years is what its quotes state."""
    heads = [it for it in module.items if isinstance(it, A.Header)]
    written = next((h.value for h in heads if h.key == V.Header.WRITTEN.value), None)
    effective = next((h.value for h in heads if h.key == V.Header.EFFECTIVE.value), None)
    for h in heads:
        if not h.annot.cites or h.annot.derived:
            continue
        text = sources.normalise("".join(q for c in h.annot.cites for q in c.quotes))
        text = text.translate(_FULLWIDTH)
        if h.key in (V.Header.EFFECTIVE.value, V.Header.END.value) and h.kind == "date":
            stated = any(n in text for n in _date_needles(h.value)) or (
                h.key == V.Header.EFFECTIVE.value and h.value == written
                and _ON_ISSUE.search(text) is not None)
            what = h.value
        elif h.key == V.Header.PROVISIONAL.value and h.kind == "quantity":
            number = h.value.removesuffix("年")
            stated = _mentions(text, A.Quantity(number, "年", h.span))
            what = h.value
        elif h.key in (V.Header.REPLACES.value, V.Header.REPEALS.value) and h.since:
            stated = any(n in text for n in _date_needles(h.since)) or (
                h.since == effective and "同时" in text)
            what = f"自 {h.since}"
        else:
            continue
        if not stated:
            diags.error("E425", f"{_describe(h, '')} 写的是 {what}，但它的引文里没有（{doc}）",
                        h.span, hint="quote the sentence that states the date (自印发之日起 "
                                     "states the 成文日期) or the years",
                        related=[(c.span, "the citation") for c in h.annot.cites[:1]])


def _word_quoted(word: str, text: str) -> bool:
    # 及以上/及以下 say the same as 以上/以下, which is how notices usually write them
    return word in text or (word.startswith("及") and word[1:] in text)


def _unique(qs: list[tuple[A.Quantity, bool]]) -> Iterator[tuple[A.Quantity, bool]]:
    seen: set[tuple[str, str | None, bool]] = set()
    for q, in_domain in qs:
        key = (q.number, q.unit, in_domain)
        if key not in seen:
            seen.add(key)
            yield q, in_domain
