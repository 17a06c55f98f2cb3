"""Each W7xx: a decision the batch module cannot compute from columns exactly says why, and
its batch function still answers, row by row through the scalar function (docs/batch.md).
The examples are those of docs/diagnostics.md."""

from __future__ import annotations

import numpy as np
import pytest

from polc.compiler import pipeline

HEAD = '文号 "测试〔2024〕1号"\n'
WHY = '推导 "t"'
PROGRAMS = {
    "W701": (('输入 a "甲" : 金额 取值 [0元, 1000元]\n输入 b "乙" : 金额 取值 [1元, 1000元]\n'
             f'决策 share "占比" (a, b) : 比率 {WHY} {{ 结果 a ÷ b }}\n'),
             {"a": np.array([1, 2], dtype=object), "b": np.array([3, 4], dtype=object)}),
    "W702": (('输入 d "收到日" : 日期\n'
             f'决策 due "截止日" (d) : 日期 {WHY} {{ 结果 d + 10日 }}\n'),
             {"d": np.array(["2024-03-01", "2024-12-25"], dtype="datetime64[D]")}),
    "W703": (('输入 total "总额" : 金额 取值 [0元, 1000万元]\n'
             f'决策 parts "分期" (total) : 列表(金额) {WHY} {{ 结果 分期 total 按 40%、30%、30% }}\n'),
             {"total": np.array([100, 1001], dtype=np.int64)}),
    "W704": (('输入 at "事发时间" : 时刻\n'
             f'决策 night "夜间" (at) : 是否 {WHY} {{ 结果 at < 2024-01-01T06:00 }}\n'),
             {"at": np.array(["2023-12-31T23:00", "2024-01-01T07:00"], dtype="datetime64[m]")}),
    "W705": (('输入 late "逾期" : 是否\n'
             f'决策 due "截止日" (late) : 日期 {WHY} {{ 结果 若 late 则 2024-01-01 否则 2024-02-01 }}\n'),
             {"late": np.array([True, False])}),
    "W706": (('输入 x "数量" : 计数\n'
             f'决策 big "巨数" (x) : 计数 {WHY} {{ 结果 x × 1000000000000000000 }}\n'),
             {"x": np.array([0, 1, 2], dtype=np.int64)}),
    "W708": (('输入 income "年收入" : 金额 取值 [0元, 1000万元]\n'
             f'决策 fine "罚款" (income) : 范围(金额) {WHY} {{ 结果 income × 40% 至 income × 80% }}\n'),
             {"income": np.array([100000, 12345678], dtype=np.int64)}),
}


@pytest.mark.parametrize("code", sorted(PROGRAMS))
def test_warning_says_which_and_why_and_the_batch_still_answers(code: str) -> None:
    text, columns = PROGRAMS[code]
    c = pipeline.compile_source(HEAD + text, "t.pol", verify_sources=False)
    assert c.ok, [str(d) for d in c.diagnostics]
    found = [d for d in c.vector.diagnostics.items]
    assert [d.code for d in found] == [code], [(d.code, d.message) for d in found]
    decision = next(iter(c.batch.BATCH))
    assert found[0].message.startswith(f"决策 {decision} 不能按列计算，批量时逐行调用标量函数：")
    assert found[0].severity == "warning"
    assert decision in c.batch.ROW_BY_ROW and c.batch.ROW_BY_ROW[decision].startswith(code)
    batch = c.batch.BATCH[decision](**columns)
    scalar = getattr(c.module, decision)
    rows = [dict(zip(columns, vals)) for vals in zip(*(col.tolist() for col in columns.values()))]
    expected = []
    for row in rows:
        try:
            expected.append(scalar(**row))
        except Exception as exc:  # noqa: BLE001 - the refusal itself is compared
            expected.append(str(exc))
    got = [g.message if hasattr(g, "message") else g for g in batch.tolist()]
    assert got == expected
    assert batch.vectorised == 0
