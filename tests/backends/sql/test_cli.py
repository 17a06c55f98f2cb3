"""`polc sql` prints SQL that runs as printed, and `polc eval --table` reads and writes
Parquet and CSV through every engine with the same answers and refusals."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from polc.compiler.backends.sql import engines
from tests.paths import CALENDARS, POLICIES, ROOT

from . import harness as H

POLC = [sys.executable, "-m", "polc.compiler.tools.cli"]
SEVERITY = POLICIES / "55_overseas_labor_emergency.pol"
BAD_CSV = ("id,people_involved,deaths,serious_injuries,confirmed_infections,suspected_infections\n"
           "a,400,0,0,0,0\nb,10,0,0,0,0\nc,-1,0,0,0,0\nd,3.5,0,0,0,0\ne,,0,0,0,0\n"
           "f,250,0,0,1,0\ng,12,x,0,0,0\n")


def polc(*args: str | Path) -> tuple[int, str, str]:
    done = subprocess.run([*POLC, *map(str, args)], capture_output=True, cwd=ROOT,
                          timeout=600, check=False, text=True)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip().strip(";")]


def test_printed_duckdb_sql_runs_as_printed() -> None:
    """The text `polc sql` prints, with its calendar tables, gives the Python answers on
    tables named as its views expect."""
    for stem in ("54_audit_rectification", "55_overseas_labor_emergency",
                 "58_finance_assessment"):
        code, text, err = polc("sql", POLICIES / f"{stem}.pol", "--dialect", "duckdb",
                               "--keep", "polc_row")
        assert code == 0, err
        con = duckdb.connect()
        every = [d.name for d in H.compiled(stem).ir.decisions]  # type: ignore[union-attr]
        for decision in every:
            rows = H.cases(stem, decision, 500, seed=3)
            con.register(f"{decision}_arrow", H.arrow_table(stem, decision, rows))
            con.execute(f"CREATE TABLE {decision}_input AS SELECT * FROM {decision}_arrow")
        for statement in statements(text):
            con.execute(statement)
        for decision in every:
            rows = H.cases(stem, decision, 500, seed=3)
            view = con.execute(f'SELECT value, error_field, error FROM "{decision}" '
                               "ORDER BY polc_row").fetchall()
            answers = H.python_answers(stem, decision, rows)
            assert [(engines.normalise(r[0]), r[1], r[2] is not None) for r in view] == \
                answers, decision


def test_printed_spark_sql_runs_as_printed(spark: Any) -> None:
    code, text, err = polc("sql", POLICIES / "54_audit_rectification.pol", "task_list_deadline",
                           "--dialect", "spark", "--source", "cases", "--keep", "polc_row")
    assert code == 0, err
    rows = H.cases("54_audit_rectification", "task_list_deadline", 300, seed=5)
    spark.createDataFrame(H.arrow_table("54_audit_rectification", "task_list_deadline", rows)) \
        .createOrReplaceTempView("cases")
    for statement in statements(text):
        spark.sql(statement)
    got = spark.sql("SELECT value, error_field, error FROM task_list_deadline "
                    "ORDER BY polc_row").collect()
    answers = H.python_answers("54_audit_rectification", "task_list_deadline", rows)
    assert [(r[0], r[1], r[2] is not None) for r in got] == answers


def test_sql_names_what_it_cannot_compute_and_prints_the_rest() -> None:
    code, text, err = polc("sql", POLICIES / "63_headquarters_economy.pol")
    assert code == 1
    assert "E720" in err and "landing_subsidy_installments" in err
    assert 'VIEW "growth_reward"' in text and 'VIEW "landing_subsidy_installments"' not in text
    code, _, err = polc("sql", SEVERITY, "no_such_decision")
    assert code == 2 and "no decision 'no_such_decision'" in err
    code, _, err = polc("sql", SEVERITY, "--source", "x; DROP TABLE y")
    assert code == 2 and "--source" in err


def _run(tmp_path: Path, engine: str, table: Path, out_name: str, *extra: str
         ) -> tuple[int, str, str, Path]:
    out = tmp_path / f"{engine}-{out_name}"
    code, stdout, err = polc("eval", SEVERITY, "severity", "--table", table, "--out", out,
                             "--engine", engine, "--summary", *extra)
    return code, stdout, err, out


def test_eval_table_csv_and_parquet_through_python_and_duckdb(tmp_path: Path) -> None:
    table = tmp_path / "cases.csv"
    table.write_text(BAD_CSV, encoding="utf-8")
    outputs = {}
    for engine in ("python", "duckdb"):
        for name in ("out.parquet", "out.csv"):
            code, stdout, err, out = _run(tmp_path, engine, table, name)
            assert code == 2, err  # some rows are refused: bad input, all rows still written
            assert stdout.splitlines() == ['{"value": "I", "count": 1}',
                                           '{"value": "III", "count": 1}',
                                           '{"value": "IV", "count": 1}', '{"refused": 4}']
            read = pq.read_table(out) if name.endswith("parquet") else pcsv.read_csv(
                out, convert_options=pcsv.ConvertOptions(
                    column_types={"id": pa.string(), "people_involved": pa.string()},
                    strings_can_be_null=True))
            outputs[(engine, name)] = read.select(["id", "people_involved", "value",
                                                   "error_field"]).to_pylist()
    first = outputs[("python", "out.parquet")]
    assert [r["value"] for r in first] == ["I", "IV", None, None, None, "III", None]
    assert [r["error_field"] for r in first] == [None, None, "people_involved",
                                                 "people_involved", "people_involved", None,
                                                 "deaths"]
    assert first[3]["people_involved"] == "3.5"  # the refused cell as it was written
    for key, rows in outputs.items():
        assert [(r["value"], r["error_field"]) for r in rows] == \
            [(r["value"], r["error_field"]) for r in first], key


def test_eval_table_refuses_what_it_cannot_read_or_must_not_write(tmp_path: Path) -> None:
    floats = tmp_path / "floats.parquet"
    pq.write_table(pa.table({"people_involved": [1.5], "deaths": [0], "serious_injuries": [0],
                             "confirmed_infections": [0], "suspected_infections": [0]}), floats)
    for engine in ("python", "duckdb"):
        code, _, err, _ = _run(tmp_path, engine, floats, "f.parquet")
        assert code == 2 and "people_involved" in err and "floating-point" in err, err
    missing = tmp_path / "missing.csv"
    missing.write_text("people_involved,deaths\n1,2\n", encoding="utf-8")
    for engine in ("python", "duckdb"):
        code, _, err, _ = _run(tmp_path, engine, missing, "m.parquet")
        assert code == 2 and "no column serious_injuries" in err, err
    table = tmp_path / "ok.csv"
    table.write_text(BAD_CSV, encoding="utf-8")
    existing = tmp_path / "duckdb-taken.parquet"
    existing.write_bytes(b"not polc's")
    code, _, err, _ = _run(tmp_path, "duckdb", table, "taken.parquet")
    assert code == 2 and "does not overwrite" in err
    assert existing.read_bytes() == b"not polc's"
    code, _, err = polc("eval", SEVERITY, "severity", "--table", table)
    assert code == 2 and "--out" in err
    code, _, err = polc("eval", SEVERITY, "severity", "--table", table, "--out",
                        tmp_path / "x.json")
    assert code == 2 and ".parquet or .csv" in err


def test_a_decision_sql_cannot_compute_runs_on_the_python_engine(tmp_path: Path) -> None:
    table = tmp_path / "capital.csv"
    table.write_text("paid_in_capital\n10000000\n", encoding="utf-8")
    policy = POLICIES / "63_headquarters_economy.pol"
    code, _, err = polc("eval", policy, "landing_subsidy_installments", "--table", table,
                        "--summary")
    assert code == 1 and "E720" in err and "--engine python" in err
    code, out, err = polc("eval", policy, "landing_subsidy_installments", "--table", table,
                          "--summary", "--engine", "python")
    assert code == 0, err
    assert out.count('"count": 1') == 1


def test_user_calendars_reach_the_calendar_table(tmp_path: Path) -> None:
    """A deadline that runs into 2027 is refused by every engine on the built-in
    calendar, and answered alike by each once a calendar file adds 2027."""
    table = tmp_path / "received.csv"
    table.write_text("received_on\n2026-12-20\n2025-03-03\n", encoding="utf-8")
    policy = POLICIES / "54_audit_rectification.pol"
    answers = {}
    for extra in ((), ("--calendar", CALENDARS / "made_up_2027.toml")):
        for engine in ("python", "duckdb"):
            out = tmp_path / f"{engine}-{len(extra)}.parquet"
            code, _, err = polc("eval", policy, "task_list_deadline", "--table", table,
                                "--out", out, "--engine", engine, *extra)
            rows = pq.read_table(out).to_pylist()
            answers[(engine, len(extra))] = [(r["value"], r["error_field"]) for r in rows]
            assert code == (0 if extra else 2), err
    assert answers[("python", 0)] == answers[("duckdb", 0)]
    assert answers[("python", 0)][0] == (None, "received_on")
    assert answers[("python", 2)] == answers[("duckdb", 2)]
    assert answers[("python", 2)][0][0] is not None


def test_python_engine_streams_batches_with_duckdb_answers(tmp_path: Path) -> None:
    """More rows than one batch of the Python engine: its output is DuckDB's, row by row."""
    stem, decision = "58_finance_assessment", "bank_annual_reward"
    rows = H.cases(stem, decision, engines.BATCH * 2 + 123, seed=9)
    table = tmp_path / "banks.parquet"
    pq.write_table(H.arrow_table(stem, decision, rows), table)
    got = {}
    for engine in ("python", "duckdb"):
        out = tmp_path / f"{engine}.parquet"
        code, _, err = polc("eval", POLICIES / f"{stem}.pol", decision, "--table", table,
                            "--out", out, "--engine", engine)
        assert code == 2, err
        got[engine] = pq.read_table(out).select(["polc_row", "value", "error_field"])
    assert got["python"].num_rows == len(rows)
    assert got["python"].to_pylist() == got["duckdb"].to_pylist()
    assert any(v is not None and v > Decimal(0) for v in got["python"]["value"].to_pylist())


