"""Fuzzing the back end: every program `polc check` accepts runs without an internal error.

Random well-typed programs (inputs of every kind with random domains, decisions
that take each other, arithmetic, caps, tables, rules, levels, dates, lets,
requirements and examples), and the real policies with huge literals or a deep
chain of 取 put in, are compiled.  Each one that checks is loaded, its examples
are run, and every decision is evaluated, plain and explained, called directly
and through JSON, on inputs at its domain's edges, at ±10**18 and in between.
The property: nothing raises but the runtime's typed errors (`PolcError`:
InputError, NoRuleApplies, CalendarError, OutOfRange), an explanation gives the
same value as the decision, and the value converts to JSON.  A program that
does not check has located errors only.

Bounded for CI like tests/e2e/test_fuzz.py (derandomized, POLC_FUZZ_EXAMPLES cases a
property, 200 by default).  For a long run (a few minutes per 1,000):

    POLC_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q -p no:polc tests/e2e/test_fuzz_eval.py

Date inputs stay within 2000-2030 here: deadlines near 9999-12-31 are the
subject of tests/runtime/test_dates.py.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import random
import re
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from polc.compiler import pipeline
from polc.compiler.tools.examples import run_examples
from polc.runtime import LIMIT, PolcError, dumps, loads

from ..fuzzing import FUZZ
from ..paths import ROOT

POLICIES = sorted((ROOT / "policies").glob("*.pol"))


# ---------------------------------------------------------------- running a program

def _edges(field: Any) -> list[Any]:
    """Values of one input: its domain's ends, the ±10**18 extremes, and a few between."""
    if field.kind in ("count", "num"):
        step: Any = 1 if field.kind == "count" else Decimal("0.01")
        lo = -LIMIT if field.lo is None else field.lo
        hi = LIMIT if field.hi is None else field.hi
        picks = [lo, hi, lo + step, hi - step, 0, 1, 7, (lo + hi) // 2 if field.kind == "count"
                 else (Decimal(lo) + Decimal(hi)) / 2, -LIMIT, LIMIT]
        values = [v for v in picks if lo <= v <= hi]
        return [Decimal(v) if field.kind == "num" else int(v) for v in values]
    if field.kind == "bool":
        return [True, False]
    if field.kind == "enum":
        return list(field.enum)
    if field.kind == "date":
        days = [dt.date(2000, 1, 1), dt.date(2022, 9, 30), dt.date(2024, 2, 29),
                dt.date(2026, 12, 31), dt.date(2030, 6, 1)]
        return [d for d in days + [field.lo, field.hi] if d is not None
                and (field.lo is None or d >= field.lo) and (field.hi is None or d <= field.hi)]
    return ["区政府"]


def _cases(spec: Any, draw: st.DrawFn) -> list[dict[str, Any]]:
    edges = {f.name: _edges(f) for f in spec.fields}
    cases = [{n: vs[i % len(vs)] for n, vs in edges.items()} for i in range(3)]
    for _ in range(3):
        cases.append({n: draw(st.sampled_from(vs)) for n, vs in edges.items()})
    return cases


def _evaluate(spec: Any, args: dict[str, Any]) -> None:
    with decimal.localcontext() as context:
        # arithmetic the module leaves to the caller's context must be exact in its 28
        # digits: a rounding there would be a silent wrong answer, so it raises here
        context.traps[decimal.Inexact] = True
        _compare_twins(spec, args)


def _compare_twins(spec: Any, args: dict[str, Any]) -> None:
    try:
        value = spec.func(**args)
    except PolcError:
        return
    assert spec.explain(**args).value == value
    dumps({"value": value})
    # the same case through JSON, as `polc eval` reads it
    assert spec.func(**spec.convert(loads(dumps(args)))) == value


def exercise(text: str, draw: st.DrawFn) -> pipeline.Compilation:
    compiled = pipeline.compile_source(text, "fuzz.pol", verify_sources=False)
    for d in compiled.diagnostics:
        assert d.code and d.span.line >= 1, d
    if not compiled.ok:
        assert compiled.diagnostics.has_errors, "not compiled, yet no error says why"
        return compiled
    module = compiled.module
    run_examples(compiled)
    for spec in module.DECISIONS.values():
        for args in _cases(spec, draw):
            _evaluate(spec, args)
    return compiled


# ---------------------------------------------------------------- random programs

INPUTS = {"a": "count", "c": "count", "m": "money", "n": "money", "r": "ratio", "w": "days",
          "b": "bool", "e": "enum", "t": "date"}
TYPE_TEXT = {"count": "计数", "money": "金额", "ratio": "比率", "days": "计数(日)", "bool": "是否",
             "enum": "Lv", "date": "日期"}
