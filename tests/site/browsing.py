"""Helpers of the browser tests (test_browser.py, test_served.py): Debian's chromium and
chromedriver, and what a reader does on a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from polc.viz.site import model as M

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1000", "--lang=zh-CN"]


def notice(site: M.Site, prefix: str) -> M.Notice:
    return next(n for n in site.notices if n.slug.startswith(prefix))


def load(driver: WebDriver, page: Path, fragment: str = "") -> list[dict[str, Any]]:
    """Open `page` from disk; returns what the console said at level SEVERE meanwhile."""
    driver.get_log("browser")  # what earlier pages said is theirs
    driver.get(page.as_uri() + (f"#{fragment}" if fragment else ""))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait(driver: WebDriver, condition: Any, timeout: float = 10) -> Any:
    return WebDriverWait(driver, timeout).until(lambda d: condition())


def js(driver: WebDriver, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def active_id(driver: WebDriver) -> str:
    value: str = js(driver, "return document.activeElement.id")
    return value


def in_view(driver: WebDriver, el: WebElement) -> bool:
    inside: bool = js(driver, "const r = arguments[0].getBoundingClientRect();"
                      "return r.bottom > 0 && r.top < window.innerHeight;", el)
    return inside


def panel_sentence(driver: WebDriver) -> str:
    text: str = driver.find_element(By.CSS_SELECTOR, "#panel blockquote").text
    return text


def click(driver: WebDriver, el: WebElement) -> None:
    """Click as a reader does: the element in the middle of the window, where the sticky
    top bar does not cover it (Selenium scrolls it to the top edge, under the bar)."""
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def send(driver: WebDriver, *keys: str) -> None:
    ActionChains(driver).send_keys(*keys).perform()
