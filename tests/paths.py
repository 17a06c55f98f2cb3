"""Where the tests find the repository and the shared fixtures."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
FIXTURES = ROOT / "tests" / "fixtures"
# copies of ../shared/repro: a test never reads the shared folder itself
REPRO = FIXTURES / "repro"
GOLDEN = FIXTURES / "golden"
CALENDARS = FIXTURES / "calendar"
