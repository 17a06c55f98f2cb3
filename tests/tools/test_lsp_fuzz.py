"""Every language-server feature answers on any text, at any position: real policies cut,
spliced and sprinkled with the characters drafters mistype; and formatting in every
line-break style.  In process: the end-to-end tests in test_lsp.py drive the same
functions through the server over stdio."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lsprotocol import types as T

from polc.compiler.tools import fmt
from polc.compiler.tools.lsp import complete, features, hover
from polc.compiler.tools.lsp.document import Analysis

from ..paths import POLICIES

TEXTS = {p: p.read_text(encoding="utf-8") for p in sorted(POLICIES.glob("*.pol"))}
NOISE = st.sampled_from(list("「」{}()\"#：:，, \n\t引若则为以上以下0123456789人元%x_") +
                        ["\r\n", "\u3000", "\ufeff", "\U0001f600", "决策 ", "输入 ", "引 一"])
EXAMPLES = int(os.environ.get("POLC_FUZZ_EXAMPLES", "40"))


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(sorted(TEXTS)))
    text = TEXTS[path]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 40))
        text = text[:at] + "".join(draw(st.lists(NOISE, max_size=6))) + text[at + cut:]
    return path.resolve().as_uri(), text


# no shrinking: a case is a whole policy, and the failure shown is already the input
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(edited(), st.lists(st.tuples(st.integers(0, 800), st.integers(0, 120)), min_size=1,
                          max_size=6))
def test_every_feature_answers_anywhere(doc: tuple[str, str],
                                        positions: list[tuple[int, int]]) -> None:
    uri, text = doc
    a = Analysis(uri, text, 1)
    diags = features.diagnostics(a)
    assert all(isinstance(d, T.Diagnostic) and d.code for d in diags)
    lines = text.count("\n") + 1
    for line, character in positions:
        pl, pc = a.lines.from_lsp(line % lines, character)
        assert hover.hover(a, pl, pc) is None or isinstance(hover.hover(a, pl, pc), T.Hover)
        features.definition(a, pl, pc)
        features.references(a, pl, pc, True)
        features.prepare_rename(a, pl, pc)
        for trigger in (None, " ", "「"):
            assert isinstance(complete.completion(a, pl, pc, trigger), T.CompletionList)
        rng = T.Range(T.Position(line % lines, character), T.Position(line % lines,
                                                                     character + 5))
        assert isinstance(features.code_actions(a, rng, diags), list)
    edits = features.formatting(text, a.name)
    assert edits is None or isinstance(edits, list)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_formatting_replaces_the_whole_text_in_every_line_break_style(newline: str) -> None:
    path = POLICIES / "55_overseas_labor_emergency.pol"
    messy = TEXTS[path].replace("\n  引 ", "\n      引 ").replace("\n", newline)
    [edit] = features.formatting(messy, str(path)) or []
    lines = re.split("\r\n|\r|\n", messy)
    assert edit.range.start == T.Position(0, 0)
    assert edit.range.end == T.Position(len(lines) - 1, len(lines[-1]))
    assert edit.new_text == fmt.format_text(messy)
    # polc fmt keeps CRLF and LF, and writes a lone CR as LF (compiler/tools/fmt.py)
    written = "\n" if newline == "\r" else newline
    assert edit.new_text.count(written) == TEXTS[path].count("\n")


def test_a_unit_declared_by_the_policy_is_completed_after_a_number() -> None:
    text = ('文号 "测试〔2024〕1号"\n单位 垧 "当地的垧" = 15亩 推导 "t"\n'
            '常量 c = 3\n常量 d = 3垧\n')
    a = Analysis("file:///tmp/units.pol", text)
    # after "3" every unit is offered, the policy's own with its label
    items = complete.completion(a, 3, 11).items
    assert {"亩", "万元", "垧"} <= {i.label for i in items}
    (own,) = [i for i in items if i.label == "垧"]
    assert own.detail is not None and "当地的垧" in own.detail
    # after "3垧" the threshold words that follow a number
    words = {i.label for i in complete.completion(a, 4, 12).items}
    assert "以上" in words and "垧" not in words


def test_the_member_of_a_member_bound_is_an_occurrence_of_the_member() -> None:
    # grade III以上 is one token; go-to-definition and rename see its III
    text = ('文号 "测试〔2024〕1号"\n枚举 G "等级" 由重到轻 推导 "t" { I "甲" 推导 "t"  III "丙" 推导 "t" }\n'
            '输入 g "等级" : G\n决策 d "d" (g) : 是否 推导 "t" { 结果 g III以上 }\n')
    a = Analysis("file:///tmp/bound.pol", text)
    found = [(o.col, o.end_col, o.symbol.kind, o.symbol.name) for o in a.index.occurrences
             if o.line == 4 and o.symbol.kind == "member"]
    assert found == [(33, 36, "member", "III")]
