"""`polc site -o DIR` and the site `polc build` writes under OUT/site: written through a
staging folder and a record, like the rest of a build, so a rerun replaces what polc
wrote and nothing else.  Each runs the real CLI in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from ..paths import POLICIES

POLC = [sys.executable, "-c", "from polc.compiler.tools.cli import main; main()"]
TWO = [str(POLICIES / "43_eco_environment_plan.pol"), str(POLICIES / "56_childcare_governance.pol")]
PAGES = ["43_eco_environment_plan.html", "56_childcare_governance.html", "index.html"]


def polc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*POLC, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


def test_polc_site_writes_the_pages_and_reruns_over_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "review"
    done = polc("site", *TWO, "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "index.html" in done.stdout
    assert sorted(p.name for p in out.glob("*.html")) == PAGES
    assert {p.name for p in (out / "static").iterdir()} == {"site.css", "site.js",
                                                            "search-index.js"}
    record = json.loads((out / ".polc-site.json").read_text(encoding="utf-8"))
    assert set(record["files"]) == {*PAGES, "static/site.css", "static/site.js",
                                    "static/search-index.js"}
    # a file of the reader's own beside the site stays; a rerun with one policy fewer
    # removes the page polc wrote for it
    (out / "notes.html").write_text("mine", encoding="utf-8")
    again = polc("site", TWO[0], "-o", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.glob("*.html")) == [
        "43_eco_environment_plan.html", "index.html", "notes.html"]
    assert (out / "notes.html").read_text(encoding="utf-8") == "mine"
    assert not list(out.glob(".polc-staging-*"))


def test_polc_site_never_overwrites_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "review"
    out.mkdir()
    mine = out / "index.html"
    mine.write_text("mine", encoding="utf-8")
    done = polc("site", TWO[0], "-o", str(out), cwd=tmp_path)
    assert done.returncode == 2
    assert "index.html" in done.stderr and "did not write it" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
    assert mine.read_text(encoding="utf-8") == "mine"
    # and a path that is not a policy is named, with nothing written
    missing = polc("site", str(tmp_path / "none.pol"), "-o", str(tmp_path / "x"), cwd=tmp_path)
    assert missing.returncode == 2 and "none.pol" in missing.stderr
    assert not (tmp_path / "x").exists()


def test_polc_build_writes_the_site_under_build_site(tmp_path: Path) -> None:
    done = polc("build", *TWO, "-o", "build", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "build" / "site"
    assert sorted(p.name for p in site.glob("*.html")) == PAGES
    record = json.loads((tmp_path / "build" / ".polc-build.json").read_text(encoding="utf-8"))
    assert "site/index.html" in record["files"] and "site/static" in record["dirs"]
    # the page inlines the very SVG the build rendered
    svg = (tmp_path / "build" / "diagrams" / "56_childcare_governance").glob("decision_*.svg")
    first = next(iter(sorted(svg))).read_text(encoding="utf-8")
    title = first.split("<title>", 2)[2].split("</title>", 1)[0]
    assert title in (site / "56_childcare_governance.html").read_text(encoding="utf-8")
    # --no-render writes no site, and removes the one polc wrote before
    again = polc("build", *TWO, "-o", "build", "--no-render", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not site.exists()


def test_the_report_lists_every_rule_with_its_clause_and_quotes(tmp_path: Path) -> None:
    """Issue 14: 58's bank_annual_reward showed only 「根据年度考核结果核发奖励」, not
    the 后五位 / 20万 / 20% sentences it encodes."""
    pol = POLICIES / "58_finance_assessment.pol"
    done = polc("build", str(pol), "-o", "build", "--no-render", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "build" / "reports" / "58_finance_assessment.md").read_text("utf-8")
    section = report.split("### `bank_annual_reward`", 1)[1].split("\n### ", 1)[0]
    rules = [line for line in section.splitlines() if line.startswith("  - line ")]
    for quote in ("考核排名列后五位的银行机构不予奖励", "其中排名第一名的银行机构给予奖励20万元",
                  "每项扣减考核奖励的20%"):
        assert any(quote in r and "引 六（二）2 「" in r for r in rules), quote
    # every line of the .pol file a rule starts on is named, and each says what it cites
    assert all(re.match(r"  - line \d+ 决策 bank_annual_reward.*: (引 |推导：)", r) for r in rules)
    assert len(rules) == 5
    # rules outside any decision (flows, enums, inputs …) have their own section
    assert "## Other cited rules" in report
