"""Static analyses of the IR: gaps, overlaps, shadowed rows, monotone levels."""
