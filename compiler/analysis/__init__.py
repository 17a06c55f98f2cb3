"""Static analyses of the IR: gaps, overlaps, shadowed rows, monotone levels."""

from .checks import analyse

__all__ = ["analyse"]
