"""What differs between the SQL engines polc writes for: DuckDB and Spark SQL.

Everything else in the generated text is the SQL both engines read alike (CASE,
CAST to DECIMAL, LEAST/GREATEST, LEFT JOIN, VALUES); each function here returns
one expression in the engine's own words.
"""

from __future__ import annotations

import enum


class Dialect(enum.Enum):
    DUCKDB = "duckdb"
    SPARK = "spark"

    def ident(self, name: str) -> str:
        # quoted so that a name which is a keyword in one engine (`on`, `rank`) stays a
        # column; a table's own column names may hold anything, quotes included
        if self is Dialect.DUCKDB:
            return '"' + name.replace('"', '""') + '"'
        return "`" + name.replace("`", "``") + "`"

    def string(self, text: str) -> str:
        """A string literal holding `text` exactly (Spark reads backslash escapes,
        DuckDB does not)."""
        if self is Dialect.SPARK:
            return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + text.replace("'", "''") + "'"

    @property
    def timestamp(self) -> str:
        # local time of the notice, no time zone: Spark's TIMESTAMP is zoned
        return "TIMESTAMP" if self is Dialect.DUCKDB else "TIMESTAMP_NTZ"

    def add_days(self, day: str, n: str) -> str:
        if self is Dialect.DUCKDB:
            return f"CAST({day} + CAST({n} AS INTEGER) AS DATE)"
        return f"date_add({day}, CAST({n} AS INT))"

    def add_months(self, day: str, n: str) -> str:
        # both clamp to the month's last day (民法典 第二百零二条), as the runtime does
        if self is Dialect.DUCKDB:
            return f"CAST({day} + to_months(CAST({n} AS INTEGER)) AS DATE)"
        return f"add_months({day}, CAST({n} AS INT))"

    def add_micros(self, moment: str, micros: int) -> str:
        if self is Dialect.DUCKDB:
            return f"({moment} + to_microseconds(CAST({micros} AS BIGINT)))"
        return f"timestampadd(MICROSECOND, {micros}, {moment})"

    def full_match(self, text: str, pattern: str) -> str:
        if self is Dialect.DUCKDB:
            return f"regexp_full_match({text}, {self.string(pattern)})"
        return f"({text} RLIKE {self.string('^(' + pattern + ')$')})"

    def date_literal(self, iso: str) -> str:
        return f"DATE '{iso}'"

    def timestamp_literal(self, iso: str) -> str:
        return f"CAST('{iso}' AS {self.timestamp})"
