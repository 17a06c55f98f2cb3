"""Diagrams of flows, ladders and command structures (swimlanes, org charts)."""

from __future__ import annotations

from polc.compiler import ir


def policy_graphs(policy: ir.Policy) -> dict[str, str]:
    """name -> DOT source for the policy's flows, ladders and structures."""
    return {}
