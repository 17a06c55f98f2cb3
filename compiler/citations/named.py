"""Nothing invented: the names and periods of the organisation are checked against the quotes.

E413/E414 check that a rule's numbers and threshold words are in its quotes; this does the
same for what says *who* and *how long*: every body or role a relation, group, ladder or
flow step names, and every period a flow edge or a label states, must appear in a quote of
the construct that names it, so that no member, lead, actor or deadline is supplied by the
drafter rather than by the notice.

A body or role is named in a quote by its label or by one of its 别名; an alias must itself
occur in the notice (the text's own abbreviation, 简称, not one the drafter made up).  A
step without its own citation is judged by its flow's quotes and an edge by its source
node's, as the checker inherits them (compiler/semantics/organisation.py).

Diagnostics (each names the construct, the name or period, and the notice):

* E437 -- a 别名 that occurs nowhere in the notice.
* E438 -- a body or role whose own quotes name it by none of its names.
* E439 -- a relation whose quotes do not name its subject or its object.
* E440 -- a 工作组 whose quotes do not name one of its leads or participants.
* E441 -- a 阶梯 (or 措施) whose quotes do not name its actor or its target.
* E442 -- a flow step or choice whose quotes (its own, else its flow's) do not name its 由.
* E443 -- an edge's 时限 that neither the edge nor, when the edge has no citation of its
  own, its source node quotes.
* E444 -- a period written in a label (流程, 步骤, 措施, 工作组, 若 "…") that the quotes
  of the construct do not state.
* E447 -- a relation that reads the other way in its quote: the object before the verb and
  the subject only after it (「区审计局应当指导被审计单位」 as 被审计单位 指导 区审计局), so
  its arrow would point against the text.
* E445 -- a 阶梯 drawn as an escalation whose quote says its measures are taken 根据情况
  (a menu: write 视情).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from polc.compiler.diagnostics import Diagnostics, Span
from polc.compiler.syntax import ast as A

# verify imports this module: its needles are looked up when a check runs
from . import sources, structure, verify

__all__ = ["check"]

_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})

# A period as a label writes it: 7日, 15个工作日, 2小时, 三个月, 30分钟.  Pieces of a date
# (8月30日, 2022年8月) are not periods and are left out below.
_PERIOD_RE = re.compile(
    r"([0-9]+(?:\.[0-9]+)?|[一二两三四五六七八九十百]+)(个)?(小时|分钟|工作日|日|天|周|月|年)")
_CN = "零〇一二两三四五六七八九十百千万"


def _text(quotes: Iterable[str]) -> str:
    return sources.normalise("".join(quotes)).translate(_FULLWIDTH)


def _quotes(annot: A.Annot) -> list[str]:
    return [q for c in annot.cites for q in c.quotes]


class _Names:
    """Each declared body and role: its label and aliases, normalised."""

    def __init__(self, module: A.Module) -> None:
        self.written: dict[str, tuple[str, ...]] = {}
        self.names: dict[str, tuple[str, ...]] = {}
        for it in module.items:
            if isinstance(it, (A.BodyDecl, A.RoleDecl)):
                written = (it.label, *it.aliases) if isinstance(it, A.BodyDecl) \
                    else (it.label,)
                self.written[it.name] = written
                # a role's label of several words (「施泉 区住房和城乡建设局局长」: a person and
                # the post a list gives) is named by any of them, as the text names the person
                words = [w for n in written if isinstance(it, A.RoleDecl)
                         and len(n.split()) > 1 for w in n.split()]
                forms = [*written, *words]
                self.names[it.name] = tuple(dict.fromkeys(f for f in map(_one, forms) if f))

    def named(self, name: str, text: str) -> bool:
        # an undeclared name is E115's to report, not a citation fault
        forms = self.names.get(name)
        return forms is None or any(f in text for f in forms)

    def shown(self, name: str) -> str:
        return "」或「".join(self.written.get(name) or (name,))


def _one(name: str) -> str:
    return _text([name])


def check(module: A.Module, notice: sources.Notice, diags: Diagnostics) -> None:
    """Report every name and period of ``module``'s organisation its quotes do not hold."""
    names = _Names(module)
    doc = notice.docno
    whole = _text([notice.text])

    def missing(code: str, what: str, name: str, span: Span, annot: A.Annot) -> None:
        diags.error(code, f"{what} {name}（「{names.shown(name)}」）：它的引文没有写出这个名称"
                    f"（{doc}）", span,
                    hint="quote the sentence that names it, or declare the name the notice "
                         "uses as 别名 of the body; a name the text does not give is not "
                         "encoded", related=[(c.span, "the citation") for c in annot.cites[:1]])

    for it in module.items:
        if isinstance(it, A.BodyDecl):
            for alias in it.aliases:
                if _text([alias]) and _text([alias]) not in whole:
                    diags.error("E437", f"机构 {it.name} 的别名「{alias}」在 {doc} 中没有出现",
                                it.span, hint="an alias is the notice's own way of naming the "
                                              "body (a 简称 it uses); write it as the text does")
        if isinstance(it, (A.BodyDecl, A.RoleDecl)) and it.annot.cites \
                and not names.named(it.name, _text(_quotes(it.annot))):
            word = "机构" if isinstance(it, A.BodyDecl) else "角色"
            missing("E438", f"{word}", it.name, it.span, it.annot)
        elif isinstance(it, A.Relation) and it.annot.cites:
            text = _text(_quotes(it.annot))
            for end, part in ((it.subject, " 的主体"), (it.object, " 的对象")):
                if not names.named(end, text):
                    missing("E439", f"关系 {it.subject} {it.verb} {it.object}{part}", end,
                            it.span, it.annot)
            _direction(diags, it, names, doc)
        elif isinstance(it, A.GroupDecl) and it.annot.cites:
            text = _text(_quotes(it.annot))
            for member in dict.fromkeys(it.leads + it.participants):
                if not names.named(member, text):
                    role = "牵头单位" if member in it.leads else "参与单位"
                    missing("E440", f"工作组 {it.name} 的{role}", member, it.span, it.annot)
            _periods(diags, f"工作组 {it.name}", [it.label], text, it.span, doc)
        elif isinstance(it, A.Ladder) and it.annot.cites:
            text = _text(_quotes(it.annot))
            for end, part in ((it.actor, "实施者（由）"), (it.target, "对象（对）")):
                if not names.named(end, text):
                    missing("E441", f"阶梯 {it.name} 的{part}", end, it.span, it.annot)
            _periods(diags, f"阶梯 {it.name}", [it.label], text, it.span, doc)
            _ladder_kind(diags, it, text, doc)
            for rung in it.rungs:
                own = _judged(rung.annot, text)
                if own is None:
                    continue
                _periods(diags, f"阶梯 {it.name} 的措施「{rung.label}」", [rung.label], own,
                         rung.span, doc)
        elif isinstance(it, A.Flow):
            _flow(it, names, diags, doc, missing)


