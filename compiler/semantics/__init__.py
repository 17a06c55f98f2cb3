"""Stage 3: names, types, units, threshold words and citations; the AST lowered to the IR."""

from .checker import check

__all__ = ["check"]
