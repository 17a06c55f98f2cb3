"""Fixtures of tests/site: the corpus's site, collected and rendered once (as `polc serve`
builds it: collecting it is most of what these tests cost), one headless chromium for
the whole session, the site served over HTTP, and the folder screenshots go to."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from polc.compiler.tools import site as site_collect
from polc.compiler.tools import site_api, site_serve
from polc.viz.site import model as M

from ..paths import POLICIES
from .browsing import CHROMEDRIVER, CHROMIUM, FLAGS


@pytest.fixture(scope="session")
def corpus_build() -> Iterator[site_serve.Build]:
    done = site_serve.build_once(sorted(POLICIES.glob("*.pol")))
    yield done
    shutil.rmtree(done.root)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    # the console, and the DevTools events of every request (test_no_request_leaves_the_machine)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # both paths given: Selenium Manager (which would look for a driver online) never runs
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def built(corpus_build: site_serve.Build) -> tuple[M.Site, Path]:
    """The corpus's site as its model and the folder it is rendered in."""
    notices = tuple(e.notice for e in corpus_build.policies.by_slug.values())
    assert len(list(corpus_build.root.rglob("*.*"))) == len(list(POLICIES.glob("*.pol"))) + 4
    return M.Site(site_collect.SITE_TITLE, notices, corpus_build.series), corpus_build.root


@pytest.fixture(scope="session")
def server(corpus_build: site_serve.Build) -> Iterator[str]:
    """The site and its API served over HTTP by uvicorn, as `polc serve` does, in a
    thread of this process: the base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(site_api.app(lambda: corpus_build.policies, corpus_build.static),
                            log_level="warning", access_log=False, lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    running.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")
