"""The reviewers' site served by `polc serve` (its app over the corpus, in this process),
in the real browser: the try-it forms answer as `polc eval` does, and the diagrams show
each element's quote and lead to its sentence."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from polc.compiler.tools import cli
from polc.runtime import loads
from polc.viz.site import model as M

from ..paths import ROOT
from .browsing import active_id, click, in_view, js, load, notice, panel_sentence, wait

# ---------------------------------------------------------------- try-it, served


def _shown_value(value: Any, labels: dict[str, str]) -> str:
    """An answer as the form shows it (site.js valueText)."""
    if isinstance(value, str):
        return f"{value}（{labels[value]}）" if value in labels else value
    if isinstance(value, list):
        return "，".join(_shown_value(v, labels) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return json.dumps(value)


def _fill(driver: WebDriver, form: WebElement, decision: str, name: str, raw: str) -> None:
    value = json.loads(raw)
    control = form.find_element(By.ID, f"in-{decision}-{name}")
    if control.tag_name == "select":
        Select(control).select_by_value(json.dumps(value) if isinstance(value, bool)
                                        else str(value))
    elif control.get_attribute("type") in ("date", "datetime-local"):
        js(driver, "arguments[0].value = arguments[1]", control, value)
    else:
        control.clear()
        control.send_keys(raw.strip('"'))


def _tried(site: M.Site) -> list[tuple[M.Notice, M.Decision]]:
    """Decisions whose first example covers every kind of input a form can take, and a
    few more: at least one per kind, eight in all."""
    chosen: list[tuple[M.Notice, M.Decision]] = []
    kinds: set[str] = set()
    for n in site.notices:
        for d in n.decisions:
            new = {f.kind for f in d.inputs} - kinds
            if d.examples and (new or len(chosen) < 8 and n.slug not in
                               {c[0].slug for c in chosen}):
                chosen.append((n, d))
                kinds |= new
    assert {"count", "num", "bool", "enum", "date"} <= kinds
    return chosen


def test_try_it_answers_as_polc_eval_does(browser: WebDriver, built: tuple[M.Site, Path],
                                          server: str, shots: Path) -> None:
    site, _ = built
    tried = _tried(site)
    assert len(tried) >= 6
    for n, d in tried:
        example = d.examples[0]
        browser.get_log("browser")
        browser.get(f"{server}/{n.page}#{d.anchor}")
        form = browser.find_element(By.CSS_SELECTOR, f"form.tryit[data-decision='{d.name}']")
        answer = form.find_element(By.CLASS_NAME, "answer")
        assert "polc serve" not in answer.text  # served: no offline notice
        for name, raw in example.inputs:
            _fill(browser, form, d.name, name, raw)
        click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(browser, lambda box=answer: box.find_elements(By.CSS_SELECTOR, ".value, .error"),
             30)
        case = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in example.inputs) + "}"
        done = CliRunner().invoke(cli.cli, ["eval", str(ROOT / n.policy_path), d.name,
                                            "--input", case, "--explain"])
        expected = loads(done.output)
        if "error" in expected:
            assert answer.find_element(By.CLASS_NAME, "error").text == "✗ " + expected["error"]
        else:
            labels = {m.name: m.label for m in d.output.members}
            shown = answer.find_element(By.CLASS_NAME, "value").text
            assert shown == "结果：" + _shown_value(expected["value"], labels), (n.slug, d.name)
            steps = answer.find_elements(By.CSS_SELECTOR, "ol.explain > li")
            assert len(steps) == len(expected["explain"]), (n.slug, d.name)
            for li, step in zip(steps, expected["explain"], strict=True):
                assert li.text.startswith(step["text"])
                if step["quote"]:
                    assert step["quote"] in li.find_element(By.TAG_NAME, "q").text
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    browser.save_screenshot(str(shots / "tryit-served.png"))
    # a value out of its domain: the field is named, marked and focused
    n, d = next((n, d) for n, d in tried if any(f.kind == "count" and f.lo is not None
                                                 for f in d.inputs))
    browser.get(f"{server}/{n.page}#{d.anchor}")
    form = browser.find_element(By.CSS_SELECTOR, f"form.tryit[data-decision='{d.name}']")
    for name, raw in d.examples[0].inputs:
        _fill(browser, form, d.name, name, raw)
    bad = next(f for f in d.inputs if f.kind == "count" and f.lo is not None)
    js(browser, "arguments[0].value = arguments[1]",
       form.find_element(By.ID, f"in-{d.name}-{bad.name}"), str(int(bad.lo or 0) - 1))
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    error = wait(browser, lambda: form.find_elements(By.CSS_SELECTOR, ".answer .error"), 30)[0]
    assert bad.name in error.text
    control = form.find_element(By.ID, f"in-{d.name}-{bad.name}")
    assert control.get_attribute("aria-invalid") == "true"
    assert active_id(browser) == f"in-{d.name}-{bad.name}"
    js(browser, "arguments[0].scrollIntoView()", form)
    browser.save_screenshot(str(shots / "tryit-error.png"))


# ---------------------------------------------------------------- diagrams


def test_hovering_a_diagram_element_shows_its_quote_and_clicking_it_its_sentence(
        browser: WebDriver, built: tuple[M.Site, Path], shots: Path) -> None:
    site, out = built
    n = notice(site, "58_")
    d = next(d for d in n.decisions if d.name == "bank_annual_reward")
    load(browser, out / n.page, d.anchor)
    xlink = "http://www.w3.org/1999/xlink"
    nodes = js(browser, """return Array.from(document.querySelectorAll(
        '#' + arguments[0] + ' figure.diagram svg g.node a'))
        .filter(a => a.getAttributeNS(arguments[1], 'href'))""", d.anchor, xlink)
    assert len(nodes) >= 4
    tip = browser.find_element(By.CLASS_NAME, "svg-tip")
    assert not tip.is_displayed()
    for a in nodes[:4]:
        title = js(browser, "return arguments[0].querySelector(':scope > title').textContent", a)
        assert "引 六（二）" in title and "「" in title
        js(browser, "arguments[0].scrollIntoView({block: 'center'})", a)
        shape = a.find_element(By.CSS_SELECTOR, "polygon, ellipse, path")
        ActionChains(browser).move_to_element(shape).perform()
        wait(browser, tip.is_displayed)
        assert tip.text.split() == title.split()
    browser.save_screenshot(str(shots / "diagram-tooltip.png"))
    target = nodes[-1]
    href = js(browser, "return arguments[0].getAttributeNS(arguments[1], 'href')", target, xlink)
    js(browser, "arguments[0].scrollIntoView({block: 'center'})", target)
    ActionChains(browser).move_to_element(
        target.find_element(By.CSS_SELECTOR, "polygon, ellipse, path")).click().perform()
    wait(browser, lambda: browser.current_url.endswith(href))
    wait(browser, lambda: browser.find_element(By.ID, "panel").is_displayed())
    assert panel_sentence(browser) == n.sentence(href[1:]).text
    assert in_view(browser, browser.find_element(By.ID, href[1:]))
