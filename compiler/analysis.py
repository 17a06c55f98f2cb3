"""Static analyses over the IR (gaps, overlaps, order of thresholds).

Filled in by the analysis work; the driver calls `analyse` on every policy that
checks clean.
"""

from __future__ import annotations

from . import ir
from .diagnostics import Diagnostics


def analyse(policy: ir.Policy, diags: Diagnostics) -> None:
    return None
