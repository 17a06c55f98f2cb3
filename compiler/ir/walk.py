"""The walk over an IR tree (`trees.walker`)."""

from __future__ import annotations

from polc.compiler.quantities import Unit
from polc.compiler.trees import walker

from .nodes import Site
from .types import Type

walk = walker((Type, Site, Unit))
