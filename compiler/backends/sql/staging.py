"""From the columns of a file as read to the typed columns a decision's query reads.

A Parquet column may already have the type (an integer for a count, a DECIMAL for a
number, a DATE, a BOOLEAN); a CSV column is text.  Text is accepted only in the
forms polc's JSON accepts (a count as digits, a number without exponent, a date
YYYY-MM-DD, a date-time YYYY-MM-DDTHH:MM[:SS], true/false, an enum's ASCII name);
anything else becomes NULL, and the decision's own check then refuses the row naming
the field.  A floating-point column for a count or a number is refused before
anything runs: a float is not the number its writer meant (0.1), and guessing
would be the silent wrong answer polc exists to avoid.
"""

from __future__ import annotations

from polc.compiler.ir import TypeKind as TK

from . import numbers as N
from .codegen import OUTPUTS, Column
from .dialects import Dialect

# the classes of source column types, as each engine names them (lower case, no size)
_INTEGER = ("tinyint", "smallint", "integer", "int", "bigint", "hugeint", "utinyint",
            "usmallint", "uinteger", "ubigint", "byte", "short", "long")
_FLOAT = ("float", "double", "real")
_TEXT = ("varchar", "string", "text")
_MOMENTS = ("timestamp", "timestamp_ntz", "timestamp_s", "timestamp_ms", "timestamp_ns")
_PATTERNS = {
    TK.COUNT: r"-?[0-9]{1,19}",
    TK.NUM: rf"-?[0-9]{{1,19}}(\.[0-9]{{1,{N.INPUT_SCALE}}})?",
    TK.DATE: r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    TK.DATETIME: r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?",
}


class SchemaError(Exception):
    """The table cannot be read as the decision's cases (a column missing or of a type
    no value of the input can have); the message names the column."""


def _base(type_name: str) -> str:
    return type_name.lower().split("(")[0].strip()


def convert(col: Column, source_type: str, dialect: Dialect) -> str:
    """The SQL expression giving `col` its type from a source column of `source_type`."""
    ref = dialect.ident(col.name)
    base = _base(source_type)
    target = col.sql_type
    if base in _TEXT:
        text = f"trim({ref})"
        if col.kind in _PATTERNS:
            value = text if col.kind is not TK.DATETIME else f"replace({text}, 'T', ' ')"
            return (f"CASE WHEN {dialect.full_match(text, _PATTERNS[col.kind])} "
                    f"THEN TRY_CAST({value} AS {target}) END")
        if col.kind is TK.BOOL:
            return f"CASE lower({text}) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"
        return ref  # an enum or a role: the text itself
    if col.kind in (TK.COUNT, TK.NUM):
        if base in _FLOAT:
            raise SchemaError(f"column {col.name}: floating-point ({source_type}), which "
                              f"cannot hold {col.expected} exactly; store it as an integer, "
                              "a DECIMAL or text")
        if base in _INTEGER:
            return f"TRY_CAST({ref} AS {target})"
        if base == "decimal":
            # more digits after the point than the input type holds: refused, not rounded
            return (f"CASE WHEN TRY_CAST({ref} AS {target}) = {ref} "
                    f"THEN TRY_CAST({ref} AS {target}) END")
    elif col.kind is TK.BOOL and base == "boolean" or col.kind is TK.DATE and base == "date":
        return ref
    elif col.kind is TK.DATETIME and base in _MOMENTS and "zone" not in source_type.lower():
        # Spark's zoned TIMESTAMP is read in the session's zone, UTC: its wall time
        return f"CAST({ref} AS {target})"
    raise SchemaError(f"column {col.name}: {source_type}, which cannot hold {col.expected}")


ROW = "polc_n"  # the row's place in the file, where the answers are ordered by it


def select(columns: tuple[Column, ...], schema: list[tuple[str, str]], source: str,
           dialect: Dialect, numbered: bool = False) -> str:
    """SELECT over `source` (columns `schema`: name, type) with the decision's inputs
    typed."""
    types = dict(schema)
    for out in OUTPUTS:
        if out in types:
            raise SchemaError(f"column {out}: the output has a column of that name; "
                              "rename the input column")
    missing = [c.name for c in columns if c.name not in types]
    if missing:
        raise SchemaError("the table has no column " + ", ".join(missing)
                          + f" (it has: {', '.join(types) or 'no column'})")
    # every source column is kept as read, under a name of its own, for the output
    # (a cell refused is shown as it was, not as the NULL its conversion gave)
    parts = [f"{dialect.ident(name)} AS polc_keep_{i}" for i, (name, _) in enumerate(schema)]
    parts += [f"{convert(c, types[c.name], dialect)} AS {dialect.ident(c.name)}"
              for c in columns]
    if numbered:
        # a join (the calendar's) may reorder rows: each row carries its place, in a
        # streaming window in DuckDB and from the file's partitions in order in Spark
        parts.append(("row_number() OVER ()" if dialect is Dialect.DUCKDB
                      else "monotonically_increasing_id()") + f" AS {ROW}")
    return f"SELECT {', '.join(parts)} FROM {source}"


def kept(schema: list[tuple[str, str]], numbered: bool = False) -> list[tuple[str, str]]:
    """The source columns as `select` keeps them: (its name for them, their own name)."""
    return [(f"polc_keep_{i}", name) for i, (name, _) in enumerate(schema)] + \
        ([(ROW, ROW)] if numbered else [])


def ordered(schema: list[tuple[str, str]], answers: str, dialect: Dialect) -> str:
    """The answers of a numbered `select`, in the file's order, without the number."""
    names = [dialect.ident(n) for n, _ in schema] + list(OUTPUTS)
    return f"SELECT {', '.join(names)} FROM ({answers}) polc_answers ORDER BY {ROW}"