DOMAINS = {
    "count": ["", " 取值 [0, 10]", " 取值 [1, ∞)", " 取值 (-∞, 5]", " 取值 [0, 1000000000000000000]",
              " 取值 (-∞, ∞)"],
    "money": ["", " 取值 [0元, 1万元]", " 取值 [0.01元, ∞)", " 取值 (-∞, 1000000000000000000元]"],
    "ratio": ["", " 取值 [0, 1]", " 取值 [0%, 100%]"],
    "days": ["", " 取值 [0日, 30日]"],
    "date": ["", " 取值 [2022-01-01, 2026-12-31]"],
    "bool": [""], "enum": [""],
}
LITERALS = {
    "count": ["0", "1", "2", "5", "100", "999999999999999999", "1000000000000000000"],
    "money": ["0元", "0.01元", "5元", "1.5万元", "3亿元", "1000000000000000000元",
              "0.000000000000000001元"],
    "ratio": ["0", "20%", "0.5", "100%", "0.0000001%", "3"],
    "days": ["0日", "10日", "15日"],
    "date": ["2022-09-30", "2024-02-29"],
    "enum": ["A", "B", "C"],
}
RESULT_KINDS = ["count", "money", "ratio", "bool", "enum", "date", "money?", "list"]
EXAMPLE_VALUES = {
    "count": ["0", "5", "-5", "1000000000000000000"], "money": ["0元", "5元", "0.01元"],
    "ratio": ["20%", "0.5"], "days": ["10日"], "bool": ["是", "否"], "enum": ["A", "C"],
    "date": ["2022-09-30", "2026-12-20"], "money?": ["无", "5元"], "list": ["[1元, 2元]"],
}


# operations on two kinds: name -> (left kind, operator, right kind)
MIXED = {"×r": ("money", "×", "ratio"), "r×": ("ratio", "×", "money"),
         "×n": ("money", "×", "count"), "÷n": ("money", "÷", "count"),
         "m÷m": ("money", "÷", "money"), "n÷n": ("count", "÷", "count"),
         "shift": ("date", "+", "days")}


class Choices:
    """Where a program's random choices come from: Hypothesis (which then shrinks a
    failure to a small program) or a seeded generator."""

    def __init__(self, draw: st.DrawFn | None = None, seed: int = 0) -> None:
        self.draw = draw
        self.rng = random.Random(seed)

    def pick(self, options: list[str]) -> str:
        return self.draw(st.sampled_from(options)) if self.draw else self.rng.choice(options)

    def coin(self) -> bool:
        return self.draw(st.booleans()) if self.draw else self.rng.random() < 0.5

    def number(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi)) if self.draw else self.rng.randint(lo, hi)


