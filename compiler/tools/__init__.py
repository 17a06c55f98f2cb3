"""The commands: cli, build, fmt, examples, the pytest plugin."""
