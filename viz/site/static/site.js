/* polc reviewers' site: sentence selection and its panel, keyboard navigation, search,
   try-it forms.  A classic script (ES modules do not load from file://), no libraries,
   nothing fetched but the site's own files and, for try-it, the `polc serve` API.
   Text from a notice, a policy or the API is only ever set with textContent. */
(function () {
  "use strict";

  var doc = document;

  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function ids(value) { return (value || "").split(" ").filter(Boolean); }
  function norm(text) { return String(text).normalize("NFKC").replace(/\s+/g, "").toLowerCase(); }
  function setHash(id) {
    var url = id ? "#" + id : location.pathname + location.search;
    try {
      history.replaceState(null, "", url);
    } catch (e) {
      if (id) { location.hash = id; }
    }
  }

  /* A copy of a card for the panel: ids (and what points at them) removed, so the page
     keeps one element per id. */
  function copy(node) {
    var c = node.cloneNode(true);
    c.removeAttribute("id");
    c.removeAttribute("aria-labelledby");
    $$("[id]", c).forEach(function (e) { e.removeAttribute("id"); });
    return c;
  }

  function badge(status) {
    var b = $("#lg-" + status + " .badge");
    return b ? b.cloneNode(true) : el("span", "badge", status);
  }

  /* ------------------------------------------------------------ sentences and panel */
  var sentences = $$(".notice-text .sent[id]");
  var panel = $("#panel");
  var panelBody = panel ? $(".panel-body", panel) : null;
  var reader = $(".reader");
  var current = null;
  var selected = null;

  function focusSentence(s, scroll) {
    if (!s) { return; }
    if (current && current !== s) { current.tabIndex = -1; }
    current = s;
    s.tabIndex = 0;
    s.focus({ preventScroll: true });
    if (scroll !== false) { s.scrollIntoView({ block: "nearest" }); }
  }

  function section(title) {
    var sec = el("section");
    sec.appendChild(el("h3", null, title));
    panelBody.appendChild(sec);
    return sec;
  }

  function fillPanel(s, focusRule) {
    panelBody.textContent = "";
    panelBody.appendChild(el("blockquote", "panel-sentence", s.textContent));
    var meta = el("p", "panel-meta");
    meta.appendChild(badge(s.dataset.status));
    meta.appendChild(doc.createTextNode(" 第 " + s.dataset.line + " 行 · " + s.dataset.clause));
    panelBody.appendChild(meta);
    if (s.dataset.mark !== undefined) {
      var why = el("p", "mark-reason");
      why.appendChild(el("strong", null, "不编码的理由："));
      if (s.dataset.markCode) { why.appendChild(doc.createTextNode("〔" + s.dataset.markCode + "〕")); }
      why.appendChild(doc.createTextNode(s.dataset.mark));
      panelBody.appendChild(why);
    }
    var rules = ids(s.dataset.rules);
    var examples = ids(s.dataset.examples);
    if (s.dataset.status === "uncovered") {
      panelBody.appendChild(el("p", "note", "没有规则引用这一句，也没有标记说明为何不编码。"));
    } else if (s.dataset.status === "none" && !rules.length && !examples.length) {
      panelBody.appendChild(el("p", "note", "这一句不含规则（按当前的覆盖检验）。"));
    }
    var readings = [];
    if (rules.length) {
      var sec = section("引用这一句的规则（" + rules.length + "）");
      rules.forEach(function (rid) {
        var card = doc.getElementById(rid);
        if (!card) { return; }
        var c = copy(card);
        c.dataset.rule = rid;
        if (rid === focusRule) { c.classList.add("focus"); }
        sec.appendChild(c);
        $$(".reading", card).forEach(function (r) {
          if (readings.indexOf(r.textContent) < 0) { readings.push(r.textContent); }
        });
      });
    }
    if (readings.length) {
      var list = el("ul");
      readings.forEach(function (t) { list.appendChild(el("li", "reading", t)); });
      section("解读（" + readings.length + "）").appendChild(list);
    }
    if (examples.length) {
      var first = doc.getElementById(examples[0]);
      var table = el("table", "examples");
      if (first) { table.appendChild(first.closest("table").tHead.cloneNode(true)); }
      var tbody = el("tbody");
      examples.forEach(function (eid) {
        var row = doc.getElementById(eid);
        if (row) { tbody.appendChild(copy(row)); }
      });
      table.appendChild(tbody);
      section("例（" + examples.length + "）").appendChild(table);
    }
    var ruleCard = focusRule && $(".rule.focus", panelBody);
    if (ruleCard) { ruleCard.scrollIntoView({ block: "nearest" }); } else { panel.scrollTop = 0; }
  }

  function select(s, opts) {
    opts = opts || {};
    if (!panel || !s) { return; }
    if (selected && selected !== s) {
      selected.classList.remove("selected");
      selected.setAttribute("aria-expanded", "false");
    }
    selected = s;
    s.classList.add("selected");
    s.setAttribute("aria-expanded", "true");
    fillPanel(s, opts.rule);
    panel.hidden = false;
    reader.classList.add("open");
    if (opts.hash !== false) { setHash(opts.rule || s.id); }
    focusSentence(s, opts.scroll);
    if (opts.center) { s.scrollIntoView({ block: "center" }); }
  }

  function closePanel() {
    if (!panel || panel.hidden) { return; }
    panel.hidden = true;
    reader.classList.remove("open");
    setHash(null);
    if (selected) {
      selected.classList.remove("selected");
      selected.setAttribute("aria-expanded", "false");
      focusSentence(selected);
    }
    selected = null;
  }

  function move(step, ruleBearing) {
    if (!sentences.length) { return; }
    // the first key press lands on the sentence kept focusable, not the one after it
    var i = doc.activeElement === current ? sentences.indexOf(current) : sentences.indexOf(current) - step;
    for (var j = i + step; j >= 0 && j < sentences.length; j += step) {
      if (!ruleBearing || sentences[j].dataset.status !== "none") {
        if (selected) { select(sentences[j]); } else { focusSentence(sentences[j]); }
        return;
      }
    }
  }

  /* #s-… selects a sentence; #r-… a rule: its first sentence, with the rule marked in the
     panel.  Anything else inside a closed <details> opens it. */
  function route() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && doc.getElementById(id);
    if (!target) { return; }
    var box = target.closest("details");
    if (box) { box.open = true; }
    if (target.classList.contains("sent")) {
      select(target, { hash: false, center: true });
    } else if (target.classList.contains("rule")) {
      var first = ids(target.dataset.sentences)[0];
      var s = first && doc.getElementById(first);
      if (s) { select(s, { rule: id, hash: false, center: true }); }
    }
  }

  if (panel) {
    sentences.forEach(function (s) { s.setAttribute("aria-controls", "panel"); });
    if (sentences.length) { sentences[0].tabIndex = 0; current = sentences[0]; }
    doc.addEventListener("click", function (ev) {
      var s = ev.target.closest && ev.target.closest(".notice-text .sent[id]");
      if (s) { select(s); return; }
      var link = ev.target.closest && ev.target.closest("a[href^='#']");
      // a link to the sentence already shown still re-selects it (hashchange would not fire)
      if (link && link.getAttribute("href") === location.hash) { route(); }
    });
    $(".close", panel).addEventListener("click", closePanel);
    window.addEventListener("hashchange", route);
  }

  /* A diagram wider than the page shrinks to fit only down to 80% of its size: below that
     its text would be too small to read, so the frame scrolls instead. */
  $$(".svg-wrap svg").forEach(function (svg) {
    var natural = svg.width && svg.width.baseVal ? svg.width.baseVal.value : 0;
    if (natural > 0) { svg.style.minWidth = Math.round(natural * 0.8) + "px"; }
  });

  /* ------------------------------------------------------------ diagram tooltips
     Every cited element of a diagram has a <title>: its clause and quotes.  The browser's
     own tooltip shows it late and not on focus, so the page shows it at once, beside the
     element, on hover and on keyboard focus. */
  var tip = el("div", "svg-tip");
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  doc.body.appendChild(tip);

  function tipFor(target) {
    var a = target && target.closest && target.closest("figure.diagram svg a");
    var title = a && a.querySelector(":scope > title");
    return title ? { a: a, text: title.textContent } : null;
  }

  function showTip(found, x, y) {
    tip.textContent = found.text;
    tip.hidden = false;
    var left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 8);
    var top = y + 18 + tip.offsetHeight > window.innerHeight ? y - tip.offsetHeight - 10 : y + 18;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }

  doc.addEventListener("mouseover", function (ev) {
    var found = tipFor(ev.target);
    if (found) { showTip(found, ev.clientX, ev.clientY); } else { tip.hidden = true; }
  });
  doc.addEventListener("focusin", function (ev) {
    var found = tipFor(ev.target);
    if (!found) { return; }
    var r = found.a.getBoundingClientRect();
    showTip(found, r.left, r.bottom);
  });
  doc.addEventListener("focusout", function () { tip.hidden = true; });

  /* ------------------------------------------------------------ keyboard */
  var search = $("#q");
  var results = $("#search-results");

  doc.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target;
    var typing = t.closest && t.closest("input, select, textarea, [contenteditable]");
    if (ev.key === "Escape") {
      if (results && (typing === search || results.contains(t)) && !results.hidden) {
        hideResults();
        search.focus();
        ev.preventDefault();
      } else if (panel && !panel.hidden) {
        closePanel();
        ev.preventDefault();
      }
      return;
    }
    if (typing) { return; }
    var onSentence = t.classList && t.classList.contains("sent");
    var k = ev.key;
    if (k === "/" && search) {
      search.focus();
      search.select();
    } else if (!panel) {
      return;
    } else if (k === "j" || (k === "ArrowDown" && onSentence)) {
      move(1, false);
    } else if (k === "k" || (k === "ArrowUp" && onSentence)) {
      move(-1, false);
    } else if (k === "J") {
      move(1, true);
    } else if (k === "K") {
      move(-1, true);
    } else if ((k === "Enter" || k === " ") && onSentence) {
      select(t);
    } else {
      return;
    }
    ev.preventDefault();
  });

  /* ------------------------------------------------------------ search */
  var KINDS = { notice: "通知", decision: "决策", sentence: "句子" };
  var ORDER = { notice: 0, decision: 1, sentence: 2 };
  var MAX_SHOWN = 60;
  var rows = null;
  var waiting = [];

  function withIndex(then) {
    if (rows) { then(); return; }
    waiting.push(then);
    if (waiting.length > 1) { return; }
    var script = doc.createElement("script");
    script.src = "static/search-index.js";
    script.onload = function () {
      rows = (window.POLC_SEARCH || []).map(function (r) {
        return { kind: r[0], text: r[1], url: r[2], ctx: r[3], key: norm(r[1] + " " + r[3]) };
      });
      waiting.splice(0).forEach(function (f) { f(); });
    };
    script.onerror = function () {
      waiting = [];
      showResults([], "搜索索引（static/search-index.js）未能加载。");
    };
    doc.head.appendChild(script);
  }

  function hideResults() { if (results) { results.hidden = true; } }

  function showResults(found, message) {
    results.textContent = "";
    results.appendChild(el("p", null, message));
    var list = el("ol");
    found.slice(0, MAX_SHOWN).forEach(function (r) {
      var li = el("li");
      var a = el("a");
      a.href = r.url;
      a.dataset.kind = r.kind;
      a.appendChild(el("span", "kind", KINDS[r.kind] || r.kind));
      a.appendChild(el("span", "text", r.text));
      a.appendChild(el("span", "ctx", r.ctx));
      li.appendChild(a);
      list.appendChild(li);
    });
    results.appendChild(list);
    results.hidden = false;
  }

  function runSearch() {
    var q = norm(search.value);
    if (!q) { hideResults(); return; }
    withIndex(function () {
      if (norm(search.value) !== q) { return; }
      var found = rows.filter(function (r) { return r.key.indexOf(q) >= 0; });
      found.sort(function (a, b) { return ORDER[a.kind] - ORDER[b.kind]; });
      var more = found.length > MAX_SHOWN ? "，显示前 " + MAX_SHOWN + " 条" : "";
      showResults(found, found.length ? "找到 " + found.length + " 条" + more : "没有找到「" + search.value + "」。");
      results.dataset.query = search.value;
    });
  }

  if (search && results) {
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(runSearch, 60);
    });
    search.addEventListener("focus", function () { withIndex(function () {}); });
    search.addEventListener("keydown", function (ev) {
      var links = $$("a", results);
      if (ev.key === "ArrowDown" && links.length && !results.hidden) {
        links[0].focus();
        ev.preventDefault();
      } else if (ev.key === "Enter" && links.length && !results.hidden) {
        links[0].click();
        ev.preventDefault();
      }
    });
    results.addEventListener("keydown", function (ev) {
      var links = $$("a", results);
      var i = links.indexOf(doc.activeElement);
      if (ev.key === "ArrowDown" && i < links.length - 1) {
        links[i + 1].focus();
        ev.preventDefault();
      } else if (ev.key === "ArrowUp") {
        (i > 0 ? links[i - 1] : search).focus();
        ev.preventDefault();
      }
    });
    results.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { hideResults(); }
    });
    doc.addEventListener("click", function (ev) {
      if (!results.hidden && !results.contains(ev.target) && ev.target !== search) { hideResults(); }
    });
  }

  /* ------------------------------------------------------------ try-it forms */
  var OFFLINE = "在线试算需要 polc serve：这一页是从文件直接打开的（file://），没有试算服务。" +
    "在命令行运行 polc serve policies/，再打开它给出的地址。";
  var NO_API = "未连接到试算服务：在线试算需要 polc serve（在命令行运行 polc serve policies/，再打开它给出的地址）。";

  function say(box, cls, text) {
    box.textContent = "";
    box.appendChild(el("p", cls, text));
  }

  function valueText(value, labels) {
    if (typeof value === "string" && Object.prototype.hasOwnProperty.call(labels, value)) {
      return value + "（" + labels[value] + "）";
    }
    if (Array.isArray(value)) {
      return value.map(function (v) { return valueText(v, labels); }).join("，");
    }
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function sentenceFor(quote) {
    var q = norm(quote || "");
    if (!q) { return null; }
    for (var i = 0; i < sentences.length; i++) {
      var t = norm(sentences[i].textContent);
      if (t.indexOf(q) >= 0 || q.indexOf(t) >= 0) { return sentences[i]; }
    }
    return null;
  }

  function showAnswer(form, box, data) {
    box.textContent = "";
    $$("[aria-invalid]", form).forEach(function (c) { c.removeAttribute("aria-invalid"); });
    if (data && typeof data.error === "string") {
      box.appendChild(el("p", "error", "✗ " + data.error));
      var field = data.field && $(".field[data-name='" + CSS.escape(String(data.field)) + "'] input, " +
        ".field[data-name='" + CSS.escape(String(data.field)) + "'] select", form);
      if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
      return;
    }
    var labels = JSON.parse(form.dataset.labels || "{}");
    box.appendChild(el("p", "value", "结果：" + valueText(data.value, labels)));
    if (Array.isArray(data.explain) && data.explain.length) {
      var list = el("ol", "explain");
      data.explain.forEach(function (step) {
        var li = el("li");
        li.appendChild(doc.createTextNode(String(step.text || step.kind || "") +
          (step.result !== undefined ? " → " + valueText(step.result, labels) : "")));
        if (step.clause || step.quote) {
          var cite = el("div", "cite");
          cite.appendChild(el("span", "clause", "引 " + (step.clause || "")));
          if (step.quote) { cite.appendChild(el("q", null, step.quote)); }
          var s = sentenceFor(step.quote);
          if (s) {
            var a = el("a", "to-sentence", "→ 原文第 " + s.dataset.line + " 行");
            a.href = "#" + s.id;
            cite.appendChild(a);
          }
          li.appendChild(cite);
        }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
  }

  function readInput(form) {
    var input = {};
    var missing = null;
    $$(".field", form).forEach(function (f) {
      var ctl = $("input, select", f);
      var v = ctl.value;
      if (v === "") { missing = missing || ctl; return; }
      var kind = f.dataset.kind;
      // numbers go as decimal text: the API reads them exactly, where a JSON number
      // passed through JavaScript would be a binary float
      input[f.dataset.name] = kind === "bool" ? v === "true" : v;
    });
    return { input: input, missing: missing };
  }

  $$("form.tryit").forEach(function (form) {
    var box = $(".answer", form);
    if (location.protocol === "file:") { say(box, "offline", OFFLINE); }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (location.protocol === "file:") { say(box, "offline", OFFLINE); return; }
      var read = readInput(form);
      if (read.missing) {
        say(box, "error", "请填写每一项输入。");
        read.missing.setAttribute("aria-invalid", "true");
        read.missing.focus();
        return;
      }
      // the case itself is the body, as polc eval --input takes it
      var explain = form.elements.__explain && form.elements.__explain.checked;
      var url = "api/policies/" + encodeURIComponent(form.dataset.policy) + "/decisions/" +
        encodeURIComponent(form.dataset.decision) + "/evaluate" + (explain ? "?explain=true" : "");
      say(box, "pending", "计算中……");
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(read.input)
      }).then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (type.indexOf("json") < 0) { throw new Error("no API"); }
        return r.json();
      }).then(function (data) {
        showAnswer(form, box, data);
      }).catch(function () {
        say(box, "offline", NO_API);
      });
    });
  });

  if (panel) { route(); }
}());
