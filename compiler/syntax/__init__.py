"""Stage 1: text to a parse tree, and the parse tree to the typed AST."""
