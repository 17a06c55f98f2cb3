"""Text from a policy (role titles, messages, enum names) enters the SQL as literals
that each engine reads back exactly: quotes, backslashes and line breaks included."""

from __future__ import annotations

from typing import Any

import duckdb

from polc.compiler.backends.sql import Dialect

NASTY = ["区政府'主要'领导", "a\\b", "it''s", "\\'; DROP TABLE x; --", "行一\n行二", "`x`", '"y"']


def test_duckdb_reads_every_literal_back() -> None:
    con = duckdb.connect()
    for text in NASTY:
        assert con.execute(f"SELECT {Dialect.DUCKDB.string(text)}").fetchone() == (text,)
    name = 'a"b'
    assert con.execute(f"SELECT 1 AS {Dialect.DUCKDB.ident(name)}").description[0][0] == name


def test_spark_reads_every_literal_back(spark: Any) -> None:
    for text in NASTY:
        assert spark.sql(f"SELECT {Dialect.SPARK.string(text)} AS t").collect()[0][0] == text
    name = "a`b"
    assert spark.sql(f"SELECT 1 AS {Dialect.SPARK.ident(name)}").columns == [name]
