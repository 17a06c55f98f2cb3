"""Engines that apply one decision to a table of cases (`polc eval --table`).

Every engine reads a Parquet or CSV file, writes the same table out (every input
column, then `value`, `error`, `error_field`; codegen.py) and counts the answers.
They are registered by name in ENGINES, so another (a vectorised numpy engine) is one
more `@engine("numpy")` function.  Every engine streams: DuckDB and Spark by their own
plans under a memory limit, the Python engine a batch of rows at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import os
import shutil
import tempfile
import types
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from polc.compiler import ir
from polc.runtime import CalendarError, InputError, NoRuleApplies, PolcError, Range, dumps

from . import calendar as sqlcal
from . import numbers as N
from . import staging
from .codegen import Query, Unsupported, query
from .dialects import Dialect

BATCH = 65_536  # rows per batch of the Python engine
MEMORY_LIMIT = "1GB"  # DuckDB's and Spark's own limits: the process stays under 2 GB


class TableError(Exception):
    """The table cannot be read or written (exit 2); the message says which and why."""


@attrs.frozen
class Job:
    policy: ir.Policy
    module: types.ModuleType  # the generated Python module
    decision: str
    table: Path
    out: Path | None


@attrs.frozen
class Result:
    answers: tuple[tuple[object, int], ...]  # each answer (a Python value) and how often
    refused: int


Engine = Callable[[Job], Result]
ENGINES: dict[str, Engine] = {}


def engine(name: str) -> Callable[[Engine], Engine]:
    def register(func: Engine) -> Engine:
        ENGINES[name] = func
        return func
    return register


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".csv"):
        return suffix[1:]
    raise TableError(f"{path}: expected a .parquet or .csv file")


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        try:
            return next(csv.reader(f))
        except StopIteration:
            raise TableError(f"{path}: empty CSV file: expected a header line") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise TableError(f"{path}: not a UTF-8 CSV file ({exc})") from None


def normalise(value: object) -> object:
    """An answer as polc's JSON writes it: a Decimal without trailing zeros, an enum by
    its ASCII name; so every engine's answers compare equal."""
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1)) if value == value.to_integral_value() \
            else value.normalize()
    if isinstance(value, Range):
        # one cell: the range as polc's JSON writes it
        return dumps(value)
    return value


def _counts(rows: Iterator[tuple[object, bool, int]]) -> Result:
    answers: Counter[object] = Counter()
    refused = 0
    for value, bad, n in rows:
        if bad:
            refused += n
        else:
            answers[normalise(value)] += n
    ordered = sorted(answers.items(), key=lambda kv: (kv[0] is None, str(kv[0])))
    return Result(tuple(ordered), refused)


def _numbered(job: Job, dialect: Dialect, schema: list[tuple[str, str]]) -> Query:
    """The decision's query over the staged table, passing each row's place through
    where the calendar is joined (so the answers can be put back in the file's order)."""
    q = query(job.policy, job.decision, dialect, "polc_input", staging.kept(schema))
    if not q.calendar:
        return q
    return query(job.policy, job.decision, dialect, "polc_input", staging.kept(schema, True))


# ---------------------------------------------------------------- DuckDB


def duckdb_calendar(con: Any) -> None:
    import pyarrow as pa
    days, working = sqlcal.rows()
    con.register("polc_calendar", pa.table({"cal_day": [d for d, _ in days],
                                            "cal_key": [k for _, k in days]}))
    con.register("polc_working_day", pa.table({"cal_key": [k for k, _ in working],
                                               "cal_day": [d for _, d in working]}))


