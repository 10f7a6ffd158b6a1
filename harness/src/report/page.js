// jose-harness report: draws every section from the JSON in #audit-data.
// Tokens, claims and adapter answers are untrusted: every text goes
// through textContent (or an attribute set with setAttribute), never
// innerHTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("audit-data").textContent);
  const matrix = data.matrix;
  const impls = data.run.rows.map((r) => r.implementation);
  const rulesById = new Map(data.rules.map((r) => [r.id, r]));
  const notesByFlag = new Map(data.flags.map((f) => [f.flag, f]));
  const casesById = new Map(data.cases.map((c) => [c.id, c]));
  const negativeByCase = new Map((matrix ? matrix.negative : []).map((n) => [n.case, n]));

  // ---- small DOM helpers ------------------------------------------------

  // h("td", {class: "x", title: "…"}, child, "text", [more]) → element.
  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = String(v);
      else if (k === "onclick") e.addEventListener("click", v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    append(e, children);
    return e;
  }
  function append(parent, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(parent, c);
      else if (c instanceof Node) parent.appendChild(c);
      else parent.appendChild(document.createTextNode(String(c)));
    }
  }
  function fill(id, ...children) {
    const e = document.getElementById(id);
    e.replaceChildren();
    append(e, children);
    return e;
  }
  const badge = (cls, text) => h("span", { class: "badge " + cls, text: text });
  const STATUS = {
    unexpected: ["✗", "unexpected"],
    quirk: ["~", "known quirk"],
    as_expected: ["✓", "as expected"],
    not_run: ["–", "not run"],
  };
  const statusBadge = (s) => badge(s, STATUS[s][1]);
  const plural = (n, one, many) => n + " " + (n === 1 ? one : many || one + "s");
  const utc = (unix) => new Date(unix * 1000).toISOString().replace(".000Z", "Z");
  const json = (v) => JSON.stringify(v, null, 2);
  const shellQuote = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";
  function ruleLink(id) {
    if (!rulesById.has(id)) return h("code", { text: id });
    return h("a", { href: "#rule-" + id, class: "mono", onclick: (ev) => { ev.preventDefault(); showRule(id); } }, id);
  }
  function expectedText(c) {
    if (c.expect.verdict === "pass") {
      const w = c.expect.warnings || [];
      return w.length ? "pass, with warnings " + w.join(", ") : "pass";
    }
    return "fail with " + (c.expect.errors || []).join(", ");
  }
  function facts(pairs) {
    return h("dl", { class: "facts" }, pairs.filter((p) => p).map(([k, v]) => [h("dt", { text: k }), h("dd", {}, v)]));
  }
  function table(cls, headers, rows) {
    return h("table", { class: cls },
      h("thead", {}, h("tr", {}, headers.map((x) => (x instanceof Node ? x : h("th", { text: x }))))),
      h("tbody", {}, rows));
  }
  function heatClass(passed, total) {
    return "h" + (total === 0 ? 10 : Math.floor((passed / total) * 10));
  }

  // ---- header and summary -------------------------------------------------

  function drawSummary() {
    const v = document.getElementById("verdict");
    v.textContent = data.verdict === "pass" ? "PASS" : "FAIL";
    v.className = "verdict " + data.verdict;

    const runPass = data.run.unexpected.length === 0;
    const cards = [
      h("div", { class: "card " + (runPass ? "pass" : "fail") },
        h("div", { text: "Test vectors" }),
        h("div", { class: "big", text: runPass ? "PASS" : "FAIL" }),
        h("div", { text: plural(data.vectors.count, "vector") + " × " + plural(impls.length, "implementation") }),
        h("div", { text: plural(data.run.unexpected.length, "unexpected outcome") + ", " + plural(data.run.quirks.length, "known quirk") })),
    ];
    if (matrix) {
      const tokens = matrix.cells.reduce((n, c) => n + c.passed + c.failed, 0);
      const answers = matrix.negative.reduce((n, x) => n + x.outcomes.length, 0);
      cards.push(h("div", { class: "card " + matrix.verdict },
        h("div", { text: "Interop matrix" }),
        h("div", { class: "big", text: matrix.verdict === "pass" ? "PASS" : "FAIL" }),
        h("div", { text: plural(tokens, "token") + " judged, " + plural(matrix.failure_count, "failure") }),
        h("div", { text: plural(matrix.negative.length, "negative case") + ", " + plural(answers, "answer") + ", " + plural(matrix.stale_quirks.length, "stale quirk") })));
    } else {
      cards.push(h("div", { class: "card" }, h("div", { text: "Interop matrix" }), h("div", { class: "big", text: "not run" })));
    }
    const w = data.wycheproof;
    cards.push(h("div", { class: "card " + (w ? (w.unexpected === 0 ? "pass" : "fail") : "") },
      h("div", { text: "Project Wycheproof" }),
      h("div", { class: "big", text: w ? (w.unexpected === 0 ? "PASS" : "FAIL") : "not run" }),
      w ? h("div", { text: plural(w.unexpected, "unexpected result") }) : h("div", { text: "report --wycheproof DIR" })));
    const r = data.rooterberg;
    cards.push(h("div", { class: "card " + (r ? (r.unexpected === 0 ? "pass" : "fail") : "") },
      h("div", { text: "Project Rooterberg" }),
      h("div", { class: "big", text: r ? (r.unexpected === 0 ? "PASS" : "FAIL") : "not run" }),
      r ? h("div", { text: plural(r.unexpected, "unexpected result") }) : h("div", { text: "report --rooterberg DIR" })));
    cards.push(h("div", { class: "card" },
      h("div", { text: "Rules" }),
      h("div", { class: "big", text: String(data.rules.length) }),
      h("div", { text: plural(data.quirks.quirks.length, "known quirk") + " listed" })));

    const alerts = [];
    if (data.vectors.unexpected > 0) {
      alerts.push(h("div", { class: "alert", id: "unexpected-alert" },
        h("strong", { text: plural(data.vectors.unexpected, "vector") + " with unexpected outcomes. " }),
        h("button", { class: "link", id: "show-unexpected", onclick: () => { setFilter("outcome", "unexpected"); scrollTo("vectors"); } }, "Show them"),
        " (then pick a row)."));
    }
    if (matrix && (matrix.failure_count > 0 || matrix.stale_quirks.length > 0)) {
      alerts.push(h("div", { class: "alert" },
        h("strong", { text: plural(matrix.failure_count, "interop failure") + ", " + plural(matrix.stale_quirks.length, "stale quirk") + ". " }),
        h("button", { class: "link", onclick: () => scrollTo("interop-failures") }, "Show them")));
    }
    if (w && w.unexpected > 0) {
      alerts.push(h("div", { class: "alert" },
        h("strong", { text: plural(w.unexpected, "unexpected Wycheproof result") + ". " }),
        h("button", { class: "link", onclick: () => scrollTo("wycheproof") }, "Show them")));
    }
    if (r && r.unexpected > 0) {
      alerts.push(h("div", { class: "alert" },
        h("strong", { text: plural(r.unexpected, "unexpected Rooterberg result") + ". " }),
        h("button", { class: "link", onclick: () => scrollTo("rooterberg") }, "Show them")));
    }
    if (data.vectors.unmatchedResults.length > 0) {
      alerts.push(h("div", { class: "alert" },
        "The run read back has results for " + plural(data.vectors.unmatchedResults.length, "vector") +
        " that are not in the vector files: " + data.vectors.unmatchedResults.join(", ")));
    }

    // A count short of its total is red; an interop failure is the
    // producer's or the consumer's, so both rows show it.
    const count = (text, bad) => h("td", { class: "num" + (bad ? " bad" : ""), text: text });
    const tally = (t) => (t ? count(t.passed + "/" + t.total, t.passed < t.total) : count("–", false));
    const rows = data.implementations.map((i) => {
      const v = i.vectors;
      const n = i.negative;
      return h("tr", {},
        h("td", {}, h("strong", { text: i.name })),
        h("td", { class: "mono", text: i.library }),
        v ? count(v.asExpected + "/" + v.run, v.asExpected < v.run) : count("–", false),
        v ? count(String(v.unexpected), v.unexpected > 0) : count("–", false),
        v ? count(String(v.quirks), false) : count("–", false),
        tally(i.produced),
        tally(i.consumed),
        n ? count(n.rejected + "/" + n.answers + (n.quirks ? " (" + n.quirks + " quirks)" : ""), n.disagreements + n.wrongRule > 0) : count("–", false));
    });
    const impTable = table("impls", [
      "implementation", "library and versions",
      h("th", { class: "num", text: "vectors as expected" }), h("th", { class: "num", text: "unexpected" }),
      h("th", { class: "num", text: "known quirks" }), h("th", { class: "num", text: "interop: produced, accepted" }),
      h("th", { class: "num", text: "interop: consumed, accepted" }), h("th", { class: "num", text: "negative cases rejected" }),
    ], rows);

    const files = data.vectors.files.map((f) => f.path + " (" + f.tests + ")").join(", ");
    fill("summary-body",
      h("div", { class: "cards" }, cards),
      alerts,
      h("h3", { text: "Pass and fail counts per implementation" }),
      h("div", { class: "table-scroll" }, impTable),
      h("h3", { text: "Provenance" }),
      facts([
        ["jose-harness", data.versions.harness],
        ["OpenSSL (built in)", data.versions.openssl],
        ["vector seed", data.vectors.seeds.join(", ")],
        ["vector generator", data.vectors.generatorVersions.join(", ")],
        ["vectors judged at", data.vectors.dates.join(", ")],
        ["vector files", files],
        matrix ? ["interop", "seed " + matrix.seed + ", " + plural(matrix.cases, "case") + " per profile, judged at " + utc(matrix.now)] : null,
        ["known quirks", plural(data.quirks.quirks.length, "entry", "entries")],
      ]));
  }

  // ---- vectors: filters, table, detail -------------------------------------

  const filter = { profile: "all", outcome: "all", flag: "all", bug: "all", rule: "all", text: "" };
  const rowsById = new Map();
  let selected = null;

  function matches(c) {
    if (filter.profile !== "all" && c.profile !== filter.profile) return false;
    if (filter.outcome !== "all" && c.status !== filter.outcome) return false;
    if (filter.flag !== "all" && !c.flags.includes(filter.flag)) return false;
    if (filter.bug !== "all" && !c.bugTypes.includes(filter.bug)) return false;
    if (filter.rule !== "all") {
      const named = (c.expect.errors || []).concat(c.expect.warnings || []);
      if (!named.includes(filter.rule)) return false;
    }
    if (filter.text) {
      const t = filter.text.toLowerCase();
      if (!c.id.toLowerCase().includes(t) && !c.comment.toLowerCase().includes(t)) return false;
    }
    return true;
  }

  function chips(name, label, options) {
    return h("div", { class: "group", role: "group", "aria-label": label },
      h("span", { class: "label", text: label + ":" }),
      options.map(([value, text]) =>
        h("button", {
          class: "chip", type: "button", id: "filter-" + name + "-" + value,
          "data-filter": name, "data-value": value, "aria-pressed": filter[name] === value ? "true" : "false",
          onclick: () => setFilter(name, value),
        }, text)));
  }
  function select(name, label, options) {
    const s = h("select", { id: "filter-" + name, "aria-label": label },
      h("option", { value: "all", text: "any " + label }),
      options.map(([value, text]) => h("option", { value: value, text: text })));
    s.addEventListener("change", () => setFilter(name, s.value));
    return h("div", { class: "group" }, h("span", { class: "label", text: label + ":" }), s);
  }

  function drawFilters() {
    const count = (pred) => data.cases.filter(pred).length;
    const profiles = [...new Set(data.cases.map((c) => c.profile))];
    const outcomes = ["unexpected", "quirk", "as_expected", "not_run"].filter((s) => count((c) => c.status === s) > 0 || s === "unexpected");
    const bugs = [...new Set(data.cases.flatMap((c) => c.bugTypes))].sort();
    const ruleIds = [...new Set(data.cases.flatMap((c) => (c.expect.errors || []).concat(c.expect.warnings || [])))].sort();
    const search = h("input", { type: "search", id: "filter-text", placeholder: "id or comment", "aria-label": "search" });
    search.addEventListener("input", () => setFilter("text", search.value.trim()));
    fill("filters",
      chips("outcome", "Outcome", [["all", "all (" + data.cases.length + ")"]].concat(
        outcomes.map((s) => [s, STATUS[s][1] + " (" + count((c) => c.status === s) + ")"]))),
      chips("profile", "Profile", [["all", "both"]].concat(profiles.map((p) => [p, p + " (" + count((c) => c.profile === p) + ")"]))),
      select("flag", "flag", data.flags.map((f) => [f.flag, f.flag + " (" + f.vectors + ")"])),
      select("bug", "bug type", bugs.map((b) => [b, b + " (" + count((c) => c.bugTypes.includes(b)) + ")"])),
      select("rule", "rule", ruleIds.map((r) => [r, r])),
      h("div", { class: "group" }, search),
      h("button", { class: "chip", type: "button", id: "filter-reset", onclick: resetFilters }, "reset"));
  }

  function resetFilters() {
    Object.assign(filter, { profile: "all", outcome: "all", flag: "all", bug: "all", rule: "all", text: "" });
    document.getElementById("filter-text").value = "";
    applyFilters();
  }

  function setFilter(name, value) {
    filter[name] = value;
    applyFilters();
  }

  function applyFilters() {
    for (const b of document.querySelectorAll("#filters button[data-filter]")) {
      b.setAttribute("aria-pressed", filter[b.getAttribute("data-filter")] === b.getAttribute("data-value") ? "true" : "false");
    }
    for (const name of ["flag", "bug", "rule"]) {
      document.getElementById("filter-" + name).value = filter[name];
    }
    let shown = 0;
    for (const c of data.cases) {
      const visible = matches(c);
      rowsById.get(c.id).hidden = !visible;
      if (visible) shown++;
    }
    const e = document.getElementById("vector-count");
    e.textContent = "Showing " + shown + " of " + plural(data.cases.length, "vector") + ".";
    e.setAttribute("data-shown", String(shown));
  }

  function drawVectorTable() {
    fill("vector-head", h("tr", {},
      h("th", { text: "outcome" }), h("th", { text: "vector" }), h("th", { text: "expected" }),
      h("th", { text: "flags and bug type" }),
      impls.map((i) => h("th", { class: "impl", title: "outcome on " + i }, h("span", { text: i })))));
    const body = fill("vector-rows");
    for (const c of data.cases) {
      const tr = h("tr", { class: "row-" + c.status, "data-id": c.id, "data-status": c.status, tabindex: "0" },
        h("td", {}, statusBadge(c.status)),
        h("td", { class: "id", title: c.comment }, c.id),
        h("td", { class: "expected" }, c.expect.verdict === "pass" ? "pass" : ["fail: ", h("span", { class: "mono", text: (c.expect.errors || []).join(", ") })]),
        h("td", {}, c.flags.join(", "), h("div", { class: "hint small", text: c.bugTypes.join(", ") })),
        c.results.map((r) => h("td", { class: "mark " + r.status, title: r.implementation + ": " + r.outcome, text: STATUS[r.status][0] })));
      tr.addEventListener("click", () => showVector(c.id));
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); showVector(c.id); } });
      rowsById.set(c.id, tr);
      body.appendChild(tr);
    }
  }

  function showVector(id, scroll) {
    const c = casesById.get(id);
    if (!c) return;
    if (selected) rowsById.get(selected).classList.remove("selected");
    selected = id;
    const row = rowsById.get(id);
    row.classList.add("selected");
    if (row.hidden) resetFilters();
    if (scroll) row.scrollIntoView({ block: "center" });
    try { history.replaceState(null, "", "#vector=" + encodeURIComponent(id)); } catch (e) { /* some file:// settings refuse it */ }

    const d = c.decoded;
    const named = (c.expect.errors || []).concat(c.expect.warnings || []);
    const fired = new Set(d.findings.map((f) => f.id));
    const missing = named.filter((r) => !fired.has(r));
    const libraryOf = new Map(data.run.rows.map((r) => [r.implementation, r.library]));
    const parts = [
      h("h3", { id: "detail-id" }, c.id),
      h("div", { class: "tags" }, statusBadge(c.status), h("span", { class: "tag", text: c.profile }),
        h("span", { class: "tag", text: c.file + " tcId " + c.tcId }), h("span", { class: "tag", text: "judged at " + c.nowUtc })),
      h("p", { text: c.comment }),
      h("h4", { text: "Expected" }),
      h("p", { id: "detail-expected" },
        badge(c.expect.verdict, c.expect.verdict), " ",
        c.expect.verdict === "fail" ? ["these rules must fire: ", (c.expect.errors || []).map((r, i) => [i ? ", " : "", ruleLink(r)])] : "a receiver must accept it",
        (c.expect.warnings || []).length ? [" (warnings: ", c.expect.warnings.map((r, i) => [i ? ", " : "", ruleLink(r)]), ")"] : null),
      h("h4", { text: "Each implementation's outcome" }),
      table("outcomes", ["implementation", "result", "what happened"], c.results.map((r) =>
        h("tr", {},
          h("td", { title: libraryOf.get(r.implementation) || "" }, h("strong", { text: r.implementation })),
          h("td", {}, statusBadge(r.status)),
          h("td", { class: "mono", text: r.outcome })))),
      h("h4", { text: "Rules that fired (the reference, with the vector's keys, at its time)" }),
      d.findings.length === 0 ? h("p", { text: "none: the token conforms (" + d.verdict + ")" }) :
        h("ul", { id: "detail-rules" }, d.findings.map((f) => h("li", {},
          badge(f.severity, f.severity), " ", ruleLink(f.id), f.expected ? [" ", badge("pass", "expected")] : null,
          h("div", { text: f.message }),
          f.detail ? h("div", { class: "hint mono", text: f.detail }) : null))),
      missing.length ? h("p", { class: "alert" }, "Expected but not fired here: ", missing.map((r, i) => [i ? ", " : "", ruleLink(r)])) : null,
      d.notChecked.length ? [h("h4", { text: "Not checked" }), h("ul", {}, d.notChecked.map((n) => h("li", { text: n })))] : null,
    ];
    const neg = negativeByCase.get(c.id);
    if (neg) {
      parts.push(h("h4", { text: "The same mistake in the interop matrix (" + neg.rule + " must fire)" }),
        table("outcomes", ["consumer", "judgement", "detail"], neg.outcomes.map((o) =>
          h("tr", {}, h("td", { text: o.consumer }), h("td", { class: "j-" + o.judgement, text: o.judgement.replace("_", " ") }),
            h("td", { class: "mono", text: o.detail })))));
    }
    if (c.flags.length) {
      parts.push(h("h4", { text: "Flags" }), h("ul", {}, c.flags.map((f) => {
        const n = notesByFlag.get(f);
        return h("li", {}, h("strong", { text: f }), n ? [" ", h("span", { class: "tag", text: n.bugType }), " ", n.description] : null);
      })));
    }
    parts.push(h("h4", { text: "Decoded (" + d.form + ")" }));
    for (const [label, value] of [["header", d.header], ["inner JWS header", d.innerHeader], ["claims", d.claims], ["context", d.context]]) {
      if (value === null || value === undefined) continue;
      parts.push(h("div", { class: "hint", text: label }), h("pre", { class: "decoded", "data-part": label }, json(value)));
    }
    if (d.claims === null || d.claims === undefined) parts.push(h("p", { class: "hint", text: "The claims could not be read (see the rules above)." }));
    parts.push(
      h("h4", { text: "Token" }), h("pre", { id: "detail-token" }, c.token),
      h("h4", { text: "Check it yourself" }),
      h("pre", {}, "jose-harness check --profile " + c.profile + " --now " + c.now +
        " \\\n  --verify-key vectors/keys/" + c.keys.verify + "-public.pem" +
        " \\\n  --decrypt-key vectors/keys/" + c.keys.decrypt + "-private.pem" +
        " \\\n  --token " + shellQuote(c.token)),
      h("h4", { text: "References" }), h("ul", {}, c.references.map((r) => h("li", { text: r }))));
    fill("detail", parts);
    document.getElementById("detail").scrollTop = 0;
  }

  // ---- interop ------------------------------------------------------------

  function drawInterop() {
    if (!matrix) {
      fill("interop-body", h("p", { class: "hint", text: "Not run." }));
      return;
    }
    const parts = [
      facts([
        ["verdict", badge(matrix.verdict, matrix.verdict.toUpperCase())],
        ["seed", String(matrix.seed)],
        ["cases per profile", String(matrix.cases)],
        ["judged at", utc(matrix.now)],
        ["run it again", h("code", { text: "jose-harness interop --seed " + matrix.seed + " --cases " + matrix.cases + " --now " + matrix.now })],
      ]),
      h("h3", { text: "Implementations (the layers each does itself; the reference does the rest)" }),
      table("impls", ["implementation", "library", "iadvize", "moveo"], matrix.implementations.map((m) => {
        const roles = (p) => {
          const r = m.layers[p];
          if (!r || (!r.produce.length && !r.consume.length)) return "–";
          return "produce " + (r.produce.join("+") || "–") + ", consume " + (r.consume.join("+") || "–");
        };
        return h("tr", {}, h("td", {}, h("strong", { text: m.name })), h("td", { class: "mono", text: m.library }),
          h("td", { text: roles("iadvize") }), h("td", { text: roles("moveo") }));
      })),
    ];
    for (const profile of ["iadvize", "moveo"]) {
      const cells = matrix.cells.filter((c) => c.profile === profile);
      if (!cells.length) continue;
      const producers = [...new Set(cells.map((c) => c.producer))];
      const consumers = [...new Set(cells.map((c) => c.consumer))];
      parts.push(h("h3", { text: profile + ": tokens accepted with the same claims and context (producer down, consumer across)" }),
        h("table", { class: "heat", id: "heat-" + profile },
          h("thead", {}, h("tr", {}, h("th", { text: "producer ↓ / consumer →" }), consumers.map((c) => h("th", { text: c })))),
          h("tbody", {}, producers.map((p) => h("tr", {}, h("th", { class: "row", text: p }), consumers.map((c) => {
            const x = cells.find((y) => y.producer === p && y.consumer === c);
            if (!x) return h("td", { class: "na", text: "–" });
            const total = x.passed + x.failed;
            return h("td", {
              class: "cell " + heatClass(x.passed, total),
              title: p + " → " + c + ": " + x.passed + " of " + total + " accepted with the same claims",
              text: (x.failed ? "✗ " : "") + x.passed + "/" + total,
            });
          }))))));
    }
    parts.push(h("div", { class: "legend" }, "share accepted:", h("span", { class: "sw h0" }), "0%",
      h("span", { class: "sw h5" }), "50%", h("span", { class: "sw h10" }), "100%"));

    if (matrix.negative.length) {
      const consumers = [...new Set(matrix.negative.flatMap((n) => n.outcomes.map((o) => o.consumer)))];
      const count = (j) => matrix.negative.reduce((n, x) => n + x.outcomes.filter((o) => o.judgement === j).length, 0);
      const bad = matrix.negative.filter((n) => n.outcomes.some((o) => o.judgement === "disagreement" || o.judgement === "wrong_rule"));
      const ordered = bad.concat(matrix.negative.filter((n) => !bad.includes(n)));
      const answers = matrix.negative.reduce((n, x) => n + x.outcomes.length, 0);
      const negativeRow = (n) => h("tr", {},
        h("th", { class: "row" }, casesById.has(n.case)
          ? h("a", { href: "#vector=" + encodeURIComponent(n.case), class: "mono", title: n.what, onclick: (ev) => { ev.preventDefault(); showVector(n.case, true); scrollTo("vectors"); } }, n.case)
          : h("span", { class: "mono", title: n.what, text: n.case })),
        h("td", {}, ruleLink(n.rule)),
        consumers.map((c) => {
          const o = n.outcomes.find((x) => x.consumer === c);
          if (!o) return h("td", { class: "na", text: "–" });
          const mark = { rejected: "✓", quirk: "quirk", disagreement: "✗ accepted", wrong_rule: "✗ rule" }[o.judgement];
          return h("td", { class: "j-" + o.judgement, title: c + ": " + o.detail, text: mark });
        }));
      const negativeTable = h("table", { class: "heat", id: "negative-table" },
        h("thead", {}, h("tr", {}, h("th", { text: "case" }), h("th", { text: "rule that must fire" }), consumers.map((c) => h("th", { text: c })))),
        h("tbody", {}, ordered.map(negativeRow)));
      parts.push(h("h3", { text: "Negative cases: every consumer must reject each one" }),
        h("p", { text: plural(matrix.negative.length, "case") + ", " + plural(answers, "answer") + ": " + count("rejected") + " rejected, " +
          plural(count("quirk"), "known quirk") + ", " + plural(count("disagreement"), "disagreement") + ", " + count("wrong_rule") + " with the wrong rule." }),
        h("details", { open: bad.length > 0 ? true : null, id: "negative-details" },
          h("summary", { text: "The table, case by consumer (" + plural(bad.length, "case") + " with a failure, listed first)" }),
          h("div", { class: "table-wrap" }, negativeTable)));
    }

    const fail = [h("h3", { id: "interop-failures", text: "Failures" })];
    if (matrix.failure_count === 0) fail.push(h("p", { text: "None." }));
    else {
      fail.push(h("p", { text: plural(matrix.failure_count, "failure") + (matrix.failure_count > matrix.failures.length ? "; the first " + matrix.failures.length + " with their tokens:" : ":") }));
      for (const f of matrix.failures) {
        fail.push(h("details", { class: "failure" },
          h("summary", {}, h("strong", { text: f.profile + " case " + f.case }), " produced by " + f.producer + ", consumed by " + f.consumer + ": ", f.problem),
          facts([
            ["keys", "vectors/keys/" + f.keys.customer + "-private.pem signs, vectors/keys/" + f.keys.recipient + "-private.pem decrypts"],
            ["reproduce", h("code", { text: f.reproduce })],
          ]),
          h("pre", {}, f.token)));
      }
    }
    if (matrix.stale_quirks.length) {
      fail.push(h("h3", { text: "Stale quirks (listed, but no longer happen: remove them)" }),
        h("ul", {}, matrix.stale_quirks.map((s) => h("li", {}, h("strong", { text: s.quirk.implementation + " " + s.quirk.case }), ": rejected " + s.rejected.join(", ")))));
    }
    fill("interop-body", parts, fail);
  }

  // ---- rules, quirks, wycheproof ---------------------------------------------

  function drawRules() {
    const uses = new Map();
    for (const c of data.cases) for (const r of (c.expect.errors || []).concat(c.expect.warnings || [])) uses.set(r, (uses.get(r) || 0) + 1);
    fill("rules-body",
      h("p", { class: "hint", text: plural(data.rules.length, "rule") + ", as `jose-harness checks` lists them. The last column shows the vectors that expect each rule." }),
      table("rules", ["id", "severity", "profile", "what is wrong", "how to fix it", "reference", "vectors"], data.rules.map((r) =>
        h("tr", { id: "rule-" + r.id },
          h("td", { class: "mono", text: r.id }), h("td", {}, badge(r.severity, r.severity)), h("td", { text: r.scope }),
          h("td", { text: r.message }), h("td", { text: r.fix }), h("td", { text: r.reference }),
          h("td", { class: "num" }, uses.has(r.id)
            ? h("button", { class: "link", onclick: () => { resetFilters(); setFilter("rule", r.id); scrollTo("vectors"); } }, String(uses.get(r.id)))
            : "0")))),
      h("p", { class: "hint", text: plural((data.mistakes || []).length, "implementers' mistake") + " diagnosis can name, as `jose-harness checks --mistakes` lists them: the trial that confirms each (run only after a check failed), the rules it explains, and the languages with a fix." }),
      table("mistakes", ["id", "layer", "status", "the mistake", "trial", "rules", "fix in"], (data.mistakes || []).map((m) =>
        h("tr", { id: "mistake-" + m.id },
          h("td", { class: "mono", text: m.id }), h("td", { text: m.layer }), h("td", { text: m.status }),
          h("td", { text: m.message }), h("td", { text: m.trial }),
          h("td", {}, m.rules.map((id, i) => [i ? ", " : "", ruleLink(id)])),
          h("td", { text: Object.keys(m.fixes).join(", ") })))));
  }

  function showRule(id) {
    const row = document.getElementById("rule-" + id);
    if (!row) return;
    row.scrollIntoView({ block: "center" });
    row.classList.remove("flash");
    void row.offsetWidth;
    row.classList.add("flash");
  }

  function drawQuirks() {
    const seen = (q) => {
      const glob = new RegExp("^" + q.case.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
      const vectors = data.run.quirks.filter((u) => u.implementation === q.implementation && glob.test(u.id)).length;
      const negative = matrix ? matrix.negative.filter((n) => glob.test(n.case) && n.outcomes.some((o) => o.consumer === q.implementation && o.judgement === "quirk")).length : 0;
      return [vectors, negative];
    };
    const stale = new Set((matrix ? matrix.stale_quirks : []).map((s) => s.quirk.implementation + " " + s.quirk.case));
    const list = data.quirks.quirks;
    fill("quirks-body",
      h("p", { class: "hint", text: "Library behaviour that differs from the rules on purpose, each with its reason. A listed quirk that no longer happens is stale and fails the run." }),
      list.length === 0 ? h("p", { text: "None listed." }) :
        table("quirks", ["implementation", "library", "case", "reason", "seen in this run"], list.map((q) => {
          const [v, n] = seen(q);
          return h("tr", {},
            h("td", {}, h("strong", { text: q.implementation })), h("td", { class: "mono", text: q.library || "–" }),
            h("td", { class: "mono", text: q.case }), h("td", { text: q.reason }),
            h("td", {}, stale.has(q.implementation + " " + q.case) ? badge("fail", "stale") : null,
              impls.includes(q.implementation) || (matrix && matrix.implementations.some((m) => m.name === q.implementation))
                ? " " + plural(v, "vector") + ", " + plural(n, "negative case")
                : " (not in this run)"));
        })),
      data.run.quirks.length ? [h("h3", { text: "Vector outcomes explained by a quirk" }),
        table("quirks", ["vector", "implementation", "expected", "got"], data.run.quirks.map((u) => h("tr", {},
          h("td", {}, h("a", { href: "#vector=" + encodeURIComponent(u.id), class: "mono", onclick: (ev) => { ev.preventDefault(); showVector(u.id, true); scrollTo("vectors"); } }, u.id)),
          h("td", { text: u.implementation }), h("td", { text: u.expected }), h("td", { text: u.actual }))))] : null);
  }

  // Wycheproof's and Rooterberg's results share a shape: files, each with
  // its backends' counts and unexpected results.
  function drawSuite(id, w, notes, hint) {
    if (!w) {
      fill(id + "-body", h("p", { class: "hint", text: hint }));
      return;
    }
    const parts = [h("p", {}, badge(w.unexpected === 0 ? "pass" : "fail", w.unexpected === 0 ? "PASS" : "FAIL"), " " + plural(w.unexpected, "unexpected result"))];
    for (const n of notes) parts.push(h("p", { class: "hint", text: n }));
    for (const f of w.files) {
      parts.push(h("h3", { text: f.file + " (" + plural(f.number_of_tests, "test") + "; " + f.runs + ")" }),
        table("impls", ["backend", "library", h("th", { class: "num", text: "run" }), h("th", { class: "num", text: "as expected" }),
          h("th", { class: "num", text: "reached the backend" }), h("th", { class: "num", text: "unexpected" }), "skipped"],
        f.backends.map((b) => h("tr", {},
          h("td", {}, h("strong", { text: b.backend })), h("td", { class: "mono", text: b.library }),
          h("td", { class: "num", text: b.run }), h("td", { class: "num", text: b.passed }),
          h("td", { class: "num", text: b.reached_backend }),
          h("td", { class: "num" }, b.unexpected.length ? badge("fail", String(b.unexpected.length)) : "0"),
          h("td", {}, Object.entries(b.skipped).map(([reason, n]) => h("div", { text: n + ": " + reason })))))));
      if (f.not_capable.length) parts.push(h("p", { class: "hint", text: "Not capable: " + f.not_capable.join(", ") }));
      const unexpected = f.backends.flatMap((b) => b.unexpected.map((u) => [b, u]));
      if (unexpected.length) {
        parts.push(table("impls", ["tcId", "group", "comment", "flags", "backend", "expected", "got"], unexpected.map(([b, u]) => {
          const a = u.actual;
          const got = a.outcome === "rejected" ? "rejected (" + a.stage + "): " + a.reason : a.outcome === "crashed" ? "crashed: " + a.detail : a.outcome.replace("_", " ");
          return h("tr", {}, h("td", { class: "num", text: u.tcId }), h("td", { text: u.group }), h("td", { text: u.comment }),
            h("td", { text: u.flags.join(", ") }), h("td", { text: b.backend }), h("td", { text: u.expected }), h("td", { class: "mono", text: got }));
        })));
      }
    }
    fill(id + "-body", parts);
  }

  function drawWycheproof() {
    drawSuite("wycheproof", data.wycheproof, [], "Not run in this report. `jose-harness report --wycheproof DIR` runs Project Wycheproof's JOSE files (json_web_signature_test.json, json_web_encryption_test.json) on every built-in backend.");
  }

  function drawRooterberg() {
    const r = data.rooterberg;
    const notes = r ? ["Searched " + r.dir + "."].concat(r.not_found.length ? ["No file found for " + r.not_found.join(", ") + "."] : []) : [];
    drawSuite("rooterberg", r, notes, "Not run in this report. `jose-harness report --rooterberg DIR` runs Project Rooterberg's files for the profiles' layers (jwt_rs256_*.json, jwe_rsa_oaep_256_a256gcm_*.json, aes_cbc_pkcs7_*.json, found below DIR) on every built-in backend.");
  }

  function scrollTo(id) {
    const e = document.getElementById(id);
    if (e) e.scrollIntoView({ block: "start" });
  }

  // ---- start ----------------------------------------------------------------

  drawSummary();
  drawFilters();
  drawVectorTable();
  applyFilters();
  drawInterop();
  drawRules();
  drawQuirks();
  drawWycheproof();
  drawRooterberg();
  const m = /^#vector=(.+)$/.exec(location.hash);
  if (m) {
    let id = null;
    try { id = decodeURIComponent(m[1]); } catch (e) { id = null; }
    if (id && casesById.has(id)) showVector(id, true);
  } else if (data.cases.length && data.cases[0].status === "unexpected") {
    showVector(data.cases[0].id);
  }
  document.body.setAttribute("data-ready", "true");
})();