_Missing = Callable[[str, str, str, Span, A.Annot], None]


def _judged(annot: A.Annot, inherited: str | None) -> str | None:
    """The quotes a construct is judged by: its own, else (with none of its own and no
    推导, whose reason stands in for a quote) the ones it inherits; None: not checked."""
    if annot.cites:
        return _text(_quotes(annot))
    return None if annot.derived else inherited


def _flow(flow: A.Flow, names: _Names, diags: Diagnostics, doc: str, missing: _Missing) -> None:
    ftext = _text(_quotes(flow.annot)) if flow.annot.cites else None
    if ftext is not None:
        _periods(diags, f"流程 {flow.name}", [flow.label], ftext, flow.span, doc)
    node_text: dict[str, str | None] = {}
    for n in flow.nodes:
        text = _judged(n.annot, ftext)
        node_text.setdefault(n.name, text)
        if text is None:
            continue
        if n.actor is not None and not names.named(n.actor, text):
            missing("E442", f"流程 {flow.name} 的节点 {n.name} 的承办方（由）", n.actor, n.span,
                    n.annot if n.annot.cites else flow.annot)
        _periods(diags, f"流程 {flow.name} 的节点 {n.name}", [n.label], text, n.span, doc)
    for e in flow.edges:
        text = _judged(e.annot, node_text.get(e.src, ftext))
        if text is None:
            continue
        # with quotes of its own, E413 checks the edge's time limit like any number
        if e.deadline is not None and not e.annot.cites and not _mentions(text, e.deadline):
            written = e.deadline.number + (e.deadline.unit or "")
            diags.error("E443", f"流程 {flow.name} 的转 {e.src} -> {e.dst} 写了时限 {written}，"
                        f"但这条边没有自己的引文，源节点 {e.src} 的引文也没有写 {written}"
                        f"（{doc}）", e.deadline.span,
                        hint="cite the sentence that sets this time limit on the edge itself; "
                             "a time limit the text does not give is not encoded")
        if e.when is not None:
            _periods(diags, f"流程 {flow.name} 的转 {e.src} -> {e.dst}", [e.when], text, e.span,
                     doc)


