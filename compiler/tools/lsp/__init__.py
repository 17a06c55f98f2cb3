"""`polc lsp`: the language server (see server.py)."""