class Program:
    """The text of one random, well-typed policy."""

    def __init__(self, choices: Choices) -> None:
        self.c = choices
        self.callable: dict[str, str] = {}  # earlier decisions by result kind
        self.local: str | None = None  # the kind of the current decision's 令 x
        self.in_null = False

    def pick(self, options: list[str]) -> str:
        return self.c.pick(options)

    def leaf(self, kind: str) -> str:
        names = [n for n, k in INPUTS.items() if k == kind] + LITERALS.get(kind, [])
        if self.local == kind:
            names.append("x")
        if kind == "money":
            names.append("k")
        names += [f"取 {d}" for d, k in self.callable.items() if k.rstrip("?") == kind]
        if not self.in_null and self.c.number(0, 9) == 0:
            # now and then a value that may be 无 where one is needed
            self.in_null = True
            names.append(f"(若 {self.cond(0)} 则 无 否则 {self.pick(names)})")
            self.in_null = False
        return self.pick(names)

    def expr(self, kind: str, depth: int) -> str:
        if depth <= 0 or self.c.coin():
            return self.leaf(kind)
        d = depth - 1
        forms = {
            "count": ["+", "-", "×", "最高", "最低", "较大", "较小", "if", "rules", "table"],
            "money": ["+", "-", "×r", "r×", "×n", "÷n", "最高", "最低", "较大", "if", "rules",
                      "table"],
            "ratio": ["×", "+", "m÷m", "n÷n", "if"],
            "days": ["+", "if"],
            "date": ["shift", "working", "quarter", "roll", "if"],
            "enum": ["if", "rules"],
        }[kind]
        form = self.pick(forms)
        e = self.operand
        if form in ("+", "-", "×", "最高", "最低"):
            return f"{e(kind, d)} {form} {e(kind, d)}"
        if form in ("较大", "较小"):
            return f"{form}({self.expr(kind, d)}, {self.expr(kind, d)})"
        if form in MIXED:
            left, op, right = MIXED[form]
            return f"{e(left, d)} {op} {e(right, d)}"
        if form == "working":
            return f"{e('date', d)} + {self.pick(['3工作日', '15工作日'])}"
        if form == "quarter":
            return f"季末({self.expr('date', d)}) + 5日"
        if form == "roll":
            return f"{e('date', d)} + 10日 顺延"
        if form == "if":
            return f"若 {self.cond(d)} 则 {self.expr(kind, d)} 否则 {self.expr(kind, d)}"
        if form == "rules":
            rows = " ".join(f"若 {self.cond(d)} => {self.expr(kind, d)}"
                            for _ in range(self.c.number(1, 3)))
            other = f" 否则 => {self.expr(kind, d)}" if self.c.coin() else ""
            return f"依次 {{ {rows}{other} }}"
        # a band table on a count
        key = self.pick(["a", "c"])
        cuts = sorted({self.c.number(0, 20) for _ in range(self.c.number(1, 3))})
        bands = ["-∞", *map(str, cuts), "∞"]
        rows = " ".join(f"{'(' if lo == '-∞' else '['}{lo}, {hi}) => {self.expr(kind, d)}"
                        for lo, hi in itertools.pairwise(bands))
        return f"查表 ({key}) {{ {rows} }}"

    def operand(self, kind: str, depth: int) -> str:
        return f"({self.expr(kind, depth)})"

    def cond(self, depth: int) -> str:
        d = max(depth - 1, 0)
        form = self.pick(["cmp", "post", "pre", "in", "bool", "member", "not", "and", "or",
                          "any"] if depth > 0 else ["cmp", "post", "bool", "member"])
        if form == "cmp":
            kind = self.pick(["count", "money", "ratio", "date"])
            return f"({self.expr(kind, d)}) {self.pick(['>', '>=', '<', '≤', '==', '≠'])} " \
                   f"({self.expr(kind, d)})"
        if form == "post":
            return f"{self.pick(['a', 'c'])} {self.pick(['5', '0', '100'])}" \
                   f"{self.pick(['以上', '以下', '以内'])}"
        if form == "pre":
            return f"{self.pick(['m', 'n'])} {self.pick(['超过', '不满', '低于', '不超过'])} " \
                   f"{self.pick(LITERALS['money'])}"
        if form == "in":
            return f"r 在 {self.pick(['[20%, 30%)', '[0, 1]', '(0.5, ∞)'])}"
        if form == "bool":
            return self.pick(["b", *[f"取 {n}" for n, k in self.callable.items() if k == "bool"]])
        if form == "member":
            return f"e 为 {self.pick(['A', 'B', 'C'])}"
        if form == "not":
            return f"非 {self.cond(d)}"
        if form in ("and", "or"):
            return f"{self.cond(d)} {'且' if form == 'and' else '或'} {self.cond(d)}"
        return f"任一 {{ {self.cond(d)}， {self.cond(d)} }}"

    def result(self, kind: str, depth: int) -> str:
        if kind == "bool":
            if self.c.coin():
                return self.cond(depth)
            return f"全部满足 {{ p \"p\" : {self.cond(depth)}  q \"q\" : {self.cond(depth)} }}"
        if kind == "enum" and self.c.coin():
            return f"取最严重 {{ A 若 {self.cond(depth)} B 若 {self.cond(depth)} 否则 => C }}"
        if kind == "money?":
            return f"若 {self.cond(depth)} 则 无 否则 {self.expr('money', depth)}"
        if kind == "list":
            return f"分期 ({self.expr('money', depth)}) 按 40%、30%、30%"
        return self.expr(kind, depth)

    def decision(self, i: int) -> str:
        kind = self.pick(RESULT_KINDS)
        base = kind.rstrip("?") if kind != "list" else "money"
        depth = self.c.number(0, 3)
        lines = [f'决策 d{i} "d{i}" ({", ".join(INPUTS)}) : '
                 + {"money?": "金额 或 无", "list": "列表(金额)"}.get(kind, TYPE_TEXT.get(kind, ""))
                 + ' 推导 "r" {']
        self.local = None
        if base in ("count", "money", "ratio", "date") and self.c.coin():
            lines.append(f"  令 x = {self.expr(base, depth)}")
            self.local = base
        if self.c.coin():
            lines.append(f'  要求 {self.cond(1)} 否则 "超出适用范围"')
        lines.append(f"  结果 {self.result(kind, depth)}")
        lines.append("}")
        for _ in range(self.c.number(0, 2)):
            args = [f"{n} = {self.pick(EXAMPLE_VALUES[k])}" for n, k in INPUTS.items()]
            slip = self.c.number(0, 60)  # now and then an argument left out or given twice
            if slip < len(args):
                if self.c.coin():
                    args.pop(slip)
                else:
                    args.append(args[slip])
            expected = self.pick(["拒绝", *EXAMPLE_VALUES[kind]])
            lines.append(f'例 d{i}({", ".join(args)}) => {expected} 推导 "r"')
        if kind != "list":
            self.callable[f"d{i}"] = kind
        return "\n".join(lines)

    def text(self) -> str:
        lines = ['文号 "测试〔2022〕1号"',
                 '枚举 Lv "级别" 推导 "r" { A "甲" 推导 "r" B "乙" 推导 "r" C "丙" 推导 "r" }']
        for name, kind in INPUTS.items():
            lines.append(f'输入 {name} "{name}" : {TYPE_TEXT[kind]}'
                         f'{self.pick(DOMAINS[kind])}')
        lines.append(f'常量 k "常量" = {self.constant()} 推导 "r"')
        lines += [self.decision(i) for i in range(self.c.number(1, 4))]
        return "\n".join(lines) + "\n"

    def constant(self) -> str:
        """Money from literals only: computed when the module is loaded."""
        text = self.pick(LITERALS["money"])
        for _ in range(self.c.number(0, 3)):
            op = self.pick(["+", "-", "×", "÷"])
            other = {"×": LITERALS["ratio"], "÷": LITERALS["count"]}.get(op, LITERALS["money"])
            text = f"({text}) {op} {self.pick(other)}"
        return text


