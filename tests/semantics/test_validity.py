"""Validity in the header (semantics/validity.py, citations E425): the period each policy is
in force, read from the lines the notice states, and refused when the text does not say it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from polc.compiler import pipeline
from polc.compiler.diagnostics import Diagnostic

from ..paths import ROOT
from .stage import HEAD, checked, codes

POLICIES = ROOT / "policies"


def test_a_provisional_period_ends_the_day_before_the_same_date_n_years_on() -> None:
    policy, diags = checked(HEAD + '施行日期 2022-01-01\n暂行 3年 推导 "测试"\n')
    assert policy is not None and [d.code for d in diags] == []
    v = policy.validity
    assert (v.start, v.end) == (dt.date(2022, 1, 1), dt.date(2024, 12, 31))
    assert v.covers(dt.date(2024, 12, 31)) and not v.covers(dt.date(2025, 1, 1))
    assert not v.covers(dt.date(2021, 12, 31))


def test_a_provisional_period_from_29_february_ends_on_28_february() -> None:
    # counted from 28 February (the day before), one year ends on 28 February 2025
    policy, _ = checked(HEAD + '施行日期 2024-02-29\n暂行 1年 推导 "测试"\n')
    assert policy is not None and policy.validity.end == dt.date(2025, 2, 28)


def test_an_explicit_end_that_agrees_with_the_years_is_accepted() -> None:
    assert codes(HEAD + '施行日期 2022-01-01\n暂行 3年 推导 "测试"\n'
                 '有效期至 2024-12-31 推导 "测试"\n') == []


def test_supersessions_are_kept_with_their_dates() -> None:
    policy, _ = checked(HEAD + '施行日期 2024-01-01\n替代 "测试〔2023〕1号" 推导 "测试"\n'
                        '废止 "测试〔2022〕9号" 自 2024-03-01 推导 "测试"\n系列 "s"\n')
    assert policy is not None
    got = [(s.kind, s.docno, s.since) for s in policy.validity.supersedes]
    assert got == [("替代", "测试〔2023〕1号", None),
                   ("废止", "测试〔2022〕9号", dt.date(2024, 3, 1))]
    assert policy.validity.series == "s"


def test_an_open_policy_covers_every_day_after_its_start() -> None:
    policy, _ = checked(HEAD + "施行日期 2022-10-01\n")
    assert policy is not None and policy.validity.end is None
    assert policy.validity.covers(dt.date(9999, 12, 31))


def test_years_past_the_last_date_are_a_located_error() -> None:
    assert codes(HEAD + '施行日期 9999-01-01\n暂行 5年 推导 "测试"\n') == ["E800"]


def _variant(tmp_path: Path, name: str, old: str, new: str) -> list[Diagnostic]:
    text = (POLICIES / name).read_text(encoding="utf-8")
    assert old in text, old
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(POLICIES / "sources", tmp_path / "sources")
    pol = tmp_path / name
    pol.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [d for d in pipeline.compile_file(pol).diagnostics if d.severity == "error"]


def test_the_real_periods_are_verified_as_they_stand(tmp_path: Path) -> None:
    assert _variant(tmp_path, "63_headquarters_economy.pol", "文号", "文号") == []


def test_a_date_the_quote_does_not_state_is_E425(tmp_path: Path) -> None:
    errors = _variant(tmp_path, "60_public_rental_housing.pol", "施行日期 2022-10-01",
                      "施行日期 2022-10-02")
    assert [d.code for d in errors] == ["E425"]
    assert "2022-10-02" in errors[0].message and "60号" in errors[0].message


def test_years_the_quote_does_not_state_are_E425(tmp_path: Path) -> None:
    errors = _variant(tmp_path, "63_headquarters_economy.pol", "暂行 3年", "暂行 5年")
    assert [d.code for d in errors] == ["E425"]


def test_on_issue_states_only_the_written_date(tmp_path: Path) -> None:
    # 「自印发之日起施行」 states the 成文日期 and no other day
    errors = _variant(tmp_path, "55_overseas_labor_emergency.pol", "施行日期 2022-09-14",
                      "施行日期 2022-09-15")
    assert [d.code for d in errors] == ["E425"]


def test_a_quote_outside_its_clause_is_still_E412(tmp_path: Path) -> None:
    errors = _variant(tmp_path, "60_public_rental_housing.pol", "引 六 「本通知从",
                      "引 五 「本通知从")
    assert "E412" in [d.code for d in errors]


def test_a_repeal_date_the_quote_does_not_state_is_E425(tmp_path: Path) -> None:
    line = '系列 "public_rental_housing"\n'
    stated = line + '废止 "海政办发〔2021〕1号" 自 2022-10-01\n  引 六 「本通知从2022年10月1日起施行。」\n'
    assert _variant(tmp_path / "a", "60_public_rental_housing.pol", line, stated) == []
    wrong = stated.replace("自 2022-10-01", "自 2022-11-01")
    errors = _variant(tmp_path / "b", "60_public_rental_housing.pol", line, wrong)
    assert [d.code for d in errors] == ["E425"] and "自 2022-11-01" in errors[0].message


def test_an_uncited_end_is_E424_even_where_the_text_is_at_hand(tmp_path: Path) -> None:
    errors = _variant(tmp_path, "63_headquarters_economy.pol", "暂行 3年\n  引 附件五7 「暂行3年」\n",
                      "暂行 3年\n")
    assert [d.code for d in errors] == ["E424"]


def test_a_skeleton_cites_the_sentence_stating_its_start(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from polc.compiler.tools.cli import cli
    pol = tmp_path / "p58.pol"
    r = CliRunner().invoke(cli, ["new", str(POLICIES / "sources" / "58.txt"), "-o", str(pol)])
    assert r.exit_code == 0, r.output
    lines = pol.read_text(encoding="utf-8").splitlines()
    at = lines.index("施行日期 2022-01-01")
    assert lines[at + 1].startswith("  引 六") and "本办法自2022年1月1日起施行" in lines[at + 1]
    errors = [d for d in pipeline.compile_file(pol).diagnostics if d.severity == "error"]
    assert errors == []
