"""One local Spark session for the whole test run: starting one takes seconds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from polc.compiler.backends.sql import engines


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    session = engines.spark_session()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