def _direction(diags: Diagnostics, it: A.Relation, names: _Names, doc: str) -> None:
    # A sentence whose object comes before the verb and whose subject comes only after it
    # says the relation the other way round (「区审计局应当指导被审计单位」 is not
    # 被审计单位 指导 区审计局); 由/对 constructions put the subject before the verb too.
    for quote in _quotes(it.annot):
        text = _text([quote])
        verb = text.find(_text([it.verb]))
        if verb < 0:
            continue
        subj = _positions(names, it.subject, text)
        obj = _positions(names, it.object, text)
        if subj and obj and min(obj) < verb and min(subj) > verb:
            diags.error("E447", f"关系 {it.subject} {it.verb} {it.object} 与引文方向相反：引文中"
                        f"「{names.shown(it.object)}」在「{it.verb}」之前，「{names.shown(it.subject)}」"
                        f"在其后（{doc}）", it.span,
                        hint=f"the quote reads {it.object} {it.verb} {it.subject}: swap the subject "
                             "and the object, so the arrow points as the text does")
            return


def _positions(names: _Names, name: str, text: str) -> list[int]:
    forms = names.names.get(name, ())
    return [m.start() for f in forms for m in re.finditer(re.escape(f), text)]


# how a notice says its measures are a menu, to be chosen as the case requires
_MENU_WORDS = ("根据情况", "视情", "根据具体情况", "视具体情况")


def _ladder_kind(diags: Diagnostics, it: A.Ladder, text: str, doc: str) -> None:
    said = next((w for w in _MENU_WORDS if w in text), None)
    if said is not None and not it.menu:
        diags.error("E445", f"阶梯 {it.name} 的引文说措施「{said}」采取（{doc}）：这是视情选用的"
                    "措施，不是逐级升级", it.span,
                    hint=f'write 阶梯 {it.name} "…" 视情 由 … 对 …: the measures are then drawn '
                         "and exported as a menu, in no order")


def _mentions(text: str, q: A.Quantity) -> bool:
    # the needles of verify (15工作日 as 15个工作日 or 十五个工作日, 7日 as 七天 or 1周)
    for needle in verify.quantity_needles(q):
        num, unit = needle[:-1], needle[-1]
        if re.search(r"(?<![0-9.])" + re.escape(num) + "个?" + re.escape(unit), text) \
                if num[:1].isdigit() else \
                re.search(r"(?<![" + _CN + "])" + re.escape(num) + "个?" + re.escape(unit), text):
            return True
    return False


def _periods(diags: Diagnostics, what: str, labels: list[str], text: str, span: Span,
             doc: str) -> None:
    for label in labels:
        norm = _text([label])
        for m in _PERIOD_RE.finditer(norm):
            before = norm[m.start() - 1:m.start()]
            after = norm[m.end():m.end() + 1]
            unit = m.group(3)
            if before in ("上", "下", "本", "每", "当", "次"):
                continue  # 下一周, 本月: a point in time, not a period
            if before in ("月", "年") or (unit in ("年", "月") and after and
                                         (after.isdigit() or after in _CN)):
                continue  # a piece of a date: 8月30日, 2022年8月
            if unit == "周" and after and after in "一二三四五六日天":
                continue  # 周四 is a weekday, not a period
            if unit == "月" and m.group(2) is None and after in ("底", "末", "初", "中", "上",
                                                              "下"):
                continue  # 12月中旬, 8月底: a month of the year
            if m.group(0) in text or _mentions(text, _as_quantity(m, span)):
                continue
            diags.error("E444", f"{what} 的名称写了期间「{m.group(0)}」，但它的引文里没有"
                        f"（{doc}）", span,
                        hint="a period in a label is read as the notice's; quote the sentence "
                             "that states it, or leave it out of the label")


def _as_quantity(m: re.Match[str], span: Span) -> A.Quantity:
    number = m.group(1)
    if not number[0].isdigit():
        number = str(structure.cn_numeral(number))
    unit = {"天": "日", "周": "日"}.get(m.group(3), m.group(3))
    if m.group(3) == "周" and number.isdigit():
        number = str(int(number) * 7)
    return A.Quantity(number, unit, span)
