"""The real policies: formatted, clean under `polc check`, their examples pass, and
every notice with rules is fully cited or marked (what CI holds them to)."""

from __future__ import annotations

from click.testing import CliRunner

from polc.compiler.tools.cli import cli

from ..paths import POLICIES

POLICIES = str(POLICIES)


def test_policies_are_formatted() -> None:
    result = CliRunner().invoke(cli, ["fmt", "--check", POLICIES])
    assert result.exit_code == 0, result.output


def test_policies_check_clean() -> None:
    result = CliRunner().invoke(cli, ["check", POLICIES])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_policy_examples_pass() -> None:
    result = CliRunner().invoke(cli, ["test", POLICIES])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def test_every_notice_with_rules_is_covered() -> None:
    result = CliRunner().invoke(cli, ["coverage", "--min", "100", POLICIES])
    assert result.exit_code == 0, result.output
