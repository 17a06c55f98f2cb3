"""Backends: the IR to code."""
