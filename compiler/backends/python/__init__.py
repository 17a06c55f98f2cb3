"""The Python backend: one typed module per policy (module.generate)."""

from .module import generate

__all__ = ["generate"]
