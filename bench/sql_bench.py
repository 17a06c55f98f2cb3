"""bench/run.py --only sql (issue 16): decisions over tables of cases.

DuckDB applies severity to a 10-million-row Parquet file generated in a temporary
folder: the query alone, read to result (the counts per answer, as --summary prints
them), then `polc eval --table` end to end as a process (start, compile, read,
answer, write) with its peak memory.  Spark and the Python engine run the same
decision on a smaller file: their figures are rows per second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POLC = str(Path(sys.executable).with_name("polc"))
POLICY = ROOT / "policies" / "55_overseas_labor_emergency.pol"
INPUTS = ("people_involved", "deaths", "serious_injuries", "confirmed_infections",
          "suspected_infections")
# the highest value drawn per input: every level of severity occurs
_TOPS = {"people_involved": 450, "deaths": 35, "serious_injuries": 110,
         "confirmed_infections": 12, "suspected_infections": 110}


def write_cases(path: Path, rows: int) -> None:
    """Severity cases as BIGINT columns, written a million rows at a time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    rng = np.random.default_rng(16)
    schema = pa.schema([(name, pa.int64()) for name in INPUTS])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            # skewed towards small counts (cubed uniforms), so that every level occurs
            columns = {name: (rng.integers(0, top + 1, n) * rng.random(n) ** 3).astype("int64")
                       for name, top in _TOPS.items()}
            writer.write_table(pa.table(columns, schema=schema))


def _measured(cmd: list[str]) -> tuple[int, float, float, int, str]:
    """Exit code, wall seconds, CPU seconds, peak RSS in bytes, standard output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    return code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out


def duckdb_query_seconds(path: Path, repeats: int) -> tuple[float, float, list[Any]]:
    """The best wall time of the generated query with its staging, file to counts, and
    the CPU time of that run (every DuckDB thread): on a shared machine the CPU time
    shows what waiting for a core hid."""
    import duckdb

    from polc.compiler import pipeline
    from polc.compiler.backends import sql
    from polc.compiler.backends.sql import engines, staging
    policy = pipeline.compile_file(POLICY).ir
    assert policy is not None
    best, cpu, counts = float("inf"), 0.0, []
    for _ in range(repeats):
        con = duckdb.connect(config={"memory_limit": engines.MEMORY_LIMIT})
        t0, c0 = time.perf_counter(), time.process_time()
        raw = con.read_parquet(str(path))
        raw.create_view("polc_raw")
        schema = list(zip(raw.columns, (str(t) for t in raw.types)))
        q = sql.query(policy, "severity", sql.Dialect.DUCKDB, "polc_input", staging.kept(schema))
        con.execute("CREATE VIEW polc_input AS "
                    + staging.select(q.columns, schema, "polc_raw", sql.Dialect.DUCKDB))
        counts = con.execute(f"SELECT value, count(*) FROM ({q.sql}) GROUP BY ALL "
                             "ORDER BY value").fetchall()
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
        con.close()
    return best, cpu, counts


def bench_sql(rep: Any, rows: int, small: int, repeats: int) -> None:
    rep.head(f"Decisions over a table (issue 16): severity, {rows:,}-row Parquet file")
    full = rows == 10_000_000
    with tempfile.TemporaryDirectory(prefix="polc-bench-sql-") as tmp:
        big = Path(tmp) / "severity.parquet"
        write_cases(big, rows)
        seconds, cpu, counts = duckdb_query_seconds(big, repeats)
        rep.add("DuckDB: the generated query, file read to counts per answer",
                f"{seconds:,.2f} s", "< 1 s" if full else "", seconds < 1 if full else None)
        rep.add(f"  CPU time of that run (all threads; {os.cpu_count()} cores)", f"{cpu:,.2f} s")
        rep.add("  cases per second", f"{rows / seconds / 1e6:,.1f} M/s")
        rep.add("  answers", ", ".join(f"{v}: {n:,}" for v, n in counts))
        out = Path(tmp) / "answers.parquet"
        code, wall, cpu, peak, _ = _measured([POLC, "eval", str(POLICY), "severity", "--table",
                                              str(big), "--out", str(out), "--summary"])
        rep.add("polc eval --table … --out … --summary (DuckDB), end to end",
                f"{wall:,.1f} s" if code == 0 else f"FAILED: exit {code}")
        rep.add("  CPU time (user + system)", f"{cpu:,.1f} s")
        rep.add("  peak memory (max RSS)", f"{peak / 2**30:,.2f} GB", "< 2 GB",
                peak < 2 * 2**30 and code == 0)
        part = Path(tmp) / "small.parquet"
        write_cases(part, small)
        for engine in ("spark", "python"):
            code, wall, cpu, peak, _ = _measured(
                [POLC, "eval", str(POLICY), "severity", "--table", str(part), "--out",
                 str(Path(tmp) / f"{engine}.parquet"), "--engine", engine])
            rep.add(f"polc eval --engine {engine}, {small:,} rows, end to end "
                    f"(peak {peak / 2**30:,.2f} GB)",
                    f"{wall:,.1f} s, {small / wall / 1e3:,.0f} k/s" if code == 0
                    else f"FAILED: exit {code}")
