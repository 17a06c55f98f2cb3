"""若 … 则 A 否则 B with conditions as its branches, written without parentheses (issue 15):
the same policy as the parenthesised form, through every backend, and the else branch
still stops before 且/或 so no existing program changes meaning."""

from __future__ import annotations

import re
from decimal import Decimal

from polc.compiler import pipeline
from polc.compiler.tools.fmt import format_text

from ..semantics.stage import HEAD, codes, policy

INPUTS = ('输入 resident "是否本地" : 是否\n输入 income "收入" : 金额\n'
          '输入 x "金额" : 金额\n输入 n "人数" : 计数(人)\n')


def _text(result: str) -> str:
    return (HEAD + INPUTS + '决策 ok "是否符合" (resident, income, x, n) : 是否 推导 "t" {\n'
            f'  结果 {result}\n}}\n')


BARE = "若 resident 则 income 3946元以下（不含） 否则 x 达到 5元 且 n ≥ 1人"
PAREN = "(若 resident 则 (income 3946元以下（不含）) 否则 (x 达到 5元)) 且 n ≥ 1人"


def _no_spans(v: object) -> str:
    # where a node was written, and its words as written, differ; nothing else may
    return re.sub(r"text='[^']*'", "", re.sub(r"Span\([^)]*\)", "", repr(v)))


def test_bare_branches_are_the_parenthesised_condition() -> None:
    bare, paren = policy(_text(BARE)), policy(_text(PAREN))
    assert _no_spans(bare.decision("ok").result) == _no_spans(paren.decision("ok").result)


def test_else_branch_stops_before_and_as_before() -> None:
    # 且 joins the whole 若 …: with n = 0 the answer is 否 whichever branch is taken
    c = pipeline.compile_source(_text(BARE), "t.pol", verify_sources=False)
    assert c.ok
    ok = c.module.ok
    assert ok(resident=True, income=Decimal(3000), x=Decimal(0), n=1) is True
    assert ok(resident=True, income=Decimal(3946), x=Decimal(9), n=1) is False
    assert ok(resident=False, income=Decimal(0), x=Decimal(5), n=1) is True
    assert ok(resident=False, income=Decimal(0), x=Decimal("4.99"), n=1) is False
    assert ok(resident=True, income=Decimal(3000), x=Decimal(9), n=0) is False


def test_vector_backend_answers_as_the_scalar_function() -> None:
    import numpy as np
    c = pipeline.compile_source(_text(BARE), "t.pol", verify_sources=False)
    rows = [(r, i, xv, nv) for r in (True, False) for i in ("3945.99", "3946")
            for xv in ("4.99", "5") for nv in (0, 1)]
    batch = c.batch.ok_batch(resident=np.array([r[0] for r in rows]),
                             income=[Decimal(r[1]) for r in rows],
                             x=[Decimal(r[2]) for r in rows],
                             n=np.array([r[3] for r in rows]))
    want = [c.module.ok(resident=r, income=Decimal(i), x=Decimal(xv), n=nv)
            for r, i, xv, nv in rows]
    assert batch.tolist() == want
    assert True in want and False in want


def test_condition_beside_a_number_is_a_type_error() -> None:
    text = (HEAD + INPUTS + '决策 d "d" (resident, x) : 金额 推导 "t" {\n'
            '  结果 若 resident 则 x 达到 5元 否则 x\n}\n')
    assert codes(text) == codes(text.replace("则 x 达到 5元", "则 (x 达到 5元)"))
    assert codes(text)


def test_fmt_keeps_the_bare_and_the_parenthesised_forms() -> None:
    for result in (BARE, PAREN):
        once = format_text(_text(result))
        assert result in once and format_text(once) == once


def test_first_branch_may_join_conditions() -> None:
    joined = "若 resident 则 x 达到 5元 且 n ≥ 1人 否则 income 3946元以下（不含）"
    in_parens = "若 resident 则 (x 达到 5元 且 n ≥ 1人) 否则 (income 3946元以下（不含）)"
    assert _no_spans(policy(_text(joined)).decision("ok").result) == \
        _no_spans(policy(_text(in_parens)).decision("ok").result)
    c = pipeline.compile_source(_text(joined), "t.pol", verify_sources=False)
    assert c.module.ok(resident=True, income=Decimal(0), x=Decimal(5), n=0) is False
    assert c.module.ok(resident=False, income=Decimal(0), x=Decimal(5), n=0) is True
