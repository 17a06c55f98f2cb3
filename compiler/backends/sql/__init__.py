"""Backend: decisions as SQL queries for DuckDB and Spark (docs/sql.md)."""

from .codegen import OUTPUTS, Column, Query, Unsupported, column_type, query
from .dialects import Dialect

__all__ = ["OUTPUTS", "Column", "Dialect", "Query", "Unsupported", "column_type", "query"]
