"""polc coverage (compiler/citations/coverage.py): sentences, citations, marks, --min."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from polc.compiler.citations import coverage, sources
from polc.compiler.diagnostics import Diagnostics
from polc.compiler.files import display_path
from polc.compiler.lexical import normalise
from polc.compiler.syntax import parse_module
from polc.compiler.tools.cli import cli

from ..paths import ROOT as REPO

POLICY_58 = REPO / "policies" / "58_finance_assessment.pol"


def _copy(tmp_path: Path, marks: str | None) -> Path:
    shutil.copytree(REPO / "policies" / "sources", tmp_path / "sources")
    pol = tmp_path / "58.pol"
    shutil.copy(POLICY_58, pol)
    if marks is not None:
        (tmp_path / "58.uncovered").write_text(marks, encoding="utf-8")
    return pol


def test_sentences_are_rule_bearing_and_skip_headings() -> None:
    notice = sources.load_notice(REPO / "policies" / "sources", "58")
    texts = [s.text for s in coverage.sentences(notice)]
    assert any("5万、4万、3万元奖励" in t for t in texts)
    assert "海政办发〔2022〕58号" not in texts
    # the title holds "2022" but is no sentence
    assert not any(t.startswith("关于印发") for t in texts)


def test_unmarked_policy_is_below_100_and_min_fails(tmp_path: Path) -> None:
    pol = _copy(tmp_path, None)
    module = parse_module(normalise(pol.read_text(encoding="utf-8")), display_path(pol),
                          Diagnostics())
    assert module is not None
    r = coverage.coverage(module, pol)
    assert isinstance(r, coverage.NoticeCoverage)
    assert r.has_rules and r.cited > 0 and r.uncovered and r.percent < 100
    result = CliRunner().invoke(cli, ["coverage", "--min", "100", str(pol)])
    assert result.exit_code == 1 and "not covered" in result.output


def test_marks_bring_it_to_100(tmp_path: Path) -> None:
    pol = _copy(tmp_path, (REPO / "policies" / "58_finance_assessment.uncovered")
                .read_text(encoding="utf-8"))
    result = CliRunner().invoke(cli, ["coverage", "--min", "100", "--format", "json", str(pol)])
    assert result.exit_code == 0, result.output
    notice = json.loads(result.output)["notices"][0]
    assert notice["percent"] == 100.0 and notice["marked"] > 0
    cited = [s for s in notice["sentences"] if s["cited_by"]]
    assert any(label.startswith("决策 ") for s in cited for label in s["cited_by"])


@pytest.mark.parametrize(("marks", "message"), [
    ("五 「不在这里的句子」 reason\n", "is not in 五"),
    ("九十 * reason\n", "has no clause 九十"),
    ("五 「核算工作包括季度奖励和年度评先。」\n", "needs a reason"),
    ("just words\n", "expected CLAUSE"),
])
def test_bad_marks_are_located_errors(tmp_path: Path, marks: str, message: str) -> None:
    pol = _copy(tmp_path, marks)
    result = CliRunner().invoke(cli, ["coverage", str(pol)])
    assert result.exit_code == 1
    assert message in result.output and "58.uncovered:1" in result.output


def test_real_policies_are_at_100(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["coverage", "--min", "100", "--format", "json"])
    report = json.loads(result.output)
    low = [(n["docno"], n["percent"]) for n in report["notices"]
           if n["has_rules"] and n["percent"] < 100]
    assert low == [] and report["errors"] == []
    assert result.exit_code == 0
