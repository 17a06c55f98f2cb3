"""Policies over time (docs/versions.md): series, their overlaps and gaps, `polc eval
--as-of`, the generated dispatcher and the JSON API's as_of."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from polc.compiler.analysis import versions
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.tools import cli

from ..paths import POLICIES

P60 = POLICIES / "60_public_rental_housing.pol"
P60_2023 = POLICIES / "60_public_rental_housing_2023.pol"
CASE = json.dumps({"receives_subsistence_allowance": False, "per_capita_monthly_income": "4000"})


def polc(*args: str | Path) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli.cli, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.stderr
    return r.exit_code, r.stdout, r.stderr


# ---------------------------------------------------------------- the series, checked


def policy(name: str, head: str, decisions: str = "d") -> str:
    out = f'文号 "测试〔2024〕{name}号"\n引文未核对 "测试"\n系列 "s"\n{head}\n'
    out += '输入 n "n" : 计数(人) 推导 "t"\n'
    for d in decisions.split():
        out += f'决策 {d} "{d}" (n) : 是否 推导 "t" {{ 结果 n 3人以上 }}\n'
    return out


def series_in(tmp_path: Path, *texts: str) -> tuple[versions.Series, list[tuple[str, str]]]:
    from polc.compiler.tools import versions as tv
    files = []
    for i, text in enumerate(texts):
        f = tmp_path / f"v{i}.pol"
        f.write_text(text, encoding="utf-8")
        files.append(f)
    found = tv.find(files)
    assert len(found.series) == 1
    return found.series[0], [(d.code, d.message) for d in found.diagnostics]


def test_a_replacement_ends_the_earlier_version_the_day_before(tmp_path: Path) -> None:
    s, diags = series_in(tmp_path, policy("1", "施行日期 2022-10-01"),
                         policy("2", '施行日期 2023-10-01\n替代 "测试〔2024〕1号" 推导 "t"'))
    assert diags == []
    assert [(v.start, v.end) for v in s.versions] == [
        (dt.date(2022, 10, 1), dt.date(2023, 9, 30)), (dt.date(2023, 10, 1), None)]
    assert s.version_on(dt.date(2023, 9, 30)) is s.versions[0]
    assert s.version_on(dt.date(2023, 10, 1)) is s.versions[1]
    assert s.version_on(dt.date(2022, 9, 30)) is None


def test_a_replacement_from_a_later_date_keeps_the_earlier_until_then(tmp_path: Path) -> None:
    s, diags = series_in(tmp_path, policy("1", "施行日期 2022-10-01"),
                         policy("2", '施行日期 2023-10-01\n'
                                     '废止 "测试〔2024〕1号" 自 2023-09-01 推导 "t"'))
    # repealed from 1 September, which is before the new one starts: a gap in between
    assert s.versions[0].end == dt.date(2023, 8, 31)
    assert [c for c, _ in diags] == ["W419"]
    assert "2023-09-01 至 2023-09-30" in diags[0][1]


def test_two_open_versions_overlap(tmp_path: Path) -> None:
    s, diags = series_in(tmp_path, policy("1", "施行日期 2022-10-01"),
                         policy("2", "施行日期 2023-10-01"))
    assert [c for c, _ in diags] == ["E805"]
    assert "2023-10-01" in diags[0][1] and "测试〔2024〕1号" in diags[0][1]
    assert not s.ok


def test_an_end_past_the_next_start_overlaps(tmp_path: Path) -> None:
    _, diags = series_in(tmp_path,
                         policy("1", '施行日期 2022-01-01\n有效期至 2023-12-31 推导 "t"'),
                         policy("2", "施行日期 2023-10-01"))
    assert [c for c, _ in diags] == ["E805"]


def test_an_end_before_the_next_start_is_a_gap(tmp_path: Path) -> None:
    s, diags = series_in(tmp_path, policy("1", '施行日期 2022-01-01\n暂行 1年 推导 "t"'),
                         policy("2", "施行日期 2023-03-01"))
    assert [c for c, _ in diags] == ["W419"]
    assert "2023-01-01 至 2023-02-28" in diags[0][1]
    assert s.ok and s.version_on(dt.date(2023, 2, 1)) is None


def test_a_version_without_a_start_cannot_be_placed(tmp_path: Path) -> None:
    s, diags = series_in(tmp_path, policy("1", "施行日期 2022-01-01"), policy("2", ""))
    assert [c for c, _ in diags] == ["E804"]
    assert len(s.versions) == 1 and not s.ok


def test_a_decision_some_versions_lack_is_named(tmp_path: Path) -> None:
    _, diags = series_in(tmp_path, policy("1", "施行日期 2022-01-01", "d e"),
                         policy("2", '施行日期 2023-01-01\n替代 "测试〔2024〕1号" 推导 "t"'))
    assert [c for c, _ in diags] == ["W420"]
    assert "e" in diags[0][1] and "测试〔2024〕2号" in diags[0][1]


def test_polc_check_reports_the_overlap_and_fails(tmp_path: Path) -> None:
    for i, head in enumerate(["施行日期 2022-10-01", "施行日期 2023-10-01"]):
        (tmp_path / f"v{i}.pol").write_text(policy(str(i), head), encoding="utf-8")
    code, out, _ = polc("check", tmp_path)
    assert code == 1 and "E805" in out and "v1.pol:4:1" in out
    code, out, _ = polc("check", "--format", "json", tmp_path)
    got = json.loads(out)
    assert [d["code"] for d in got["series_diagnostics"]] == ["E805"]
    assert got["series"][0]["name"] == "s"


def test_the_repository_series_is_clean() -> None:
    from polc.compiler.tools import versions as tv
    found = tv.find(sorted(POLICIES.glob("*.pol")))
    assert list(found.diagnostics) == []
    (s,) = found.series
    assert [v.policy.file for v in s.versions] == [
        "policies/60_public_rental_housing.pol", "policies/60_public_rental_housing_2023.pol"]
    assert s.versions[0].end == dt.date(2023, 9, 30)
    assert s.versions[0].ended_by == "示例修订〔2023〕60号"


def test_no_series_without_a_series_line() -> None:
    assert versions.series_of([], Diagnostics()) == []


# ---------------------------------------------------------------- polc eval --as-of


@pytest.mark.parametrize(("day", "value"), [("2023-09-30", None),
                                            ("2023-10-01", "lower_middle_income"),
                                            ("2022-10-01", None), ("2030-01-01",
                                                                   "lower_middle_income")])
def test_as_of_picks_the_version_in_force(day: str, value: str | None) -> None:
    # 4000元 is above the 2022 line (3946元) and below the revision's (4180元)
    for start in (P60, P60_2023):  # either version names the series
        code, out, err = polc("eval", start, "family_type_by_income", "--input", CASE,
                              "--as-of", day)
        assert (code, json.loads(out)) == (0, {"value": value}), err


def test_a_day_before_every_version_is_refused_naming_it() -> None:
    code, out, err = polc("eval", P60, "family_type_by_income", "--input", CASE,
                          "--as-of", "2022-09-30")
    assert code == 2 and out == ""
    assert "2022-09-30" in err and "public_rental_housing" in err and "2022-10-01" in err


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-1-1", "tomorrow", "", "2023-10-01T00:00"])
def test_a_bad_as_of_is_refused_naming_it(bad: str) -> None:
    code, out, err = polc("eval", P60, "family_type_by_income", "--input", CASE, "--as-of", bad)
    assert code == 2 and out == "" and repr(bad) in err and "YYYY-MM-DD" in err


def test_a_policy_in_no_series_is_checked_against_its_own_period() -> None:
    p63 = POLICIES / "63_headquarters_economy.pol"
    code, _, err = polc("eval", p63, "talent_reward", "--input", "{}", "--as-of",
                        "2025-01-01")
    assert code == 2 and "2025-01-01" in err and "2024-12-31" in err
    code, _, err = polc("eval", POLICIES / "55_overseas_labor_emergency.pol", "severity",
                        "--input", "{}", "--as-of", "2022-09-13")
    assert code == 2 and "2022-09-13" in err


def test_as_of_in_a_gap_between_versions_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.pol").write_text(policy("1", '施行日期 2022-01-01\n暂行 1年 推导 "t"'),
                                    encoding="utf-8")
    (tmp_path / "b.pol").write_text(policy("2", "施行日期 2023-03-01"), encoding="utf-8")
    code, out, _ = polc("eval", tmp_path / "a.pol", "d", "--input", '{"n": 4}', "--as-of",
                        "2022-12-31")
    assert (code, json.loads(out)) == (0, {"value": True})
    code, _, err = polc("eval", tmp_path / "b.pol", "d", "--input", '{"n": 4}', "--as-of",
                        "2023-02-01")
    assert code == 2 and "2023-02-01" in err


# ---------------------------------------------------------------- the generated dispatcher


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("series_build")
    out = root / "out"
    for p in (P60, P60_2023):
        shutil.copy(p, root / p.name)
    shutil.copytree(POLICIES / "sources", root / "sources")
    code, _, err = polc("build", root, "-o", out, "--no-render")
    assert code == 0, err
    return out


def test_the_dispatcher_answers_as_the_version_in_force(built: Path) -> None:
    sys.path.insert(0, str(built.parent))
    try:
        mod = importlib.import_module("out.python.series_public_rental_housing")
        v2022 = importlib.import_module("out.python.policy_60_public_rental_housing")
        v2023 = importlib.import_module("out.python.policy_60_public_rental_housing_2023")
    finally:
        sys.path.remove(str(built.parent))
    args = {"receives_subsistence_allowance": False,
            "per_capita_monthly_income": Decimal(4000)}
    assert mod.family_type_by_income(dt.date(2023, 9, 30), **args) is None
    assert mod.family_type_by_income(dt.date(2023, 10, 1), **args) \
        is v2023.FamilyType.lower_middle_income
    assert mod.version_on(dt.date(2022, 10, 1)) is v2022
    from polc.runtime import InputError
    with pytest.raises(InputError) as refused:
        mod.family_type_by_income(dt.date(2022, 9, 30), **args)
    assert refused.value.field == "as_of" and "2022-09-30" in str(refused.value)
    with pytest.raises(InputError):
        mod.version_on("2023-10-01")  # a string is not a day


def test_the_dispatcher_imports_only_the_standard_library_and_the_runtime(built: Path) -> None:
    import ast
    tree = ast.parse((built / "python" / "series_public_rental_housing.py").read_text("utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {"__future__", "datetime", "importlib", "types", "typing", "polc"}
    assert "import polc.runtime as _rt" in ast.unparse(tree)


def test_overlapping_versions_get_no_dispatcher(tmp_path: Path) -> None:
    for i, head in enumerate(["施行日期 2022-10-01", "施行日期 2023-10-01"]):
        (tmp_path / f"v{i}.pol").write_text(policy(str(i), head), encoding="utf-8")
    code, out, _ = polc("build", tmp_path, "-o", tmp_path / "out", "--no-render")
    assert code == 1 and "E805" in out and "FAIL series s" in out
    assert not (tmp_path / "out" / "python" / "series_s.py").exists()
