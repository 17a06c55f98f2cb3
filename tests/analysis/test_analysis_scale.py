"""The static analyses on large policies (issue 8): bench/synth.py's shapes at
2,000 rows, each with a defect seeded in the middle, must finish and still be
found with the same counterexample a small policy would get.  Correctness only:
the timings live in bench/RESULTS.md, not in assertions.
"""

from __future__ import annotations

import sys

from polc.compiler import pipeline
from polc.compiler.diagnostics import Diagnostic

from ..paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import synth

N = 2000


def findings(text: str) -> list[Diagnostic]:
    compiled = pipeline.compile_source(text, "synth.pol", verify_sources=False)
    return [d for d in compiled.diagnostics if d.code[1] == "6"]


def seeded(text: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def codes(found: list[Diagnostic]) -> list[tuple[str, int]]:
    return sorted((d.code, d.span.line) for d in found)


def test_clean_shapes_have_no_findings() -> None:
    for shape in ("bands", "levels", "tables"):
        assert findings(synth.SHAPES[shape](N)) == [], shape


def test_bands_gap_and_overlap() -> None:
    text = seeded(synth.bands(N),
                  ("    [100000元, 100100元)", "    [100050元, 100100元)"),  # gap at 100000元
                  ("    [150000元, 150100元)", "    [150000元, 150150元)"),  # overlap at 150100元
                  ("    否则 => 0元", "    [200000元, 300000元) => 0元"))
    found = findings(text)
    assert codes(found) == [("E602", line_of(text, "[150100元, 150200元)")),
                            ("W601", line_of(text, "结果 查表"))]
    messages = {d.code: d.message for d in found}
    assert "income = 10万元 时" in messages["W601"]
    assert "income = 15.01万元 同时匹配" in messages["E602"]  # as the notices write it


def test_levels_gap_shadow_and_order() -> None:
    top = (N - 1) * 10
    text = seeded(synth.levels(N),
                  (f"t{N - 1} 若 people 0人以上", f"t{N - 1} 若 people 5人以上"),
                  # t1000 can never apply: t0 (the highest threshold) takes all of it
                  (f"t1000 若 people {(N - 1001) * 10}人以上", f"t1000 若 people {top}人以上"),
                  # below 3人 t1500 applies, a more severe level than 3人 and more get;
                  # 3人 and 4人 are in no level
                  (f"t1500 若 people {(N - 1501) * 10}人以上", "t1500 若 people 在 [0人, 3人)"))
    found = findings(text)
    assert codes(found) == sorted([("W601", line_of(text, "结果 取最严重")),
                                   ("W605", line_of(text, "t1000 若")),
                                   ("W607", line_of(text, "t1501 若"))])
    messages = {d.code: d.message for d in found}
    assert "people = 3人 时没有一行适用" in messages["W601"]
    assert "与前面的第 1 行条件相同" in messages["W605"]
    assert "people 从 0人 增至 4980人（其余不变）时，级别由 t1500 降为 t1501" in messages["W607"]


def test_tables_gap_and_overlap() -> None:
    text = seeded(synth.tables(N),
                  ("    k3, [5000元, 6000元) => 605元", ""),  # kind k3 at 5000元: no row
                  ("    k7, [3000元, 4000元)", "    k7, [3000元, 4500元)"),  # overlaps the next
                  ("    否则 => 0元", ("    *, [200000元, 300000元] => 0元\n"
                                   "    *, 300000元以上（不含） => 0元")))
    found = findings(text)
    assert codes(found) == [("E602", line_of(text, "k7, [4000元, 5000元)")),
                            ("W601", line_of(text, "结果 查表"))]
    messages = {d.code: d.message for d in found}
    assert "kind = k3，amount = 5000元 时" in messages["W601"]
    assert "kind = k7，amount = 4000元 同时匹配" in messages["E602"]


def test_duplicate_rows_are_each_reported() -> None:
    row = "    [0元, 100元) => 1元 推导 \"synthetic\"\n"
    text = synth.bands(10).replace("    否则", row * N + "    否则")
    found = findings(text)
    # every copy repeats the table's own first row, [0元, 100元)
    assert sum(d.code == "E604" for d in found) == N
    assert sum(d.code == "E602" for d in found) == 0
