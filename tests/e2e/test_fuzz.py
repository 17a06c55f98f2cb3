"""Fuzzing the front end: any text gives a module or located diagnostics; and `polc
eval --jsonl`: any bytes give one output line per input line.

Properties: `pipeline.compile_source` never raises (no RecursionError, no internal
traceback) and never hangs; a result that does not compile carries error
diagnostics, each with a code and a line ≥ 1; a result that compiles generates
Python that parses and loads.  A batch mixing valid cases with random bytes,
invalid UTF-8, lone surrogates, huge numbers and blank lines (ended by LF or
CRLF) gets exactly one output line per input line, in order, each valid case
the answer it gets alone, never an internal error; exit 2 exactly when a line
was refused.

Mutation classes: random text and tokens; edits of the real policies (deletions,
duplications, swaps, insertions, characters); line separators and bidi controls
inserted anywhere (outside a quote: refused where they stand; inside: the same
module but for the quote); byte-order marks and every mixture of line breaks
(the module the normalised text gives); depth and size.  Special files
(directories, FIFOs, dangling links, devices named *.pol beside valid policies)
go through the CLI: refused by name, never a hang.

Bounded for CI (derandomized, 200 examples a property, fewer where each compiles
whole policies, 10 for the special files).  For a long run:

    POLC_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest -q -p no:polc tests/e2e/test_fuzz.py
"""

from __future__ import annotations

import ast
import functools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from polc.compiler import lexical, pipeline
from polc.compiler.syntax import grammar
from polc.compiler.tools.cli import cli

from ..fuzzing import EXAMPLES, FUZZ
from ..paths import ROOT

