"""The Python backend: one typed module per policy."""

from .codegen import generate

__all__ = ["generate"]
