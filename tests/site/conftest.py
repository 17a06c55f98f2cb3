"""The corpus's site, collected and rendered once for every test of tests/site (as
`polc serve` builds it): collecting it is most of what these tests cost."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from polc.compiler.tools import site_serve

from ..paths import POLICIES


@pytest.fixture(scope="session")
def corpus_build() -> Iterator[site_serve.Build]:
    done = site_serve.build_once(sorted(POLICIES.glob("*.pol")))
    yield done
    shutil.rmtree(done.root)