POLICIES = sorted((ROOT / "policies").glob("*.pol"))
REFERENCE = (ROOT / "policies" / "55_overseas_labor_emergency.pol").read_text(encoding="utf-8")
# for properties that compile and generate whole real policies
FUZZ_POLICIES = settings(FUZZ, max_examples=max(1, EXAMPLES // 5))
FUZZ_POLICY_PAIRS = settings(FUZZ, max_examples=max(1, EXAMPLES // 10))


def assert_clean(text: str, *, load: bool = True) -> pipeline.Compilation:
    compiled = pipeline.compile_source(text, "fuzz.pol", verify_sources=False)
    errors = [d for d in compiled.diagnostics if d.severity == "error"]
    for d in compiled.diagnostics:
        assert d.code and d.span.line >= 1, d
    if compiled.ok:
        code = compiled.python
        ast.parse(code)
        if load:
            module = compiled.module
            assert set(module.DECISIONS) == {d.name for d in compiled.ir.decisions}
    else:
        assert errors, "not compiled, yet no error says why"
    return compiled


# ---------------------------------------------------------------- random text

PIECES = ["文号", "标题", "枚举", "角色", "输入", "常量", "决策", "结果", "令", "要求", "否则", "若",
          "则", "取最严重", "查表", "依次", "全部满足", "任一满足", "任一", "全部", "分期", "按", "例",
          "引", "推导", "解读", "流程", "事件", "步骤", "转", "以上", "以下", "不超过", "低于",
          "（含）", "（不含）", "计数", "金额", "日期", "时刻", "是否", "或", "无", "且", "非", "为",
          "在", "至", "=>", "->", "{", "}", "(", ")", "[", ")", ",", "，", "；", "、", ":", "：",
          "=", "+", "-", "×", "÷", "*", "/", "∞", '"label"', "「引文」", "x", "y", "Level", "I",
          "400人", "1.5万元", "3%", "15工作日", "2022-09-30", "2022-10-01T08:00", "0.5小时", "\n",
          " ", "\u3000", "＂", "“", "”", "「", "」", "｛", "｝", "＝", "\\", '"', "#", "\x00",
          "\u202e", "ｆｏｏ"]

tokens = st.lists(st.sampled_from(PIECES), max_size=80).map(" ".join)
unicode_text = st.text(max_size=300)


@FUZZ
@given(st.one_of(unicode_text, tokens))
def test_random_text(text: str) -> None:
    assert_clean(text)


# ---------------------------------------------------------------- mutated policies

INSERTS = ["「", "」", "{", "}", "(", ")", "（", "）", '"', "\\", "\n", "，", "、", "：", "＝",
           "任一 {", "全部 {", "非", "若", "否则", "以上", "人", "万元", "∞", "\u202e", "\x00",
           "级", "海门", "ｘ", "🙂", "\ufeff"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from([p.read_text(encoding="utf-8") for p in POLICIES]))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = min(len(text), i + draw(st.integers(1, 40)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "char"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap":
            k = draw(st.integers(0, len(text) - 1))
            a, b = sorted((i, k))
            text = text[:a] + text[b] + text[a + 1:b] + text[a] + text[b + 1:] if a != b else text
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(INSERTS)) + text[i:]
        else:
            text = text[:i] + draw(st.characters()) + text[i + 1:]
    return text


@FUZZ
@given(mutated())
def test_mutated_policies(text: str) -> None:
    assert_clean(text)


@st.composite
def token_edits(draw: st.DrawFn) -> str:
    words = REFERENCE.split()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(words) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap"]))
        if op == "delete":
            del words[i]
        elif op == "duplicate":
            words.insert(i, words[i])
        else:
            k = draw(st.integers(0, len(words) - 1))
            words[i], words[k] = words[k], words[i]
    return " ".join(words)


@FUZZ
@given(token_edits())
def test_token_edits_of_the_reference_policy(text: str) -> None:
    assert_clean(text)


# ---------------------------------------------------------------- the line model

TEXTS = {p.name: p.read_text(encoding="utf-8") for p in POLICIES}
FORBIDDEN = sorted(lexical.LINE_SEPARATORS | lexical.BIDI_CONTROLS)
# lines of a generated module that name positions or the source's hash
_POSITION = re.compile(r"sha256|SHA256|\.pol:\d+|:\d+:\d+")


@functools.cache
def quotes(name: str) -> list[tuple[int, int]]:
    """Where the parser finds the quotes of a real policy: the oracle for "inside"."""
    tokens = grammar.get_parser().parse_interactive(TEXTS[name]).iter_parse()
    return [(t.start_pos, t.end_pos) for t in tokens if t.type == "QUOTE"]


@functools.cache
def module_of(name: str) -> list[str]:
    compiled = pipeline.compile_source(TEXTS[name], "fuzz.pol", verify_sources=False)
    return [ln for ln in compiled.python.splitlines() if not _POSITION.search(ln)]


@FUZZ_POLICIES
@given(st.sampled_from(sorted(TEXTS)), st.sampled_from(FORBIDDEN), st.data())
def test_forbidden_characters_anywhere(name: str, ch: str, data: st.DataObject) -> None:
    text = TEXTS[name]
    i = data.draw(st.integers(0, len(text)))
    compiled = assert_clean(text[:i] + ch + text[i:], load=False)
    found = [(d.code, d.span.line, d.span.col) for d in compiled.diagnostics
             if d.code in ("E010", "E011")]
    if any(start < i < end for start, end in quotes(name)):
        # a quote's own text: the same module, but for the quote
        assert not found and compiled.ok
        escaped = ascii(ch)[1:-1]
        assert [ln.replace(escaped, "") for ln in compiled.python.splitlines()
                if not _POSITION.search(ln)] == module_of(name)
    else:
        code = "E010" if ch in lexical.LINE_SEPARATORS else "E011"
        line = text.count("\n", 0, i) + 1
        assert found == [(code, line, i - text.rfind("\n", 0, i))]
        assert not compiled.ok


@FUZZ_POLICY_PAIRS
@given(st.sampled_from(sorted(TEXTS)), st.integers(0, 3), st.randoms(use_true_random=False))
def test_boms_and_mixed_line_breaks(name: str, boms: int, rnd: random.Random) -> None:
    parts = TEXTS[name].split("\n")
    styles: list[str] = []
    for k in range(1, len(parts)):
        # CR, a blank line, then LF would be one CRLF, not two line breaks
        glued = k > 1 and styles[-1] == "\r" and not parts[k - 1]
        styles.append(rnd.choice(["\r\n", "\r", "\r\r\n"] if glued else
                                 ["\n", "\r\n", "\r", "\r\r\n"]))
    mutant = "\ufeff" * boms + parts[0] + "".join(b + p for b, p in zip(styles, parts[1:]))
    # what the compiler must read: CR CR LF is two line breaks
    clean = parts[0] + "".join(("\n\n" if b == "\r\r\n" else "\n") + p
                               for b, p in zip(styles, parts[1:]))
    got = assert_clean(mutant, load=False)
    want = pipeline.compile_source(clean, "fuzz.pol", verify_sources=False)
    assert got.source == want.source
    assert [(d.code, d.span, d.message) for d in got.diagnostics] == \
        [(d.code, d.span, d.message) for d in want.diagnostics]
    assert got.ok and got.python == want.python


# ---------------------------------------------------------------- depth and size

HEAD = '文号 "x"\n输入 x "x" : 计数(人)\n'


def test_ten_thousand_parentheses() -> None:
    depth = 10_000
    src = HEAD + ('决策 d "d" (x) : 计数(人) 推导 "r" { 结果 ' + "(" * depth + "x" + ")" * depth
                  + " }\n")
    compiled = assert_clean(src)
    # parentheses that only group do not nest in the tree: this compiles and runs
    assert compiled.ok
    assert compiled.module.d(x=3) == 3


def _too_deep(src: str) -> None:
    compiled = assert_clean(src)
    assert not compiled.ok
    codes = {d.code for d in compiled.diagnostics if d.severity == "error"}
    assert codes == {"E004"}
    assert any("嵌套过深" in d.message for d in compiled.diagnostics)


def test_deeply_nested_any_blocks() -> None:
    n = 10_000
    _too_deep(HEAD + '决策 d "d" (x) : 是否 推导 "r" { 结果 若 ' + "任一 { " * n + "x 1人以上"
              + " }" * n + " 则 是 否则 否 }\n")


def test_long_chains() -> None:
    body = {
        "sum": " + ".join(["x"] * 5000),
        "or": "若 " + " 或 ".join(["x > 1人"] * 5000) + " 则 1人 否则 0人",
        "not": "若 " + "非 " * 5000 + "x > 1人 则 1人 否则 0人",
        "if": "若 x > 1人 则 1人 否则 " * 5000 + "0人",
        "cap": "x" + " 最高 5人" * 5000,
        "max": "较大(x, " * 5000 + "x" + ")" * 5000,
    }
    for expr in body.values():
        _too_deep(HEAD + f'决策 d "d" (x) : 计数(人) 推导 "r" {{ 结果 {expr} }}\n')


@FUZZ
@given(st.integers(1, 55), st.sampled_from(["sum", "any", "not", "if"]))
def test_nesting_within_the_limit_compiles_and_runs(n: int, form: str) -> None:
    expr = {
        "sum": " + ".join(["x"] * n),
        "any": "若 " + "任一 { " * (n // 3 + 1) + "x 1人以上" + " }" * (n // 3 + 1) + " 则 1人 否则 0人",
        "not": "若 " + "非 " * n + "x > 1人 则 1人 否则 0人",
        "if": "若 x > 1人 则 1人 否则 " * n + "0人",
    }[form]
    compiled = assert_clean(HEAD + f'决策 d "d" (x) : 计数(人) 推导 "r" {{ 结果 {expr} }}\n')
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    module = compiled.module
    assert isinstance(module.d(x=3), int)
    assert module.DECISIONS["d"].explain(x=3).value == module.d(x=3)


def _big_policy(target_bytes: int) -> str:
    parts = ['文号 "大文件"\n']
    i = 0
    size = len(parts[0].encode("utf-8"))
    while size < target_bytes:
        chunk = (f'输入 x{i} "涉及人数{i}" : 计数(人)\n'
                 f'决策 d{i} "级别{i}" (x{i}) : 计数(人) 推导 "生成的规则，用于压力测试" {{\n'
                 f'  结果 依次 {{ 若 x{i} 400人以上 => 1人 若 x{i} 200人以上400人以下 => 2人 '
                 f'否则 => 3人 }}\n}}\n'
                 f'例 d{i}(x{i} = 400人) => 1人 推导 "边界"\n')
        parts.append(chunk)
        size += len(chunk.encode("utf-8"))
        i += 1
    return "".join(parts)


# A large policy compiles and its module parses; how long it takes is bench/run.py's to
# measure (`--only large`, 10 MB), not a test's: a timing assertion fails on a busy machine.
LARGE = 1024 * 1024


def test_large_policy() -> None:
    text = _big_policy(LARGE)
    assert len(text.encode("utf-8")) >= LARGE
    compiled = pipeline.compile_source(text, "big.pol", verify_sources=False)
    assert compiled.ok, [d.message for d in list(compiled.diagnostics)[:3]]
    ast.parse(compiled.python)


def test_large_policy_with_an_error_at_the_end() -> None:
    text = _big_policy(LARGE) + "决策 {\n"
    compiled = assert_clean(text, load=False)
    assert not compiled.ok
    last = max(d.span.line for d in compiled.diagnostics)
    assert last >= text.count("\n")


# ---------------------------------------------------------------- special files

# Directories, FIFOs, dangling links and devices named *.pol beside valid policies: every
# command that reads a folder refuses each of them by name (exit 2) without waiting on a
# FIFO; run in a subprocess, under a timeout, so that a hang fails instead of blocking.
POLC = [sys.executable, "-c", "from polc.compiler.tools.cli import main; main()"]
SMALL = '文号 "x"\n输入 x "x" : 计数(人)\n决策 d "d" (x) : 计数(人) 推导 "r" { 结果 x }\n'
MAKERS: dict[str, Callable[[Path], None]] = {
    "directory": lambda p: p.mkdir(),
    "fifo": os.mkfifo,
    "dangling link": lambda p: p.symlink_to("missing/nothing.pol"),
    "link to a device": lambda p: p.symlink_to("/dev/null"),
    "link to a folder": lambda p: p.symlink_to("..", target_is_directory=True),
}
special_entries = st.lists(
    st.tuples(st.text(alphabet="ab-_. 通1", max_size=6), st.sampled_from(sorted(MAKERS))),
    min_size=1, max_size=4, unique_by=lambda e: e[0])


@settings(FUZZ, max_examples=max(5, EXAMPLES // 20))
@given(special_entries, st.integers(0, 3))
def test_special_files_beside_valid_policies(entries: list[tuple[str, str]],
                                             valid: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pols = Path(tmp) / "pols"
        pols.mkdir()
        for i in range(valid):
            (pols / f"v{i}.pol").write_text(SMALL, encoding="utf-8")
        for stem, kind in entries:
            MAKERS[kind](pols / f"{stem}.pol")
        for command in (["check"], ["build", "--no-render", "-o", "out"], ["fmt", "--check"]):
            done = subprocess.run([*POLC, *command, "pols"], cwd=tmp, capture_output=True,
                                  text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
            assert done.returncode == 2, (command, entries, done.stdout + done.stderr)
            assert "internal error" not in done.stderr and "Traceback" not in done.stderr
            for stem, _ in entries:
                assert f"polc: pols/{stem}.pol: " in done.stderr, (command, stem, done.stderr)
            assert not (Path(tmp) / "out").exists()


# ---------------------------------------------------------------- JSONL batches (eval --jsonl)

JSONL_POLICY = """文号 "测试"
引文未核对 "测试用政策"
枚举 Kind "类别" 推导 "测试" { a "甲" b "乙" }
输入 n "人数" : 计数(人)
输入 m "金额" : 金额
输入 d "日期" : 日期
输入 k "类别" : Kind
决策 f "期限" (n, m, d, k) : 日期 推导 "测试" {
  结果 若 k 为 a 且 n 10人以上 且 m > 100元 则 d + 15工作日 否则 d + 10日 顺延
}
"""
# valid lines, some of them refused (a 2027 working day, a negative count, 9999-12-31)
CASES = [json.dumps(c, ensure_ascii=False) for c in [
    {"n": 12, "m": "100.5", "d": "2022-09-30", "k": "a"},
    {"n": 3, "m": 7, "d": "2024-02-08", "k": "b"},
    {"n": 10, "m": 101, "d": "2026-12-25", "k": "a"},
    {"n": -1, "m": 0, "d": "2022-01-01", "k": "a"},
    {"n": 0, "m": "0.01", "d": "9999-12-31", "k": "b"},
    {"k": "b", "d": "2004-01-01", "m": 5, "n": 1},
]]
BAD_UTF8 = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\x80", b"\xe4\xb8", b"\xf5\x80\x80\x80"]
SURROGATES = ["\\ud800", "\\udfff", "\\udbff", "\\ud83d"]
HUGE = ["9" * 4301, '"' + "1" * 5000 + '"', "1e999999999", "-" + "7" * 6000, "1" * 4300 + ".5"]
BLANKS = [b"", b" ", b"\t", b"\r", b" \t \r"]


@st.composite
def jsonl_line(draw: st.DrawFn) -> tuple[bytes, int | None]:
    """One input line and, when it is one of CASES unchanged, its index."""
    i = draw(st.integers(0, len(CASES) - 1))
    line = CASES[i]
    kind = draw(st.sampled_from(["case", "bytes", "utf8", "surrogate", "huge", "blank"]))
    if kind == "case":
        return line.encode(), i
    if kind == "bytes":
        return draw(st.binary(max_size=60)).replace(b"\n", b""), None
    if kind == "blank":
        return draw(st.sampled_from(BLANKS)), None
    raw = line.encode()
    if kind == "utf8":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from(BAD_UTF8)) + raw[at + 1:], None
    obj = json.loads(line)
    key = draw(st.sampled_from(sorted(obj)))
    if kind == "surrogate":
        esc = draw(st.sampled_from(SURROGATES))
        text = json.dumps(obj)
        if draw(st.booleans()):  # in the name of a field, or in its value
            text = text.replace(f'"{key}"', f'"{key}{esc}"', 1)
        else:
            text = text.replace(f'"{key}": {json.dumps(obj[key])}', f'"{key}": "x{esc}"', 1)
        return text.encode(), None
    text = json.dumps(obj).replace(f'"{key}": {json.dumps(obj[key])}',
                                   f'"{key}": {draw(st.sampled_from(HUGE))}', 1)
    return text.encode(), None


@pytest.fixture(scope="module")
def jsonl_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    policy = tmp_path_factory.mktemp("jsonl") / "f.pol"
    policy.write_text(JSONL_POLICY, encoding="utf-8")
    # each case alone, through --input: what its line of any batch must answer
    alone = [CliRunner().invoke(cli, ["eval", str(policy), "f", "--input", c]) for c in CASES]
    return policy, [json.loads(r.stdout) for r in alone]


@FUZZ
@given(st.lists(st.tuples(jsonl_line(), st.sampled_from([b"\n", b"\r\n"])), max_size=25),
       st.booleans())
def test_jsonl_batches_keep_every_line_in_order(
        jsonl_setup: tuple[Path, list[dict[str, Any]]],
        lines: list[tuple[tuple[bytes, int | None], bytes]], last_newline: bool) -> None:
    policy, alone = jsonl_setup
    data = b"".join(line + end for (line, _), end in lines)
    if lines and not last_newline and lines[-1][0][0]:
        data = data[:-len(lines[-1][1])]  # a last line without its newline is still a line
    result = CliRunner().invoke(cli, ["eval", str(policy), "f", "--jsonl", "-"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    outs = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(outs) == len(lines), (data, result.stdout)
    for n, (((_, case), _), got) in enumerate(zip(lines, outs, strict=True), 1):
        assert ("value" in got) != ("error" in got), got
        if "error" in got:
            assert got["line"] == n and got["error"].startswith(f"line {n}: "), got
        if case is not None:  # the answer it gets alone
            ref = alone[case]
            assert got.get("value") == ref.get("value") and got.get("field") == ref.get("field")
            assert got.get("error", "").removeprefix(f"line {n}: ") == ref.get("error", "")
    assert result.exit_code == (2 if any("error" in o for o in outs) else 0)
