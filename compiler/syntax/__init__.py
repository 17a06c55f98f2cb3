"""Stages 1 and 2: text to a Lark parse tree (`parser`, `grammar`, `errors`), and the parse
tree to the typed syntax tree (`builder`, `ast`)."""

from __future__ import annotations

from polc.compiler.diagnostics import Diagnostics

from . import ast
from .builder import build
from .parser import parse_source


def parse_module(text: str, filename: str, diags: Diagnostics) -> ast.Module | None:
    """The syntax tree of a normalised text (`lexical.normalise`); None when it does not
    parse, the errors in `diags`."""
    tree = parse_source(text, filename, diags)
    return None if tree is None else build(tree, filename)


__all__ = ["ast", "build", "parse_module", "parse_source"]
