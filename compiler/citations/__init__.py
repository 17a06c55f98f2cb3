"""The notice texts: sources, citation verification and coverage."""
