"""The reviewers\x27 site."""
