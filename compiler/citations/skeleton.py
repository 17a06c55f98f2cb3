"""`polc new NOTICE.txt -o POLICY.pol`: the skeleton of a policy, from the notice it encodes.

The skeleton is a valid, empty policy: the header filled from the text (文号, 标题, and
发文机关, 成文日期, 施行日期 where the text states them plainly), then every rule-bearing
sentence (sentences.py) as a comment with its clause and the thresholds, amounts, dates and
responsibility verbs found in it, ready to be encoded or marked.  Nothing is guessed: a
header the text does not state plainly is left as a comment saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import sentences, sources
from .structure import DATE_LINE_RE

__all__ = ["Header", "findings", "header_of", "render"]

_NUM = r"[0-9０-９]+(?:[.．][0-9]+)?|[零〇一二两三四五六七八九十百千万]+"
_THRESHOLD_RE = re.compile(
    r"(?:" + _NUM + r")\s*(?:个)?[\u4e00-\u9fff%％]{0,4}?(?:（含）|（不含）)?"
    r"(?:及以上|及以下|以上|以下|以内|之内)"
    r"|(?:不超过|超过|不低于|低于|高于|不少于|少于|不足|达到|满|达)\s*(?:" + _NUM + r")"
    r"\s*[\u4e00-\u9fff%％]{0,3}")
_ISSUER_RE = re.compile(r".{2,30}(?:政府|办公室|委员会|局|厅|部|院|委|办)")
_EFFECTIVE_RE = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起(?:施行|执行|实施)")
_PROMULGATED_RE = re.compile(r"《([^》]{2,60})》[^。]{0,60}现予(?:公布|发布|印发)")
_ISO_RE = re.compile(r"\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*")
# characters polc refuses outside a quote (E010, E011): never copied into a comment
_UNSAFE = re.compile("[\u2028\u2029\u0085\u000b\u000c\u001c-\u001e\u202a-\u202e"
                     "\u2066-\u2069\u200e\u200f\u061c]")


@dataclass(frozen=True)
class Header:
    docno: str
    title: str | None
    issuer: str | None
    written: str | None
    effective: str | None


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def header_of(notice: sources.Notice) -> Header:
    """What the header can say from the text itself."""
    lines = [ln.strip() for ln in notice.text.split("\n")]
    docno_at = next((i for i, ln in enumerate(lines)
                     if sources.normalise(ln) == sources.normalise(notice.docno)), None)
    content = [ln for ln in lines[:docno_at] if ln] if docno_at is not None else []
    promulgated = _PROMULGATED_RE.search(sources.normalise(notice.text))
    if 0 < len(content) <= 4:
        title: str | None = "".join(content)
    elif promulgated is not None:  # 《…条例》已经…通过，现予公布
        title = promulgated.group(1)
    else:
        title = next((ln for ln in lines if ln), None)
    date_at = next((i for i, ln in enumerate(lines) if DATE_LINE_RE.fullmatch(ln)), None)
    written = issuer = None
    if date_at is not None:
        m = _ISO_RE.fullmatch(lines[date_at])
        if m:
            written = _iso(*m.groups())
        before = next((ln for ln in reversed(lines[:date_at]) if ln), "")
        if _ISSUER_RE.fullmatch(before):
            issuer = before
    m = _EFFECTIVE_RE.search(sources.normalise(notice.text))
    effective = _iso(*m.groups()) if m else None
    return Header(notice.docno, title, issuer, written, effective)


def findings(s: sentences.Sentence) -> list[tuple[str, list[str]]]:
    """What a drafter encodes a sentence from: thresholds, amounts, dates, responsibility
    verbs, modal words and penalties, each kind with the words found."""
    thresholds = list(dict.fromkeys(m.group().strip() for m in _THRESHOLD_RE.finditer(s.text)))
    out = [("门槛", thresholds)] if thresholds else []
    for kind, label in (("金额", "金额"), ("日期", "日期"), ("责任", "责任"),
                        ("情态", "情态"), ("处罚", "处罚")):
        if s.signals.get(kind):
            out.append((label, s.signals[kind]))
    return out


def _string(text: str) -> str:
    return '"' + _UNSAFE.sub(" ", text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _comment(text: str) -> str:
    return _UNSAFE.sub(" ", text)


def render(notice: sources.Notice) -> tuple[str, int]:
    """The skeleton's text, and how many rule-bearing sentences it lists."""
    h = header_of(notice)
    out = [f"文号 {_string(h.docno)}"]
    out.append(f"标题 {_string(h.title)}" if h.title else "# 标题: not found in the text")
    split = sentences.split(notice)
    for key, value in (("发文机关", h.issuer), ("成文日期", h.written), ("施行日期", h.effective)):
        if value is None:
            out.append(f"# {key}: not stated plainly in the text; add it if it is")
        else:
            out.append(f"{key} {_string(value) if key == '发文机关' else value}")
    # the 施行日期 cites the sentence that states it, as a validity line (docs/versions.md)
    stating = next((x for x in split if h.effective and x.clause
                    and _EFFECTIVE_RE.search(sources.normalise(x.text))
                    and "「" not in x.text and "」" not in x.text), None)
    if stating is not None:
        out.append(f"  引 {stating.clause} 「{_comment(stating.text.strip())}」")
    sents = [s for s in split if s.rule_bearing]
    out += ["", (f"# The rule-bearing sentences of {notice.docno} ({len(sents)}), each to be "
                 "encoded (a rule citing it with 引) or marked in the .uncovered file beside "
                 "this policy (docs/coverage.md).  polc coverage lists those left.")]
    for s in sents:
        out += ["", f"# {s.clause} (line {s.line}) 「{_comment(s.text)}」"]
        for kind, words in findings(s):
            out.append(f"#   {kind}: " + "、".join(_comment(w) for w in words))
    return "\n".join(out) + "\n", len(sents)