@FUZZ
@given(st.data())
def test_programs_that_check_run_without_internal_errors(data: st.DataObject) -> None:
    exercise(Program(Choices(data.draw)).text(), data.draw)


def test_the_generator_writes_programs_that_check() -> None:
    """The property above is only as strong as the share of programs that compile."""
    compiled = [pipeline.compile_source(Program(Choices(seed=seed)).text(), "g.pol",
                                      verify_sources=False) for seed in range(100)]
    failures = [next(d.message for d in c.diagnostics if d.severity == "error")
                for c in compiled if not c.ok]
    assert len(failures) <= 40, failures[:10]


# ---------------------------------------------------------------- huge literals

NUMBER = re.compile(r"(?<![0-9.])[0-9]+(\.[0-9]+)?(?![0-9])")
TEXTS = [p.read_text(encoding="utf-8") for p in POLICIES]
HEAD = '文号 "测试〔2022〕1号"\n输入 x "x" : 计数(人)'


@st.composite
def huge_literals(draw: st.DrawFn) -> str:
    """A real policy with numbers replaced by ones past polc's limits or near them:
    4,000-5,000 digits (Python's int-string limit is 4,300), about 1e26 (past the
    default decimal precision), just past or at 10**18, many decimal places."""
    text = draw(st.sampled_from(TEXTS))
    spots = list(NUMBER.finditer(text))
    for _ in range(draw(st.integers(1, 3))):
        m = draw(st.sampled_from(spots))
        digits = draw(st.one_of(
            st.integers(4000, 5000).map(lambda n: "9" * n),
            st.integers(20, 30).map(lambda n: "1" + "0" * n),
            st.sampled_from(["1000000000000000000", "1000000000000000001",
                             "999999999999999999.999999999999999999",
                             "0." + "0" * 30 + "1", "123456789012345678901234567890"]),
        ))
        text = text[:m.start()] + digits + text[m.end():]
        spots = list(NUMBER.finditer(text))
    return text


@FUZZ
@given(st.sampled_from(TEXTS), st.data())
def test_real_policies_run_at_their_domain_edges(text: str, data: st.DataObject) -> None:
    assert exercise(text, data.draw).ok


@FUZZ
@given(huge_literals(), st.data())
def test_huge_literals_are_located_errors_or_run(text: str, data: st.DataObject) -> None:
    exercise(text, data.draw)


@FUZZ
@given(st.integers(1, 80), st.sampled_from(["count", "money"]), st.data())
def test_chains_of_decisions(depth: int, form: str, data: st.DataObject) -> None:
    """取 chains up to the limit (64) evaluate, plain and explained; longer ones are E121."""
    unit = "元" if form == "money" else "人"
    typ = "金额" if form == "money" else "计数(人)"
    lines = [HEAD.replace("计数(人)", typ),
             f'决策 d0 "d" (x) : {typ} 推导 "r" {{ 结果 x }}']
    lines += [f'决策 d{i} "d" (x) : {typ} 推导 "r" {{ 结果 取 d{i - 1} + 1{unit} }}'
              for i in range(1, depth + 1)]
    compiled = exercise("\n".join(lines) + "\n", data.draw)
    if depth > 64:
        assert {d.code for d in compiled.diagnostics if d.severity == "error"} == {"E121"}
        return
    assert compiled.ok
    spec = compiled.module.DECISIONS[f"d{depth}"]
    assert spec.func(x=5) == 5 + depth
    assert spec.explain(x=5).value == 5 + depth
