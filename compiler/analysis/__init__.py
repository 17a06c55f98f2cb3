"""Static analyses of the IR: gaps, overlaps, shadowed rows, monotone levels, and
(`deadlines`) flows whose deadlines contradict their order or each other.

Four layers, each importing only the ones below it: `checks` (the W6xx/E6xx findings
and N608) -> `messages` (their counterexamples in words) and `sweeps` (the n log n
searches) -> `space` (a decision's inputs as boxes, conditions as unions of boxes, the
work budget) -> `algebra` (intervals and member sets on one dimension).
"""

from .checks import analyse

__all__ = ["analyse"]