@engine("duckdb")
def run_duckdb(job: Job) -> Result:
    import duckdb
    fmt = file_format(job.table)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    try:
        try:
            raw = con.read_parquet(str(job.table)) if fmt == "parquet" else \
                con.read_csv(str(job.table), header=True, all_varchar=True)
        except duckdb.Error as exc:
            raise TableError(f"{job.table}: cannot be read as {fmt}: {exc}") from None
        raw.create_view("polc_raw")
        schema = list(zip(raw.columns, (str(t) for t in raw.types)))
        q = _numbered(job, Dialect.DUCKDB, schema)
        con.execute("CREATE VIEW polc_input AS " + staging.select(
            q.columns, schema, "polc_raw", Dialect.DUCKDB, numbered=q.calendar))
        answers = q.sql
        if q.calendar:
            duckdb_calendar(con)
            answers = staging.ordered(schema, q.sql, Dialect.DUCKDB)
        result = con.sql(answers)
        summary = f"SELECT value, error IS NOT NULL, count(*) FROM ({answers}) GROUP BY ALL"
        if job.out is not None:
            out = str(job.out)
            if file_format(job.out) == "parquet":
                result.write_parquet(out)
                summary = ("SELECT value, error IS NOT NULL, count(*) FROM "
                           "read_parquet($out) GROUP BY ALL")
            else:
                result.write_csv(out, header=True)
        params = {"out": str(job.out)} if "$out" in summary else None
        return _counts(iter(con.execute(summary, params).fetchall()))
    except duckdb.Error as exc:
        raise TableError(f"DuckDB: {exc}") from None
    finally:
        con.close()


# ---------------------------------------------------------------- Python


def _from_cell(field: Any, raw: object) -> object:
    """A cell as the decision's function takes it, refused by InputError as the SQL
    engines refuse it (the table format is one for every engine)."""
    kind = field.kind
    if isinstance(raw, str):
        text = raw.strip()
        if kind == "bool":
            raw = {"true": True, "false": False}.get(text.lower(), raw)
        elif kind == "datetime":
            raw = text.replace(" ", "T", 1)
        elif kind in ("count", "num", "date"):
            raw = text
    elif isinstance(raw, (dt.datetime, dt.date)):
        raw = raw.isoformat()
    value = field.from_json(raw)
    if kind == "num" and isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > N.INPUT_SCALE:
            raise InputError(field.name, field.expected(), value)
    return value


def refusal(exc: PolcError) -> tuple[str, str | None]:
    """(error, error_field) in the words the SQL engines use."""
    if isinstance(exc, InputError):
        return f"{exc.field}: expected {exc.expected}", exc.field
    if isinstance(exc, NoRuleApplies):
        return f"{exc.decision}: no rule applies ({exc.where})", None
    if isinstance(exc, CalendarError):
        return str(exc), exc.field
    return str(exc), None


def python_answer(spec: Any, row: dict[str, object]) -> tuple[object, str | None, str | None]:
    try:
        args = {f.name: _from_cell(f, row.get(f.name)) for f in spec.fields}
        return spec.func(**args), None, None
    except PolcError as exc:
        message, field = refusal(exc)
        return None, message, field


def _arrow_value_type(q: Query | None) -> Any:
    import pyarrow as pa
    if q is None:
        return pa.string()
    base = q.value_type.split("(")[0]
    if base == "DECIMAL":
        return pa.decimal128(N.MAX_DIGITS, q.scale)
    return {"VARCHAR": pa.string(), "STRING": pa.string(), "BOOLEAN": pa.bool_(),
            "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "BIGINT": pa.int64()
            }.get(base, pa.string())


def _batches(path: Path) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    try:
        if file_format(path) == "parquet":
            yield from pq.ParquetFile(path).iter_batches(batch_size=BATCH)
            return
        names = _csv_header(path)
        reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 22),
                               convert_options=pcsv.ConvertOptions(
                                   column_types={n: pa.string() for n in names},
                                   strings_can_be_null=True))
        yield from reader
    except (pa.ArrowException, OSError) as exc:
        raise TableError(f"{path}: cannot be read: {exc}") from None


@engine("python")
def run_python(job: Job) -> Result:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    spec = job.module.DECISIONS[job.decision]
    try:
        q: Query | None = query(job.policy, job.decision, Dialect.DUCKDB, "polc_input")
    except Unsupported:
        q = None  # the answers are written as text
    value_type = _arrow_value_type(q)
    counts: Counter[tuple[object, bool]] = Counter()
    writer: Any = None
    try:
        for n, batch in enumerate(_batches(job.table)):
            if n == 0:
                _check_schema(spec, batch.schema)
            names = batch.schema.names
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            values, errors, fields = [], [], []
            for i in range(batch.num_rows):
                value, error, field = python_answer(spec, {n: c[i] for n, c in
                                                           zip(names, columns)})
                value = normalise(value)
                if q is None and value is not None:
                    value = str(value)
                values.append(value)
                errors.append(error)
                fields.append(field)
                counts[(value, error is not None)] += 1
            table = pa.Table.from_batches([batch]).append_column(
                "value", pa.array(values, value_type)).append_column(
                "error", pa.array(errors, pa.string())).append_column(
                "error_field", pa.array(fields, pa.string()))
            if job.out is not None:
                if writer is None:
                    writer = pq.ParquetWriter(job.out, table.schema) \
                        if file_format(job.out) == "parquet" \
                        else pcsv.CSVWriter(job.out, table.schema)
                writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return _counts(iter((v, bad, n) for (v, bad), n in counts.items()))


