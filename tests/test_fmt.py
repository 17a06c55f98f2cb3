"""`polc fmt` is idempotent and keeps the meaning.

Meaning is checked twice: the formatted text lexes to the same tokens, and
compiles to the same Python module once the lines that name the source
(its SHA-256, file:line:col positions) are set aside.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polc.compiler import driver, fmt, parser

ROOT = Path(__file__).resolve().parent.parent
POLICIES = sorted((ROOT / "policies").glob("*.pol"))

# lines of generated code that name the source text, not its meaning
_SOURCE_LINE = re.compile(r"sha256|SHA256|\.pol:\d+|:\d+:\d+")


def tokens(text: str) -> list[tuple[str, str]]:
    ip = parser.get_parser().parse_interactive(text)
    return [(t.type, str(t)) for t in ip.iter_parse()]


def meaning(text: str) -> list[str]:
    compiled = driver.compile_source(text, "p.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diags if d.severity == "error"]
    return [line for line in compiled.python().splitlines() if not _SOURCE_LINE.search(line)]


@pytest.mark.parametrize("path", POLICIES, ids=[p.stem for p in POLICIES])
def test_real_policy(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = fmt.format_text(text)
    assert fmt.format_text(once) == once
    assert tokens(once) == tokens(text)
    assert meaning(once) == meaning(text)
    assert once.endswith("\n") and not once.endswith("\n\n")
    # comments are kept, in order
    assert [ln.strip() for ln in text.splitlines() if ln.strip().startswith("#")] == \
        [ln.strip() for ln in once.splitlines() if ln.strip().startswith("#")]


REF = (ROOT / "policies" / "55_overseas_labor_emergency.pol").read_text(encoding="utf-8")
REF_GAPS = [t.end_pos for t in parser.get_parser().parse_interactive(REF).iter_parse()
            if t.type != "$END"]
NOISE = st.sampled_from([" ", "  ", "\t", "\u3000", "\n", "\n\n\n", "  # 注：插入的注释\n",
                         "\n# 整行注释\n", " \n  \u3000 "])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(REF_GAPS), NOISE), min_size=1, max_size=25))
def test_noise_between_tokens(edits: list[tuple[int, str]]) -> None:
    text = REF
    for pos, noise in sorted(set(edits), reverse=True):
        text = text[:pos] + noise + text[pos:]
    once = fmt.format_text(text)
    assert fmt.format_text(once) == once
    assert tokens(once) == tokens(text)
    assert once.count("# 注：插入的注释") == text.count("# 注：插入的注释")
    assert meaning(once) == meaning(text)


@given(st.text(alphabet=" \t\u3000\n#{}()[]=>:：「」\"《》ab引解读1", max_size=60))
@settings(max_examples=150, deadline=None)
def test_idempotent_on_any_text(text: str) -> None:
    once = fmt.format_text(text)
    assert fmt.format_text(once) == once


def test_layout_rules() -> None:
    src = ('文号   "x"\n\n\n\n决策 d "d" (a) : 金额 引 一 「q」 {\n\n'
           '    结果 查表(a){\n1=>2元   # c\n*=>3元\n}\n\n}\n\n')
    assert fmt.format_text(src) == (
        '文号 "x"\n\n决策 d "d" (a) : 金额 引 一 「q」 {\n'
        '  结果 查表(a){\n    1 => 2元 # c\n    * => 3元\n  }\n}\n')


def test_cli_check_and_write(tmp_path: Path) -> None:
    bad = tmp_path / "a.pol"
    bad.write_text('文号   "x"\n', encoding="utf-8")
    polc = [sys.executable, "-m", "polc.compiler.cli", "fmt"]
    r = subprocess.run([*polc, "--check", str(tmp_path)], check=False, capture_output=True,
                       text=True)
    assert r.returncode == 1 and "a.pol" in r.stdout
    r = subprocess.run([*polc, "--diff", str(bad)], check=False, capture_output=True,
                       text=True)
    assert r.returncode == 0 and '+文号 "x"' in r.stdout
    r = subprocess.run([*polc, "--write", str(bad)], check=False, capture_output=True,
                       text=True)
    assert r.returncode == 0 and bad.read_text(encoding="utf-8") == '文号 "x"\n'
    r = subprocess.run([*polc, "--check", str(tmp_path)], check=False, capture_output=True,
                       text=True)
    assert r.returncode == 0


def test_paren_closed_and_brace_opened_on_one_line_is_stable() -> None:
    # found by the property above: "(" closed and "{" opened on a continuation line
    # once read the next line as a continuation on the second pass
    text = ('决策 d "d" (n) : 金额 推导 "t"\n{\n  结果 查表 (\n  \u3000 n) {\n'
            '    1 => 1元\n  }\n}\n')
    once = fmt.format_text(text)
    assert fmt.format_text(once) == once
