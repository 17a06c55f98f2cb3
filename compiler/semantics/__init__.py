"""Stage 3: names, types, units, threshold words and citations; the AST lowered to the IR."""

from .policy import check

__all__ = ["check"]
