"""`polc fmt` is idempotent, keeps the meaning and never damages a file.

Meaning is checked twice: the formatted text lexes to the same tokens, and
compiles to the same Python module once the lines that name the source
(its SHA-256, file:line:col positions) are set aside.  Mutation classes: blanks,
comments and line breaks between tokens; blanks and line breaks inside quotes;
byte-order marks and every line-break style (LF, CRLF, CR, CR CR LF, mixed).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polc.compiler import lexical, pipeline
from polc.compiler.syntax import grammar
from polc.compiler.tools import cli, fmt

from ..paths import REPRO, ROOT

POLICIES = sorted((ROOT / "policies").glob("*.pol"))

# lines of generated code that name the source text, not its meaning
_SOURCE_LINE = re.compile(r"sha256|SHA256|\.pol:\d+|:\d+:\d+")


def tokens(text: str) -> list[tuple[str, str]]:
    ip = grammar.get_parser().parse_interactive(lexical.normalise(text))
    return [(t.type, str(t)) for t in ip.iter_parse()]


def meaning(text: str) -> list[str]:
    compiled = pipeline.compile_source(text, "p.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in compiled.diagnostics if d.severity == "error"]
    return [line for line in compiled.python.splitlines() if not _SOURCE_LINE.search(line)]


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
REF_TOKENS = [t for t in grammar.get_parser().parse_interactive(REF).iter_parse()
              if t.type != "$END"]
REF_GAPS = [t.end_pos for t in REF_TOKENS]
# positions strictly inside a quote, where any text is the quote's own
REF_IN_QUOTES = [i for t in REF_TOKENS if t.type == "QUOTE" for i in range(t.start_pos + 1,
                                                                           t.end_pos)]
NOISE = st.sampled_from([" ", "  ", "\t", "\u3000", "\n", "\n\n\n", "  # 注：插入的注释\n",
                         "\n# 整行注释\n", " \n  \u3000 "])
QUOTE_NOISE = st.sampled_from(["   \n", " \t\n  ", "\u3000\n", "\n\n", "  ", "\t \n\n  "])
LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\r\r\n"])


@st.composite
def styled(draw: st.DrawFn, text: str) -> str:
    """`text` with BOMs and its line breaks in one style or a mixture."""
    mixed = draw(st.booleans())
    style = draw(LINE_BREAKS)
    parts = text.split("\n")
    out = parts[0]
    for part in parts[1:]:
        out += (draw(LINE_BREAKS) if mixed else style) + part
    return "\ufeff" * draw(st.integers(0, 3)) + out


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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(REF_IN_QUOTES), QUOTE_NOISE), min_size=1,
                max_size=10))
def test_text_inside_quotes_is_kept(edits: list[tuple[int, str]]) -> None:
    text = REF
    for pos, noise in sorted(set(edits), reverse=True):
        text = text[:pos] + noise + text[pos:]
    once = fmt.format_text(text)
    assert fmt.format_text(once) == once
    assert tokens(once) == tokens(text)  # a QUOTE token is its whole text, blanks included
    assert fmt.same_tokens(text, once)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_boms_and_line_breaks(data: st.DataObject) -> None:
    text = data.draw(styled(REF))
    once = fmt.format_text(text)
    assert fmt.format_text(once) == once
    assert tokens(once) == tokens(text)
    assert meaning(once) == meaning(text)
    # one style, the one fmt documents; one BOM at most, where the file had one
    assert len(set(re.findall(r"\r\n|\r|\n", once))) == 1
    assert once.startswith("\ufeff") == text.startswith("\ufeff")
    assert not once.lstrip("\ufeff").startswith("\ufeff")
    crlf = text.count("\r\n")
    assert ("\r\n" in once) == (2 * crlf > len(re.findall(r"\r\n|\r|\n", text)))


@given(st.text(alphabet=" \t\u3000\n\r\ufeff\u2028#{}()[]=>:：「」\"《》ab引解读1", max_size=60))
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


def test_unit_declarations_and_the_unverified_header_line() -> None:
    # 引文未核对 is a header line, not an annotation of the line above it (it begins with 引)
    src = ('文号 "x"\n引文未核对 "测试"\n单位   垧=15亩   推导 "t"\n'
           '单位 标准箱 "标准集装箱":计数 推导 "t"\n输入 a "a" : 数量(亩)\n'
           '决策 d "d" (a) : 是否 推导 "t" {\n结果 a 2垧以上\n}\n例 d(a=2垧) => 是 推导 "t"\n')
    out = fmt.format_text(src)
    assert out == ('文号 "x"\n引文未核对 "测试"\n单位 垧 = 15亩 推导 "t"\n'
                   '单位 标准箱 "标准集装箱" : 计数 推导 "t"\n输入 a "a" : 数量(亩)\n\n'
                   '决策 d "d" (a) : 是否 推导 "t" {\n  结果 a 2垧以上\n}\n'
                   '例 d(a = 2垧) => 是 推导 "t"\n')
    assert tokens(out) == tokens(src) and meaning(out) == meaning(src)


def test_cli_check_and_write(tmp_path: Path) -> None:
    bad = tmp_path / "a.pol"
    bad.write_text('文号   "x"\n', encoding="utf-8")
    polc = [sys.executable, "-m", "polc.compiler.tools.cli", "fmt"]
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


# ---------------------------------------------------------------- files fmt must not damage



def test_two_boms_are_idempotent() -> None:
    text = (REPRO / "fmt_double_bom_not_idempotent.pol").read_bytes().decode("utf-8")
    assert text.startswith("\ufeff\ufeff")
    once = fmt.format_text(text)
    assert once == '\ufeff文号 "x"\n'
    assert fmt.format_text(once) == once


def test_trailing_blanks_inside_an_open_quote_are_kept() -> None:
    text = (REPRO / "fmt_strips_trailing_space_inside_multiline_quote.pol").read_text(
        encoding="utf-8")
    assert "「abc   \ndef」" in text
    once = fmt.format_text(text)
    assert "「abc   \ndef」" in once
    assert tokens(once) == tokens(text)


def test_line_break_styles() -> None:
    lf = '文号   "x"\n输入 a "a" : 计数(人)\n'
    assert fmt.format_text(lf) == '文号 "x"\n输入 a "a" : 计数(人)\n'
    assert fmt.format_text(lf.replace("\n", "\r\n")) == \
        '文号 "x"\r\n输入 a "a" : 计数(人)\r\n'
    assert fmt.format_text(lf.replace("\n", "\r")) == fmt.format_text(lf)
    # CR CR LF is two line breaks, as the compiler reads it: a blank line between
    assert fmt.format_text(lf.replace("\n", "\r\r\n")) == '文号 "x"\n\n输入 a "a" : 计数(人)\n'
    # a file mostly CRLF keeps CRLF everywhere
    assert fmt.format_text('文号 "x"\r\n输入 a "a" : 计数(人)\r\n例\n') == \
        '文号 "x"\r\n输入 a "a" : 计数(人)\r\n例\r\n'


def run_fmt(*args: str) -> Result:
    """`polc fmt ARGS` in this process (test_cli_check_and_write runs the real command)."""
    return CliRunner().invoke(cli.cli, ["fmt", *args])


@pytest.mark.parametrize("text,code", [
    ('文号 "x"\r\n决策 {\r\n', "E002"),
    ('文号   "x"\n# 注释\u2028说明\n', "E010"),
    ('\ufeff文号   "x"\n标题 "a\u202eb"\n', "E011"),
], ids=["syntax", "line_separator", "bidi"])
def test_a_file_that_does_not_parse_is_left_alone(tmp_path: Path, text: str, code: str) -> None:
    bad = tmp_path / "bad.pol"
    bad.write_bytes(text.encode("utf-8"))
    for args in (["--write"], ["--check"], ["--diff"], []):
        r = run_fmt(*args, str(bad))
        assert r.exit_code == 1, (args, r.stderr)
        assert f"error[{code}]" in r.stderr and "left unchanged" in r.stderr
        assert r.stdout == ""
        assert bad.read_bytes() == text.encode("utf-8")


@pytest.mark.parametrize("text", [
    '\ufeff\ufeff文号   "x"\n',
    '文号   "x"\r\n输入 a "a" : 计数(人)\r\n',
    '文号   "x"\r\r\n输入 a "a" : 计数(人)\r\r\n',
    '文号 "x"\r\n输入 a "a" : 计数(人)\n',
    '文号 "x"\r输入 a "a" : 计数(人)\r',
], ids=["two_boms", "crlf", "crcrlf", "mixed", "cr"])
def test_check_agrees_with_write(tmp_path: Path, text: str) -> None:
    f = tmp_path / "a.pol"
    f.write_bytes(text.encode("utf-8"))
    will_change = fmt.format_text(text) != text
    assert (run_fmt("--check", str(f)).exit_code == 1) == will_change
    assert run_fmt("--write", str(f)).exit_code == 0
    written = f.read_bytes()
    assert written == fmt.format_text(text).encode("utf-8")
    assert run_fmt("--check", str(f)).exit_code == 0
    assert run_fmt("--write", str(f)).exit_code == 0 and f.read_bytes() == written


def test_a_formatting_bug_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.pol"
    f.write_text('文号   "x"\n输入 a "a" : 计数(人)\n', encoding="utf-8")
    before = f.read_bytes()
    # a layout that lost a token: the check before writing stops it
    monkeypatch.setattr(fmt, "format_text", lambda text: '文号 "x"\n输入 a "a" : 计数\n')
    r = CliRunner().invoke(cli.cli, ["fmt", "--write", str(f)])
    assert r.exit_code == cli.EXIT_INTERNAL
    assert "left as it was" in r.output
    assert f.read_bytes() == before
