"""The Python backend: one typed module per policy."""
