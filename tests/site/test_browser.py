"""The reviewers' site in a real browser: Debian's headless chromium, driven by Selenium
through Debian's chromedriver (./dev installs both; nothing is downloaded, and the
machine's network may be closed).  Pages are opened from file://, as a reviewer opens a
built site from disk (test_served.py opens them from `polc serve`).  Screenshots go to
the session's temporary folder ("screenshots").
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from polc.compiler.tools import site as site_collect
from polc.viz.site import model as M
from polc.viz.site.render import render_site

from ..paths import POLICIES
from . import sitecases
from .browsing import (
    active_id,
    click,
    in_view,
    js,
    load,
    notice,
    panel_sentence,
    send,
    wait,
)

# ---------------------------------------------------------------- every page


def test_every_page_loads_without_console_error(browser: WebDriver,
                                                built: tuple[M.Site, Path]) -> None:
    site, out = built
    pages = sorted(out.glob("*.html"))
    assert len(pages) == len(list(POLICIES.glob("*.pol"))) + 1
    for n in site.notices:
        assert load(browser, out / n.page) == [], n.page
        # the script ran over the whole text: every sentence is on the page and selectable
        count = js(browser, "return document.querySelectorAll("
                   "'.notice-text .sent[id][aria-controls=panel]').length")
        assert count == len(n.sentences), n.page
        statuses = js(browser, "return Array.from(document.querySelectorAll("
                      "'.notice-text .sent[id]'), s => s.dataset.status)")
        assert statuses == [s.status for s in n.sentences]
        assert js(browser, "return document.querySelectorAll('form.tryit').length") == \
            len(n.decisions)
        assert js(browser, "return document.querySelectorAll('figure.diagram svg').length") == \
            len(n.decisions) + len(n.diagrams)
    assert load(browser, out / "index.html") == []
    rows = browser.find_elements(By.CSS_SELECTOR, "table.notices tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th").text for r in rows] == \
        [n.docno for n in site.notices]


def test_every_internal_link_leads_somewhere(browser: WebDriver,
                                             built: tuple[M.Site, Path]) -> None:
    """Every link of every page, SVG links included, names a page of the site and an
    element of it: each page is opened and asked for the ids its links point at."""
    _, out = built
    wanted: dict[str, set[str]] = {}
    ids: dict[str, set[str]] = {}
    for page in sorted(out.glob("*.html")):
        assert load(browser, page) == []
        # an SVG <a> with only a tooltip is no link
        links = js(browser, """return Array.from(document.querySelectorAll('a'))
            .map(a => a.getAttribute('href') || a.getAttribute('xlink:href')).filter(Boolean)
            .map(h => new URL(h, location.href).href)""")
        ids[page.name] = set(js(browser, "return Array.from(document.querySelectorAll('[id]'),"
                                " e => e.id)"))
        assert links, page.name
        for link in links:
            parts = urlsplit(link)
            assert parts.scheme == "file", link
            target = Path(unquote(parts.path))
            assert target.parent == out and target.is_file(), link
            wanted.setdefault(target.name, set()).add(unquote(parts.fragment))
    assert set(wanted) == {p.name for p in out.glob("*.html")}
    for name, fragments in sorted(wanted.items()):
        missing = sorted(f for f in fragments if f and f not in ids[name])
        assert missing == [], (name, missing)


# ---------------------------------------------------------------- sentences and rules


def test_selecting_a_sentence_shows_the_rules_citing_it(browser: WebDriver,
                                                        built: tuple[M.Site, Path],
                                                        shots: Path) -> None:
    site, out = built
    n = notice(site, "55_")
    s = max(n.sentences, key=lambda x: (len(x.rules), -x.line))
    assert len(s.rules) >= 2
    load(browser, out / n.page)
    assert not browser.find_element(By.ID, "panel").is_displayed()
    sentence = browser.find_element(By.ID, s.id)
    click(browser, sentence)
    wait(browser, lambda: browser.find_element(By.ID, "panel").is_displayed())
    assert "selected" in (sentence.get_attribute("class") or "")
    assert browser.current_url.endswith(f"#{s.id}")
    assert panel_sentence(browser) == s.text
    cards = browser.find_elements(By.CSS_SELECTOR, "#panel .rule")
    assert [c.get_attribute("data-rule") for c in cards] == list(s.rules)
    for card, rid in zip(cards, s.rules, strict=True):
        rule = n.rule(rid)
        assert rule.label in card.find_element(By.TAG_NAME, "h4").text
        # the .pol excerpt, with its line numbers
        numbers = [e.text for e in card.find_elements(By.CSS_SELECTOR, "pre .ln")]
        assert numbers[:len(rule.source)] == [str(x.number) for x in rule.source]
        assert rule.source[0].text.strip() in card.find_element(By.TAG_NAME, "pre").text
        if rule.decision:
            owner = card.find_element(By.CSS_SELECTOR, ".owner a")
            assert owner.get_attribute("href").endswith(f"#d-{rule.decision}")
    # ids stay unique: the panel holds copies without them
    assert js(browser, "return document.querySelectorAll('#panel [id]').length") == 1
    browser.save_screenshot(str(shots / "notice-selected.png"))


def test_the_panel_shows_readings_examples_and_mark_reasons(browser: WebDriver,
                                                            built: tuple[M.Site, Path]) -> None:
    site, out = built
    checked = {"reading": 0, "example": 0, "mark": 0}
    for n in site.notices:
        with_reading = next((s for s in n.sentences
                             if any(n.rule(r).readings for r in s.rules)), None)
        with_example = next((s for s in n.sentences if s.examples), None)
        marked = next((s for s in n.sentences if s.mark), None)
        if not (with_reading or with_example or marked):
            continue
        load(browser, out / n.page)
        if with_reading:
            click(browser, browser.find_element(By.ID, with_reading.id))
            readings = {t for r in with_reading.rules for t in n.rule(r).readings}
            shown = {e.text.removeprefix("解读：") for e in
                     browser.find_elements(By.CSS_SELECTOR, "#panel section > ul > li.reading")}
            assert shown == readings, with_reading.id
            checked["reading"] += 1
        if with_example:
            click(browser, browser.find_element(By.ID, with_example.id))
            rows = browser.find_elements(By.CSS_SELECTOR, "#panel table.examples tbody tr")
            assert len(rows) == len(with_example.examples)
            first = n.example(with_example.examples[0])
            assert first.expected in rows[0].text
            checked["example"] += 1
        if marked:
            assert marked.mark is not None
            click(browser, browser.find_element(By.ID, marked.id))
            reason = browser.find_element(By.CSS_SELECTOR, "#panel .mark-reason").text
            assert marked.mark.text in reason
            checked["mark"] += 1
    assert min(checked.values()) >= 5, checked


def test_selecting_a_rule_lands_on_its_sentence(browser: WebDriver,
                                               built: tuple[M.Site, Path]) -> None:
    site, out = built
    n = notice(site, "58_")
    decision = next(d for d in n.decisions if d.name == "bank_annual_reward")
    rule = next(r for r in n.rules_of(decision.anchor) if r.sentences and r.kind != "decision")
    target = rule.sentences[0]
    load(browser, out / n.page, decision.anchor)
    section = browser.find_element(By.ID, decision.anchor)
    click(browser, section.find_element(By.CSS_SELECTOR, "details.rules-list > summary"))
    card = browser.find_element(By.ID, rule.id)
    click(browser, card.find_element(By.CSS_SELECTOR, ".to-sentence"))
    wait(browser, lambda: browser.current_url.endswith(f"#{target}"))
    sentence = browser.find_element(By.ID, target)
    wait(browser, lambda: "selected" in (sentence.get_attribute("class") or ""))
    assert in_view(browser, sentence)
    assert panel_sentence(browser) == n.sentence(target).text
    # a rule's own fragment is a link to it: its sentence, with the rule marked in the panel
    load(browser, out / n.page, rule.id)
    sentence = browser.find_element(By.ID, target)
    wait(browser, lambda: "selected" in (sentence.get_attribute("class") or ""))
    marked = browser.find_element(By.CSS_SELECTOR, "#panel .rule.focus")
    assert marked.get_attribute("data-rule") == rule.id
    assert in_view(browser, sentence)
    # and a sentence's fragment selects it
    other = n.sentences[-1]
    load(browser, out / n.page, other.id)
    wait(browser, lambda: panel_sentence(browser) == other.text)


def test_keyboard_navigation(browser: WebDriver, built: tuple[M.Site, Path]) -> None:
    site, out = built
    n = notice(site, "55_")
    ids = [s.id for s in n.sentences]
    load(browser, out / n.page)
    send(browser, "j")
    assert active_id(browser) == ids[0]
    send(browser, "j", "j")
    assert active_id(browser) == ids[2]
    send(browser, "k")
    assert active_id(browser) == ids[1]
    send(browser, Keys.ARROW_DOWN)
    assert active_id(browser) == ids[2]
    # the focus is visible, and not by colour alone
    focused = browser.switch_to.active_element
    assert js(browser, "return getComputedStyle(arguments[0]).outlineStyle", focused) == "solid"
    assert js(browser, "return getComputedStyle(arguments[0]).outlineWidth", focused) == "3px"
    send(browser, Keys.ENTER)
    wait(browser, lambda: browser.find_element(By.ID, "panel").is_displayed())
    assert panel_sentence(browser) == n.sentences[2].text
    # J: the next rule-bearing sentence, and the open panel follows
    after = next(s for s in n.sentences[3:] if s.status != M.NOT_RULE)
    send(browser, "J")
    assert active_id(browser) == after.id
    assert panel_sentence(browser) == after.text
    send(browser, Keys.ESCAPE)
    wait(browser, lambda: not browser.find_element(By.ID, "panel").is_displayed())
    assert active_id(browser) == after.id
    send(browser, "/")
    assert active_id(browser) == "q"
    send(browser, Keys.ESCAPE)


# ---------------------------------------------------------------- search


def _search(driver: WebDriver, text: str) -> list[WebElement]:
    box = driver.find_element(By.ID, "q")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(text)
    results = driver.find_element(By.ID, "search-results")
    wait(driver, lambda: results.is_displayed() and results.get_attribute("data-query") == text)
    return results.find_elements(By.CSS_SELECTOR, "li a")


def test_search_finds_sentences_decisions_and_notices(browser: WebDriver,
                                                      built: tuple[M.Site, Path]) -> None:
    site, out = built
    load(browser, out / "index.html")
    n55 = notice(site, "55_")
    quote = "书面报告时间最迟不得超过事发后15分钟"
    hits = [s for s in n55.sentences if quote in s.text]
    assert hits
    links = _search(browser, quote)
    hrefs = [a.get_attribute("href") for a in links]
    assert all(any(h.endswith(f"{n55.page}#{s.id}") for h in hrefs) for s in hits)
    links = _search(browser, "bank_annual_reward")
    assert links[0].get_attribute("href").endswith(
        "58_finance_assessment.html#d-bank_annual_reward")
    assert links[0].get_attribute("data-kind") == "decision"
    links = _search(browser, "〔2022〕63号")
    assert links[0].get_attribute("data-kind") == "notice"
    assert links[0].get_attribute("href").endswith("63_headquarters_economy.html")
    assert _search(browser, "没有这样的句子qqq") == []
    # a result opens its sentence
    links = _search(browser, quote)
    links[0].click()
    wait(browser, lambda: browser.find_element(By.ID, "panel").is_displayed())
    assert quote in panel_sentence(browser)


# ---------------------------------------------------------------- print


def test_the_print_stylesheet_leaves_text_statuses_rules_and_a_signature(
        browser: WebDriver, built: tuple[M.Site, Path], shots: Path) -> None:
    site, out = built
    n = notice(site, "55_")
    s = next(x for x in n.sentences if x.rules)
    load(browser, out / n.page, s.id)
    wait(browser, lambda: browser.find_element(By.ID, "panel").is_displayed())

    def display(selector: str) -> list[str]:
        shown: list[str] = js(browser, "return Array.from(document.querySelectorAll(arguments[0]),"
                              " e => getComputedStyle(e).display)", selector)
        return shown

    assert set(display(".pcites")) == {"none"} and set(display(".signoff")) == {"none"}
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for hidden in (".top", "#panel", "form.tryit", ".toc", ".rules-list", ".legend .keys"):
            assert set(display(hidden)) == {"none"}, hidden
        assert set(display(".pcites")) == {"block"} and display(".signoff") == ["block"]
        assert len(display(".pcites")) == len({x.line for x in n.sentences
                                               if x.rules or x.status in (M.MARKED,
                                                                          M.UNCOVERED)})
        js(browser, "window.scrollTo(0, 0)")
        browser.save_screenshot(str(shots / "print-top.png"))
        js(browser, "document.getElementById(arguments[0]).scrollIntoView()", s.id)
        browser.save_screenshot(str(shots / "print-rules.png"))
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
        data = base64.b64decode(pdf["data"])
        assert data.startswith(b"%PDF")
        (shots / "notice-55.pdf").write_bytes(data)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert set(display(".pcites")) == {"none"}


# ---------------------------------------------------------------- try-it


def test_try_it_forms_follow_the_schema_and_need_polc_serve(browser: WebDriver,
                                                             built: tuple[M.Site, Path],
                                                             shots: Path) -> None:
    site, out = built
    kinds: set[str] = set()
    # one script a page reads every form: a WebDriver call per control took a minute
    read_forms = """return Array.from(document.querySelectorAll('form.tryit'), form => ({
        policy: form.dataset.policy, decision: form.dataset.decision,
        answer: form.querySelector('.answer').textContent,
        fields: Array.from(form.querySelectorAll('.field'), f => {
          const c = f.querySelector('input, select');
          return {name: f.dataset.name, id: c.id, tag: c.tagName.toLowerCase(),
                  type: c.getAttribute('type'), min: c.getAttribute('min'),
                  label: form.querySelector('label[for="' + c.id + '"]').textContent,
                  hint: f.querySelector('.hint').textContent,
                  options: Array.from(c.querySelectorAll('option'), o => o.textContent)};
        })}))"""
    for n in site.notices:
        if not n.decisions:
            continue
        load(browser, out / n.page)
        forms = {f["decision"]: f for f in js(browser, read_forms)}
        assert list(forms) == [d.name for d in n.decisions]
        for d in n.decisions:
            form = forms[d.name]
            assert form["policy"] == n.slug
            assert [c["name"] for c in form["fields"]] == [f.name for f in d.inputs]
            for f, control in zip(d.inputs, form["fields"], strict=True):
                assert control["id"] == f"in-{d.name}-{f.name}"
                assert f.label in control["label"] and f.name in control["label"]
                if f.kind == "enum":
                    assert control["options"][1:] == [f"{m.name} — {m.label}"
                                                      for m in f.members]
                elif f.kind == "bool":
                    assert control["options"][1:] == ["是", "否"]
                else:
                    expected = {"count": "number", "num": "text", "date": "date",
                                "datetime": "datetime-local", "role": "text"}[f.kind]
                    assert control["type"] == expected, (d.name, f.name)
                    if f.kind == "count" and f.lo is not None:
                        assert control["min"] == f.lo
                assert f.type_text in control["hint"] and (not f.unit or f.unit in control["hint"])
                kinds.add(f.kind)
            assert "polc serve" in form["answer"]
    assert {"count", "num", "bool", "enum", "date"} <= kinds
    # submitting from file:// says the same, and sends nothing
    n = notice(site, "55_")
    load(browser, out / n.page, "d-severity")
    form = browser.find_element(By.CSS_SELECTOR, "form.tryit[data-decision='severity']")
    for f in n.decisions[0].inputs:
        form.find_element(By.ID, f"in-severity-{f.name}").send_keys("1")
    click(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "polc serve" in form.find_element(By.CLASS_NAME, "answer").text
    assert "file://" in form.find_element(By.CLASS_NAME, "answer").text
    js(browser, "arguments[0].scrollIntoView()", form)
    browser.save_screenshot(str(shots / "tryit.png"))


# ---------------------------------------------------------------- screenshots


def test_screenshots_of_the_index_and_a_decision(browser: WebDriver,
                                                 built: tuple[M.Site, Path],
                                                 shots: Path) -> None:
    site, out = built
    load(browser, out / "index.html")
    browser.save_screenshot(str(shots / "index.png"))
    load(browser, out / notice(site, "58_").page, "d-bank_annual_reward")
    browser.save_screenshot(str(shots / "decision.png"))
    js(browser, "document.querySelector('#d-bank_annual_reward svg').scrollIntoView()")
    browser.save_screenshot(str(shots / "decision-diagram.png"))
    taken = sorted(p.name for p in shots.glob("*.png"))
    assert {"index.png", "decision.png", "decision-diagram.png"} <= set(taken)
    assert all(p.stat().st_size > 20_000 for p in shots.glob("*.png"))
    print(f"\nscreenshots in {shots}: {', '.join(taken)}")


# ---------------------------------------------------------------- injection


def test_injected_markup_never_runs_in_the_browser(browser: WebDriver,
                                                    tmp_path: Path) -> None:
    site = site_collect.collect([sitecases.make_project(tmp_path)])
    out = tmp_path / "site"
    render_site(site, out)
    n = site.notices[0]
    assert load(browser, out / n.page) == []
    for s in n.sentences:
        click(browser, browser.find_element(By.ID, s.id))
        assert panel_sentence(browser) == s.text
    # the title is its own characters, not a bold "html"
    assert browser.find_element(By.TAG_NAME, "h1").text == n.title
    assert _search(browser, "onerror")
    assert load(browser, out / "index.html") == []
    assert sitecases.PAYLOADS[0] in browser.find_element(By.CSS_SELECTOR, "table.notices").text
    assert _search(browser, "pwned")
    assert js(browser, "return typeof window.__pwned") == "undefined"
    assert not browser.find_elements(By.CSS_SELECTOR, "b, img, i, iframe, main script")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


def test_no_request_leaves_the_machine(browser: WebDriver, built: tuple[M.Site, Path]) -> None:
    """Every request a page makes (its style, script, the search index, the SVGs inlined
    in it) is for a file of the site or a data: URL: DevTools sees no other URL."""
    site, out = built
    browser.get_log("performance")
    for n in (notice(site, "63_"), notice(site, "55_")):
        load(browser, out / n.page)
        _search(browser, "总部")
    events = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = {e["params"]["request"]["url"] for e in events
            if e["method"] == "Network.requestWillBeSent"}
    assert {u.rsplit("/", 1)[-1] for u in urls} >= {"63_headquarters_economy.html",
                                                   "site.css", "site.js", "search-index.js"}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme == "data":
            # inline resources (the browser's own date-picker icon) carry their bytes in
            # the URL itself: nothing is fetched
            continue
        assert parts.scheme == "file", url
        assert Path(unquote(parts.path)).is_relative_to(out), url
