"""Every contract decision gives the same answers through its Python function, DuckDB
and Spark, on random cases read from its IR (cases.py): the numbers and dates it
compares against and their neighbours over-represented, growth rates exactly on their
thresholds, dates past both ends of the calendar, about 3% of rows invalid (missing,
outside the domain, an unknown enum name), which every engine must refuse naming the
same field.

DuckDB runs 100,000 cases per decision, as issue 16 asks.  Spark runs SPARK_CASES per
decision, all decisions in one Spark job: in local mode on this 2-core machine a job
costs seconds whatever its size and the suite has minutes, not hours; the cases are
drawn the same way, with another seed.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import harness as H

DUCKDB_CASES = 100_000
SPARK_CASES = 2_000


def _compare(stem: str, decision: str, rows: list[dict[str, object]],
             theirs: list[H.Answer], engine: str) -> None:
    ours = H.python_answers(stem, decision, rows)
    assert len(theirs) == len(ours)
    wrong = [(rows[i], ours[i], theirs[i]) for i in range(len(rows)) if ours[i] != theirs[i]]
    assert not wrong, f"{engine} differs from Python on {len(wrong)} cases, e.g. {wrong[:3]}"
    # the cases reach both answers and refusals: a generator that produced only refused
    # rows (or none) would make the comparison empty
    refused = sum(1 for _, _, bad in ours if bad)
    assert 0 < refused < len(rows)


@pytest.mark.parametrize(("stem", "decision"), H.PAIRS, ids=[d for _, d in H.PAIRS])
def test_duckdb_answers_as_python(stem: str, decision: str) -> None:
    rows = H.cases(stem, decision, DUCKDB_CASES, seed=16)
    _compare(stem, decision, rows, H.duckdb_answers(stem, decision, H.arrow_table(
        stem, decision, rows)), "DuckDB")


def test_spark_answers_as_python(spark: Any) -> None:
    drawn = {(stem, d): H.cases(stem, d, SPARK_CASES, seed=17) for stem, d in H.PAIRS}
    results = H.spark_answers(spark, [(stem, d, H.arrow_table(stem, d, rows))
                                      for (stem, d), rows in drawn.items()])
    assert set(results) == {d for _, d in H.PAIRS}
    for (stem, d), rows in drawn.items():
        _compare(stem, d, rows, results[d], "Spark")
