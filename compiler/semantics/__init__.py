"""Stage 3: names, types, units, threshold words and citations; the AST lowered to the IR."""
