"""Policies over time: the versions of a series, the period each is in force, and what
between them is covered twice or not at all (docs/versions.md).

A series is every policy of one folder whose header says `系列 "name"`.  Each version is in
force from its 施行日期 to its end (有效期至 or 暂行 N年), or until a later version of the
series that 替代/废止 its 文号 takes over: `替代 "文号" 自 D` ends it on the day before D,
and without 自, on the day before the later version's 施行日期.  The versions' periods
are then days on one line, compared exactly (whole days, ends included):

* E804 -- a version of a series without a 施行日期: it cannot be placed in time;
* E805 -- two versions in force on the same day (the message names the first such day and
  both versions): the later one should 替代 the earlier, or the earlier end (有效期至);
* W419 -- days between two versions that no version covers (a date there is refused);
* W420 -- a decision some versions have and others do not: on a day a version without it
  is in force, the dispatcher refuses that decision.

`Series.version_on(day)` is the one choice of the version in force: `polc eval --as-of`,
the JSON API and the generated dispatcher (`series_<name>.py`) all use its answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence

import attrs

from polc.compiler import ir
from polc.compiler.diagnostics import Diagnostics, Span

__all__ = ["Member", "Series", "Version", "member", "series_of"]

_DAY = dt.timedelta(days=1)


@attrs.frozen
class Member:
    """What the series needs of a policy: its file, 文号, period and decisions' names (from
    the IR, or from the header and decision names of a file only parsed)."""

    file: str
    docno: str
    validity: ir.Validity
    decisions: tuple[str, ...]


def member(p: ir.Policy) -> Member:
    return Member(p.file, p.docno, p.validity, tuple(d.name for d in p.decisions))


@attrs.frozen
class Version:
    policy: Member
    start: dt.date
    # the last day in force, after any later version's 替代/废止; None: still in force
    end: dt.date | None
    # the 文号 of the version that ends this one, if one does
    ended_by: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def period(self) -> str:
        return f"{self.start} 至 {self.end or '今'}"


@attrs.frozen
class Series:
    name: str
    versions: tuple[Version, ...]  # by start
    # no E804/E805: every version placed, none overlapping (a dispatcher can be built)
    ok: bool = True

    def version_on(self, day: dt.date) -> Version | None:
        """The version in force on `day`; None when none is (a gap, or outside them all).
        Overlapping versions are an error (E805) before anything dispatches; were they
        built anyway, the later version wins."""
        found = [v for v in self.versions if v.covers(day)]
        return found[-1] if found else None

    def covered(self) -> str:
        """The periods the versions cover, for a message refusing a date."""
        return "；".join(f"{v.policy.docno} {v.period}" for v in self.versions)

    def decisions(self) -> list[str]:
        """Every decision some version has, in the order the versions first declare them."""
        return list(dict.fromkeys(d for v in self.versions for d in v.policy.decisions))


def _where(p: Member) -> Span:
    v = p.validity
    if v.start_site is not None:
        return v.start_site.span
    return Span(p.file, 1, 1, 1, 2)


def series_of(policies: Iterable[Member], diags: Diagnostics) -> list[Series]:
    """The series among `policies` (each named by its 系列), checked; by name."""
    groups: dict[str, list[Member]] = {}
    for p in policies:
        if p.validity.series:
            groups.setdefault(p.validity.series, []).append(p)
    return [_series(name, groups[name], diags) for name in sorted(groups)]


def _series(name: str, members: Sequence[Member], diags: Diagnostics) -> Series:
    errors = sum(d.severity == "error" for d in diags)
    placed: list[Member] = []
    for p in members:
        if p.validity.start is None:
            diags.error("E804", f"系列 {name} 的版本 {p.docno} 没有 施行日期：无法确定它何时施行",
                        Span(p.file, 1, 1, 1, 2),
                        hint="add 施行日期 DATE 引 CLAUSE 「…」 to its header")
        else:
            placed.append(p)
    placed.sort(key=lambda p: (p.validity.start or dt.date.min, p.file))
    versions: list[Version] = []
    for i, p in enumerate(placed):
        start = p.validity.start
        assert start is not None
        end, ended_by = p.validity.end, ""
        for later in placed[i + 1:]:
            for s in later.validity.supersedes:
                if s.docno != p.docno:
                    continue
                since = s.since or later.validity.start
                assert since is not None
                if end is None or since - _DAY < end:
                    end, ended_by = since - _DAY, later.docno
        versions.append(Version(p, start, end, ended_by))
    for a, b in itertools.pairwise(versions):
        if a.end is None or a.end >= b.start:
            diags.error("E805", f"系列 {name} 的 {a.policy.docno}（{a.period}）与 "
                        f"{b.policy.docno}（{b.period}）在 {b.start} 同时有效",
                        _where(b.policy), related=[(_where(a.policy), "the earlier version")],
                        hint=f'say in the later version 替代 "{a.policy.docno}" (cited), or '
                             "end the earlier one with 有效期至 / 暂行")
        elif a.end + _DAY < b.start:
            diags.warning("W419", f"系列 {name} 在 {a.end + _DAY} 至 {b.start - _DAY} 没有有效的"
                          f"版本（{a.policy.docno} 之后、{b.policy.docno} 之前）：这些日期的计算将被"
                          "拒绝", _where(b.policy),
                          hint="if the notice says the earlier version stays in force, "
                               "its end is wrong; otherwise nothing is in force then")
    for d in dict.fromkeys(d for v in versions for d in v.policy.decisions):
        lacking = [v for v in versions if d not in v.policy.decisions]
        if lacking and len(lacking) < len(versions):
            diags.warning("W420", f"系列 {name} 的决策 {d} 在 "
                          + "、".join(f"{v.policy.docno}（{v.period}）" for v in lacking)
                          + f" 中没有：这些日期的 {d} 将被拒绝",
                          _where(lacking[0].policy))
    return Series(name, tuple(versions), sum(d.severity == "error" for d in diags) == errors)