def test_spark_engine_writes_one_file_as_the_others(tmp_path: Path, spark: Any) -> None:
    table = tmp_path / "cases.csv"
    table.write_text(BAD_CSV, encoding="utf-8")
    c = H.compiled("55_overseas_labor_emergency")
    results = {}
    for engine in ("spark", "duckdb"):
        out = tmp_path / f"{engine}.parquet"
        job = engines.Job(c.ir, c.module, "severity", table, out)  # type: ignore[arg-type]
        results[engine] = (engines.ENGINES[engine](job),
                           pq.read_table(out).select(["id", "value", "error", "error_field"]))
    assert results["spark"][0] == results["duckdb"][0]
    assert results["spark"][1].to_pylist() == results["duckdb"][1].to_pylist()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".polc")] == []


def test_each_inexact_construct_is_named_and_the_exact_rest_runs(tmp_path: Path) -> None:
    # outside the repository: no sources/ folder above it to check its citations against
    policy = tmp_path / "e72x.pol"
    policy.write_bytes(Path(__file__).with_name("e72x.pol").read_bytes())
    code, text, err = polc("sql", policy)
    assert code == 1
    assert err.count("error[E721]") == 2 and err.count("error[E722]") == 1, err
    assert "决策 share" in err and "决策 third" in err and "决策 product" in err
    assert 'VIEW "half"' in text and 'VIEW "share"' not in text
    table = tmp_path / "amounts.csv"
    table.write_text("a\n0.01\n0.03\n0.05\n12345.675\n7\n", encoding="utf-8")
    outs = {}
    for engine in ("python", "duckdb"):
        out = tmp_path / f"{engine}.csv"
        code, _, err = polc("eval", policy, "half", "--table", table, "--out", out,
                            "--engine", engine)
        assert code == 0, err
        read = pcsv.read_csv(out, convert_options=pcsv.ConvertOptions(
            column_types={"value": pa.string()}))
        outs[engine] = [Decimal(v) for v in read.column("value").to_pylist()]
    # half up to the fen (0.005 → 0.01, 0.015 → 0.02), as polc.runtime.money rounds
    assert outs["python"] == outs["duckdb"] == [
        Decimal("0.01"), Decimal("0.02"), Decimal("0.03"), Decimal("6172.84"), Decimal("3.5")]
