"""pytest plugin: collects the examples of .pol files (filled in below)."""
