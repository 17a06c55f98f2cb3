"""The sentences of a notice, and which of them bear a rule (docs/coverage.md).

Every line of a notice is split after 。；！？ (and ASCII ;!?), and every list item starts a
sentence of its own (an item is a line: a heading label such as ``（一）`` or ``1.`` begins
it).  Attachments are split like the notice proper.

A sentence is *rule-bearing* when it carries at least one signal of a rule (:data:`SIGNALS`):
a responsibility verb, a modal word, a date or deadline, an amount, a target or threshold,
a penalty, or the make-up of a body (成立, 设在, 兼任, a member line 「主  任：…」).  Whether it holds a digit does not matter: ``2022`` in a title is no rule, and
「由区政府负责审定」 is one.  Some sentences that carry a signal are *excluded*, each with
its reason, which the coverage report lists so that a reviewer can disagree:

* 标题 -- a heading (a label and a title without sentence punctuation), the document title;
* 文号 / 落款 -- the 文号 line, the signature and its date;
* 指导思想 -- a sentence of a section headed 指导思想;
* 印发语 -- the covering sentence of a notice (「现将……印发给你们，请认真贯彻执行」) that names
  no approver (经……同意 / 批准 keeps it rule-bearing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from polc.compiler import vocabulary as V

from . import sources
from .structure import DATE_LINE_RE

__all__ = ["EXCLUSIONS", "SIGNALS", "Sentence", "split", "strong_signals"]

_CN_NUM = "零〇一二两三四五六七八九十百千万"
_NUM = r"(?:[0-9０-９]+(?:[.．][0-9]+)?|[" + _CN_NUM + r"]+)"

# signal -> the pattern that finds it; the keys are the names the report uses
SIGNALS: dict[str, re.Pattern[str]] = {
    # 参与 after 企业 is firms taking part (「企业参与高新技术企业认定」), not a duty assigned
    "责任": re.compile("负责|牵头|(?<!企业)参与|配合|审定|审核|审批|批准|同意|签发|报告|报送|上报"
                     "|督促|责任单位"),
    "情态": re.compile("应当|须|不得|可以|严禁|禁止|不予"),
    "日期": re.compile(
        r"[0-9]{4}年|[0-9０-９一二三四五六七八九十]{1,3}月(?:[0-9０-９一二三四五六七八九十]{1,3}日)?"
        r"(?:前|底|起|止|至)|" + _NUM + r"个?(?:工作日|日|天|小时|周|个月|年)(?:内|以内|前|之内)"
        r"|期限|时限|届满|每(?:年|季|季度|月|周)|年底|年末|季末|月底"),
    "金额": re.compile(_NUM + r"\s*(?:万|亿)?元|" + _NUM + r"\s*[%％]|百分之"),
    "目标": re.compile("|".join(sorted({*V.THRESHOLD, "达到", "不少于", "力争", "目标", "奖励",
                                        "补助", "补贴", "给予", "资助"}, key=len, reverse=True))),
    "处罚": re.compile("罚款|处罚|追究|问责|扣分|扣减|一票否决|取消|责令|通报批评|约谈|处分"),
    # who sits where: a body set up, housed or staffed, a member and the post named
    "组成": re.compile(r"成立|设在|下设|兼任|担任|递补|组成"
                     r"|(?:主\s*任|副主任|委\s*员|组\s*长|副组长|成\s*员)\s*[：:]"
                     r"|(?:副?局长|副?主任|副?区长|副?书记|总工程师|副?部长|副?镇长|秘书长)\s*$"),
}
# signals that a goal or a description (宣示, 事实) cannot carry: their sentence prescribes
STRONG = ("责任", "日期", "金额")

EXCLUSIONS = ("标题", "文号", "落款", "指导思想", "印发语")

_LABEL_RE = re.compile(
    r"^\s*(?:第[" + _CN_NUM + r"0-9]+[条章节]|[" + _CN_NUM + r"]+、"
    r"|[（(][" + _CN_NUM + r"0-9]+[）)]|[0-9]+(?:[.．](?![0-9])|、)"
    r"|附件\s*[0-9０-９一二三四五六七八九十]*\s*[：:]?)\s*")
_END_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]*")
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?，,：:]")
_DOCNO_LINE_RE = re.compile(r"\s*(?:中华人民共和国)?\S*(?:〔\d{4}〕\d+号|令第\S+号)\s*")
_ISSUING_RE = re.compile(r"印发给你们|现予印发|现予公布|请认真贯彻|请结合实际|认真组织实施")
_APPROVER_RE = re.compile(r"经.{1,20}(?:同意|批准)")


@dataclass
class Sentence:
    start: int
    end: int
    line: int
    clause: str
    text: str
    # rule signals found: name -> the words that showed it
    signals: dict[str, list[str]] = field(default_factory=dict)
    excluded: str | None = None
    encoded_by: list[str] = field(default_factory=list)
    # cited only by what does not encode it (an example, an input declaration)
    cited_by: list[str] = field(default_factory=list)
    mark: Any = None  # coverage.Mark

    @property
    def rule_bearing(self) -> bool:
        return bool(self.signals) and self.excluded is None

    @property
    def status(self) -> str:
        if self.encoded_by:
            return "encoded"
        return "marked" if self.mark is not None else "not covered"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"clause": self.clause, "line": self.line, "text": self.text,
                               "signals": self.signals, "status": self.status,
                               "encoded_by": self.encoded_by, "cited_by": self.cited_by}
        if self.mark is not None:
            out["mark"] = self.mark.to_json()
        return out


def strong_signals(s: Sentence) -> list[str]:
    """What makes ``s`` prescribe: an amount, a threshold word, a deadline, a
    responsibility verb -- each as ``kind「word」``."""
    found = [f"{k}「{w}」" for k in STRONG for w in s.signals.get(k, ())]
    found += [f"门槛词「{w}」" for w in s.signals.get("目标", ()) if w in V.THRESHOLD]
    return found


def _deepest_clause(notice: sources.Notice, offset: int) -> str:
    best = sources.PREAMBLE_PATH
    depth = -1
    for sec in notice.sections.values():
        if sec.depth > depth and sec.start <= offset < sec.end:
            best, depth = sec.path, sec.depth
    return best


# 以下/以上 as "the following"/"the above" (分为以下四类, 以下简称, 以上各项), and a
# threshold word's character inside another word (安居超市, 圆满完成, 下达): no threshold
_NOT_THRESHOLD_RE = re.compile(
    r"以[下上](?=[简统]称|[一二两三四五六七八九十几各]+[类级项种个条点方部]|[：:]|内容|情形|条件"
    r"|措施|事项|所述|规定|要求|工作|类型)"
    r"|超市|圆满|满意|充满|美满|传达|表达|发达|到达|抵达|转达|下达|通达")


def _signals(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, pat in SIGNALS.items():
        seen = _NOT_THRESHOLD_RE.sub("  ", text) if name == "目标" else text
        words = list(dict.fromkeys(m.group() for m in pat.finditer(seen)))
        if words:
            out[name] = words
    return out


def _guiding_sections(notice: sources.Notice) -> list[sources.Section]:
    return [s for s in notice.sections.values()
            if s.depth and "指导思想" in s.heading[:16]]


def split(notice: sources.Notice) -> list[Sentence]:
    """Every sentence of the notice with its signals, rule-bearing or not."""
    text = notice.text
    guiding = _guiding_sections(notice)
    notice_end = notice.sections[sources.NOTICE_PATH].end
    out: list[Sentence] = []
    pos = 0
    lines = text.split("\n")
    # the title stands before the 文号 line
    docno_line = next((i for i, ln in enumerate(lines[:12], 1)
                       if sources.normalise(ln) == sources.normalise(notice.docno)), 0)
    for lineno, line in enumerate(lines, 1):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        label = _LABEL_RE.match(line)
        body_from = label.end() if label else 0
        whole = None
        if DATE_LINE_RE.fullmatch(line):
            whole = "落款"
        elif _DOCNO_LINE_RE.fullmatch(line):
            whole = "文号"
        elif lineno < docno_line or (label and len(line[body_from:].strip()) < 8
                                     and not _SENTENCE_PUNCT.search(line[body_from:].strip()[:-1])):
            whole = "标题"  # the title, or a short labelled heading (2.审核。)
        elif not _SENTENCE_PUNCT.search(line[body_from:]) and "组成" not in _signals(line):
            # a heading or a title: no sentence punctuation after its label
            nxt = next((ln for ln in lines[lineno:] if ln.strip()), "")
            whole = "落款" if DATE_LINE_RE.fullmatch(nxt) else "标题"
        for m in _END_RE.finditer(line, body_from):
            piece = m.group()
            if not piece.strip():
                continue
            # a run-in heading: the short first piece of a labelled line （二）奖励通报。对…,
            # or of any line, when more follows it (审定。评审结果报区政府审定。)
            more = bool(line[m.end():].strip())
            run_in = m.start() == body_from and len(piece.strip()) <= (12 if label else 8) \
                and not _SENTENCE_PUNCT.search(piece.strip()[:-1]) and (bool(label) or more)
            start = line_start + m.start() + (len(piece) - len(piece.lstrip()))
            s = Sentence(start, line_start + m.end(), lineno, _deepest_clause(notice, start),
                         piece.strip(), _signals(piece))
            s.excluded = whole or ("标题" if run_in else None)
            if s.excluded is None and any(g.start <= start < g.end for g in guiding):
                s.excluded = "指导思想"
            if (s.excluded is None and start < notice_end and _ISSUING_RE.search(piece)
                    and not _APPROVER_RE.search(piece)):
                s.excluded = "印发语"
            out.append(s)
    return out