def _check_schema(spec: Any, schema: Any) -> None:
    """The tables the SQL engines refuse (a column missing, a float for a number),
    refused here too."""
    types_ = {n: str(t) for n, t in zip(schema.names, schema.types)}
    for f in spec.fields:
        t = types_.get(f.name)
        if t is None:
            raise staging.SchemaError(f"the table has no column {f.name} "
                                      f"(it has: {', '.join(types_) or 'no column'})")
        if f.kind in ("count", "num") and t in ("float", "double", "halffloat"):
            raise staging.SchemaError(f"column {f.name}: floating-point ({t}), which cannot "
                                      f"hold {f.expected()} exactly; store it as an integer, "
                                      "a DECIMAL or text")


# ---------------------------------------------------------------- Spark


def spark_session() -> Any:
    """One Spark session per process (it takes seconds to start): local unless
    POLC_SPARK_MASTER names a cluster's master (docs/sql.md)."""
    from pyspark.sql import SparkSession
    master = os.environ.get("POLC_SPARK_MASTER", "local[2]")
    return (SparkSession.builder.master(master).appName("polc")
            .config("spark.driver.memory", "1g")
            .config("spark.sql.ansi.enabled", "true")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate())


def spark_calendar(spark: Any) -> None:
    days, working = sqlcal.rows()
    spark.createDataFrame(days, "cal_day DATE, cal_key BIGINT") \
        .createOrReplaceTempView("polc_calendar")
    spark.createDataFrame([(k, d) for k, d in working], "cal_key BIGINT, cal_day DATE") \
        .createOrReplaceTempView("polc_working_day")


def spark_frame(spark: Any, job: Job, raw: Any) -> Any:
    """The decision's answers over the DataFrame `raw`."""
    raw.createOrReplaceTempView("polc_raw")
    schema = [(f.name, f.dataType.simpleString()) for f in raw.schema.fields]
    q = _numbered(job, Dialect.SPARK, schema)
    spark.sql(staging.select(q.columns, schema, "polc_raw", Dialect.SPARK, numbered=q.calendar)) \
        .createOrReplaceTempView("polc_input")
    if q.calendar:
        spark_calendar(spark)
        return spark.sql(staging.ordered(schema, q.sql, Dialect.SPARK))
    return spark.sql(q.sql)


@engine("spark")
def run_spark(job: Job) -> Result:
    from pyspark.errors import PySparkException
    try:
        spark = spark_session()
    except PySparkException as exc:
        raise TableError(f"Spark cannot start ({exc}); it needs a Java runtime: "
                         "`./dev` installs Debian's default-jre-headless") from None
    fmt = file_format(job.table)
    try:
        reader = spark.read if fmt == "parquet" else spark.read.option("header", "true")
        raw = reader.parquet(str(job.table)) if fmt == "parquet" else reader.csv(str(job.table))
        frame = spark_frame(spark, job, raw)
        if job.out is not None:
            _spark_write(frame, job.out)
        rows = frame.groupBy("value", frame["error"].isNotNull()).count().collect()
        return _counts(iter((r[0], r[1], r[2]) for r in rows))
    except PySparkException as exc:
        raise TableError(f"Spark: {exc}") from None


def _spark_write(frame: Any, out: Path) -> None:
    """One file, as the other engines write: Spark writes a folder of parts, so one part
    is written into a fresh temporary folder beside OUT and moved into place."""
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".polc-spark-") as tmp:
        target = Path(tmp) / "out"
        writer = frame.coalesce(1).write
        if file_format(out) == "parquet":
            writer.parquet(str(target))
            suffix = ".parquet"
        else:
            writer.option("header", "true").csv(str(target))
            suffix = ".csv"
        parts = sorted(target.glob(f"part-*{suffix}"))
        if len(parts) != 1:
            raise TableError(f"Spark wrote {len(parts)} parts, expected one")
        shutil.move(str(parts[0]), str(out))
