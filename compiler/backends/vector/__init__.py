"""The vectorised backend: a batch function over numpy columns per decision (issue 16).

`generate(policy, path, scalar_module)` gives the batch module's text, the W7xx warnings
of the decisions that run row by row, and each decision's kernel; docs/batch.md is the
user's side of it.
"""

from .codegen import Generated, Kernel, generate
from .lower import Unsupported

__all__ = ["Generated", "Kernel", "Unsupported", "generate"]
