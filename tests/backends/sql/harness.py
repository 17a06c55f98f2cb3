"""Running one decision's cases through the Python function, DuckDB and Spark, each
answer reduced to (value, error_field, refused) so that the three compare equal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

from polc.compiler import pipeline
from polc.compiler.backends import sql
from polc.compiler.backends.sql import engines, staging
from polc.compiler.ir import TypeKind as TK
from polc.runtime import PolcError
from tests.paths import POLICIES

from .cases import Cases

# ../shared/contract/decisions.md: every contract decision, by policy file
CONTRACT = {
    "54_audit_rectification": ("task_list_deadline", "signoff_deadline"),
    "55_overseas_labor_emergency": ("severity", "commander", "written_report_deadline",
                                    "warning_level", "warning_color", "warning_approver"),
    "56_childcare_governance": ("institution_category",),
    "57_substandard_grain": ("grain_disposal", "records_retain_until"),
    "58_finance_assessment": ("inclusive_finance_quarterly_reward",
                              "deposit_loan_growth_quarterly_reward", "bank_annual_reward",
                              "insurance_annual_prize", "tax_contribution_reward",
                              "new_branch_reward", "microloan_veto"),
    "60_public_rental_housing": ("guarantee_area", "rent_subsidy_rate", "monthly_rent_subsidy",
                                 "worker_rent_subsidy", "monthly_rent",
                                 "lower_middle_income_eligible"),
    "62_high_tech_cultivation": ("targets_2024_met",),
    "63_headquarters_economy": ("growth_reward", "talent_reward", "landing_subsidy",
                                "soe_landing_reward", "max_monthly_rent_subsidy",
                                "renovation_subsidy", "comprehensive_hq_qualified"),
    "64_floating_population": ("phase", "target_met"),
}
PAIRS = [(stem, d) for stem, ds in CONTRACT.items() for d in ds]
Answer = tuple[object, str | None, bool]  # value, error_field, refused


@cache
def compiled(stem: str) -> pipeline.Compilation:
    c = pipeline.compile_file(POLICIES / f"{stem}.pol")
    assert c.ok, stem
    return c


def cases(stem: str, decision: str, n: int, seed: int) -> list[dict[str, object]]:
    c = compiled(stem)
    assert c.ir is not None
    return Cases(c.ir, c.ir.decision(decision), c.module, seed).many(n)


def python_answers(stem: str, decision: str, rows: list[dict[str, object]]) -> list[Answer]:
    c = compiled(stem)
    spec = c.module.DECISIONS[decision]
    enums = {f.name: f.enum for f in spec.fields if f.enum is not None}
    out: list[Answer] = []
    for row in rows:
        args = {k: (enums[k].__members__.get(v, v) if k in enums and isinstance(v, str) else v)
                for k, v in row.items()}
        try:
            out.append((engines.normalise(spec.func(**args)), None, False))
        except PolcError as exc:
            out.append((None, engines.refusal(exc)[1], True))
    return out


def arrow_table(stem: str, decision: str, rows: list[dict[str, object]]) -> Any:
    import pyarrow as pa
    c = compiled(stem)
    assert c.ir is not None
    types = {TK.COUNT: pa.int64(), TK.NUM: pa.decimal128(25, 6), TK.DATE: pa.date32(),
             TK.DATETIME: pa.timestamp("us"), TK.BOOL: pa.bool_(), TK.ENUM: pa.string()}
    columns = {"polc_row": pa.array(range(len(rows)), pa.int64())}
    for name in c.ir.decision(decision).params:
        t = types[c.ir.input(name).type.kind]
        columns[name] = pa.array([engines.normalise(r[name]) for r in rows], t)
    return pa.table(columns)


def _parse(q: sql.Query, value: object) -> object:
    if not isinstance(value, str) or q.kind in (TK.ENUM, TK.ROLE):
        return value
    if q.kind in (TK.COUNT, TK.NUM):
        return Decimal(value)
    if q.kind is TK.DATE:
        return dt.date.fromisoformat(value)
    if q.kind is TK.DATETIME:
        return dt.datetime.fromisoformat(value)
    if q.kind is TK.BOOL:
        return value == "true"
    return value


def duckdb_answers(stem: str, decision: str, table: Any) -> list[Answer]:
    import duckdb
    c = compiled(stem)
    assert c.ir is not None
    con = duckdb.connect()
    con.register("polc_raw", table)
    schema = [(f.name, str(con.sql("SELECT * FROM polc_raw").types[i]))
              for i, f in enumerate(table.schema)]
    q = sql.query(c.ir, decision, sql.Dialect.DUCKDB, "polc_input", staging.kept(schema))
    con.execute("CREATE VIEW polc_input AS "
                + staging.select(q.columns, schema, "polc_raw", sql.Dialect.DUCKDB))
    if q.calendar:
        engines.duckdb_calendar(con)
    rows = con.execute(f"SELECT polc_row, value, error_field, error IS NOT NULL "
                       f"FROM ({q.sql})").fetchall()
    con.close()
    return _answers(q, rows)


def _answers(q: sql.Query, rows: list[tuple[Any, ...]]) -> list[Answer]:
    """(row, value, error_field, refused) rows from an engine, in row order."""
    out: list[Answer] = [(None, None, False)] * len(rows)
    for row, value, field, bad in rows:
        out[int(row)] = (engines.normalise(_parse(q, value)), field, bool(bad))
    return out


def spark_answers(spark: Any, jobs: list[tuple[str, str, Any]]) -> dict[str, list[Answer]]:
    """All decisions' cases in one Spark job (a job costs seconds in local mode)."""
    parts, queries = [], {}
    for stem, decision, table in jobs:
        c = compiled(stem)
        assert c.ir is not None
        view = f"polc_raw_{decision}"
        frame = spark.createDataFrame(table)
        frame.createOrReplaceTempView(view)
        schema = [(f.name, f.dataType.simpleString()) for f in frame.schema.fields]
        q = sql.query(c.ir, decision, sql.Dialect.SPARK, f"polc_input_{decision}",
                      staging.kept(schema))
        spark.sql(staging.select(q.columns, schema, view, sql.Dialect.SPARK)) \
            .createOrReplaceTempView(f"polc_input_{decision}")
        if q.calendar:
            engines.spark_calendar(spark)
        queries[decision] = q
        parts.append(f"SELECT '{decision}' AS polc_decision, polc_row, "
                     f"CAST(value AS STRING) AS value, error_field, error IS NOT NULL AS bad "
                     f"FROM ({q.sql})")
    rows = spark.sql("\nUNION ALL\n".join(parts)).collect()
    out: dict[str, list[Answer]] = {}
    for decision, q in queries.items():
        out[decision] = _answers(q, [tuple(r)[1:] for r in rows if r[0] == decision])
    return out
