"""The hypothesis settings of every property test: POLC_FUZZ_EXAMPLES cases a property
(200 in CI), derandomized, so a run is repeatable and never slowed by a database."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("POLC_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
