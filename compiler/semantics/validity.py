"""When a policy is in force: the validity lines of its header, checked, as `ir.Validity`.

    施行日期 2022-10-01 引 六 「本通知从2022年10月1日起施行。」
    有效期至 2024-12-31 引 …         the last day in force, included
    暂行 3年 引 附件五7 「…暂行3年…」  in force for N years from 施行日期
    替代 "文号" 自 2023-10-01 引 …   (or 废止) another notice ends the day before
    系列 "public_rental_housing"      the versions of one subject (docs/versions.md)

A period of N years from 施行日期 ends on the day before the same date N years later: 自
2022年1月1日起 暂行3年 is in force up to 2024-12-31 (民法典 第二百零一条: a period that
starts 自…起 counts its first day; 第二百零二条: it ends on the corresponding day).

Diagnostics: E424 a validity line without 引 (or 推导); E800 a value that is not what the
line takes (a date, N年, a 文号); E801 a contradictory period (ends before it starts, two
ends that disagree, 暂行 without 施行日期, supersession of its own 文号 or of one 文号 twice);
E802 a 系列 name that is not an identifier; E803 a 示例修订 without its reason.
"""

from __future__ import annotations

import datetime as dt
import re

from polc.compiler import ir
from polc.compiler import vocabulary as V
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.syntax import ast as A
from polc.runtime import PolcError, dates

from .sites import site

__all__ = ["VALIDITY_KEYS", "validity"]

H = V.Header
# the lines that state a period: each cites the sentence that states it
VALIDITY_KEYS = frozenset({H.END.value, H.PROVISIONAL.value, H.REPLACES.value,
                           H.REPEALS.value})
# (成文日期 and 施行日期 that are not dates are E105, declarations.py)
_KINDS = {H.END.value: "date",
          H.PROVISIONAL.value: "quantity", H.REPLACES.value: "string",
          H.REPEALS.value: "string", H.SERIES.value: "string",
          H.ILLUSTRATIVE.value: "string"}
_WHAT = {"date": "日期（如 2024-12-31）", "quantity": "年数（如 3年）",
         "string": '"文字"'}
_YEARS = re.compile(r"([1-9][0-9]{0,2})年")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def validity(module: A.Module, diags: Diagnostics) -> ir.Validity:
    heads = [it for it in module.items if isinstance(it, A.Header)]
    start = end = None
    start_site = end_site = None
    provisional: A.Header | None = None
    until: A.Header | None = None
    series = ""
    illustrative = False
    supersedes: list[ir.Supersession] = []
    docno = next((h.value for h in heads if h.key == H.DOCNO.value), "")
    for h in heads:
        want = _KINDS.get(h.key)
        if want is not None and h.kind != want:
            diags.error("E800", f"{h.key} 后应是{_WHAT[want]}，而不是 {h.value}", h.span,
                        hint=_hint(h.key))
            continue
        if h.since is not None and h.key not in (H.REPLACES.value, H.REPEALS.value):
            diags.error("E800", f"只有 替代/废止 可写“自 日期”，{h.key} 不可", h.span,
                        hint="替代 \"文号\" 自 2023-10-01")
            continue
        if h.key in VALIDITY_KEYS and h.annot.empty:
            diags.error("E424", f"{h.key} 须引用规定它的条款：引 CLAUSE 「原文」", h.span,
                        hint="a period is a rule like any other: quote the sentence that "
                             "states it (or 推导 \"why\")")
        if h.key == H.EFFECTIVE.value:
            start, start_site = _date(h.value), site(h.annot, h.span)
        elif h.key == H.END.value:
            until = h
            end = _date(h.value)
            if end is None:
                diags.error("E800", f"有效期至 不是有效日期: {h.value}", h.span)
            end_site = site(h.annot, h.span)
        elif h.key == H.PROVISIONAL.value:
            provisional = h
        elif h.key in (H.REPLACES.value, H.REPEALS.value):
            since = None if h.since is None else _date(h.since)
            if h.since is not None and since is None:
                diags.error("E800", f"{h.key} 的“自”后不是有效日期: {h.since}", h.span)
                continue
            if h.value == docno:
                diags.error("E801", f"{h.key} 的是本文件自己的文号 {docno}", h.span)
                continue
            if any(s.docno == h.value for s in supersedes):
                diags.error("E801", f"文号 {h.value} 已被替代或废止过一次", h.span)
                continue
            supersedes.append(ir.Supersession(h.key, h.value, since,
                                              site(h.annot, h.span)))
        elif h.key == H.SERIES.value:
            if not _NAME.fullmatch(h.value):
                diags.error("E802", f"系列名 {h.value!r} 不是标识符（[A-Za-z_][A-Za-z0-9_]*）",
                            h.span, hint="the series names the generated module "
                                         "series_<name>.py, so it is ASCII")
            else:
                series = h.value
        elif h.key == H.ILLUSTRATIVE.value:
            if not h.value.strip():
                diags.error("E803", "示例修订 须写明：它不是真实通知，为何而写", h.span,
                            hint='示例修订 "本文件不是真实通知：演示下一年度提高收入线的修订"')
            illustrative = True
    if provisional is not None:
        m = _YEARS.fullmatch(provisional.value)
        if m is None:
            diags.error("E800", f"暂行 后应是整年数（如 3年），而不是 {provisional.value}",
                        provisional.span, hint=_hint(H.PROVISIONAL.value))
        elif start is None:
            diags.error("E801", "暂行 N年 从 施行日期 起算，但文件没有有效的 施行日期",
                        provisional.span, hint="add 施行日期 DATE, cited to its sentence")
        else:
            years_end = _years_end(start, int(m.group(1)))
            if years_end is None:
                diags.error("E800", f"暂行 {provisional.value} 超出 9999-12-31",
                            provisional.span)
            elif end is not None and end != years_end:
                assert until is not None
                diags.error("E801", f"有效期至 {end} 与 暂行 {provisional.value}（至 "
                            f"{years_end}）矛盾", until.span,
                            related=[(provisional.span, "暂行 here")])
            else:
                end, end_site = years_end, site(provisional.annot, provisional.span)
    if start is not None and end is not None and end < start:
        where = until.span if until is not None else (provisional or heads[0]).span
        diags.error("E801", f"有效期的终止日 {end} 早于 施行日期 {start}", where)
    for s in supersedes:
        if s.since is not None and end is not None and s.since > end + dt.timedelta(days=1):
            diags.error("E801", f"{s.kind} {s.docno} 自 {s.since} 起，但本文件 {end} 后已失效",
                        s.site.span)
    return ir.Validity(start, end, start_site, end_site, tuple(supersedes), series,
                       illustrative)


def _years_end(start: dt.date, n: int) -> dt.date | None:
    """The last day of N years counted from `start`, `start` included."""
    try:
        return dates.add_years(start - dt.timedelta(days=1), n)
    except (OverflowError, ValueError, PolcError):  # past 9999-12-31
        return None


def _hint(key: str) -> str:
    return {H.END.value: "有效期至 2024-12-31 引 CLAUSE 「…」",
            H.PROVISIONAL.value: "暂行 3年 引 CLAUSE 「…暂行3年…」",
            H.REPLACES.value: '替代 "海政办发〔2021〕60号" 自 2022-10-01 引 CLAUSE 「…」',
            H.REPEALS.value: '废止 "海政办发〔2021〕60号" 自 2022-10-01 引 CLAUSE 「…」',
            H.SERIES.value: '系列 "public_rental_housing"',
            H.ILLUSTRATIVE.value: '示例修订 "本文件不是真实通知：…"'}.get(
                key, "see docs/language.md, Header")
