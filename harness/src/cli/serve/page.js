"use strict";
// The page of `jose-harness serve`. It sends the token and keys to this
// server's /api/check (one token) or /api/audit (several, one per line)
// and draws the JSON they answer: the same JSON `check --format json` and
// `audit --format json` print. Every value from the token is written with
// textContent, never as HTML.
(function () {
  const access = new URLSearchParams(location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);
  const LANG_KEY = "jose-harness.lang";
  const PROFILE_KEY = "jose-harness.profile";
  const LANG_NAMES = { node: "Node.js", python: "Python", java: "Java", php: "PHP", dotnet: ".NET", go: "Go", ruby: "Ruby" };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child == null) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Settings kept between visits: the language of the fixes, the profile.
  function remember(key, value) {
    try { localStorage.setItem(key, value); } catch (_) { /* private mode */ }
  }
  function recall(key) {
    try { return localStorage.getItem(key); } catch (_) { return null; }
  }

  function nowFromClock() { $("now").value = String(Math.floor(Date.now() / 1000)); }

  function keyHints() {
    const iadvize = $("profile").value === "iadvize";
    $("verify-hint").textContent = "the customer's public key (verifies the RS256 signature)";
    $("decrypt-hint").textContent = iadvize
      ? "the recipient's private key (decrypts the JWE)"
      : "the recipient's private key (decrypts the context's AES key and IV)";
  }

  // A dropped file: text as it is; DER (binary, starting with a SEQUENCE)
  // as base64, which the key loader reads as "bare base64 of DER".
  function readDropped(file) {
    return file.arrayBuffer().then((buffer) => {
      const bytes = new Uint8Array(buffer);
      if (bytes.length && bytes[0] === 0x30) {
        let binary = "";
        for (const b of bytes) binary += String.fromCharCode(b);
        return btoa(binary);
      }
      return new TextDecoder().decode(bytes);
    });
  }
  for (const area of document.querySelectorAll("textarea.drop")) {
    area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("dragging"); });
    area.addEventListener("dragleave", () => area.classList.remove("dragging"));
    area.addEventListener("drop", (e) => {
      e.preventDefault();
      area.classList.remove("dragging");
      const file = e.dataTransfer && e.dataTransfer.files[0];
      if (file) readDropped(file).then((text) => { area.value = text; });
    });
  }

  // Which layer a finding belongs to, from its rule id.
  function layerOf(profile, id) {
    if (id.startsWith("token.") || id.startsWith("json.") || id.startsWith("b64.") || id.startsWith("key.")) return "token";
    if (profile === "iadvize") {
      if (id.startsWith("jwe.") || id.startsWith("iadvize.jwe.") || id.startsWith("iadvize.payload.")) return "outer";
      if (id.startsWith("jose.")) return "outer";
      if (id.startsWith("jws.")) return "inner";
      return "claims";
    }
    if (id.startsWith("jws.") || id.startsWith("jose.")) return "outer";
    if (id.startsWith("moveo.context.") || id.startsWith("moveo.rsa.") || id.startsWith("moveo.aes.")) return "context";
    return "claims";
  }

  function layersOf(report) {
    if (report.profile === "iadvize") {
      return [
        { key: "token", title: "Token and keys" },
        { key: "outer", title: "1 · JWE header", data: report.header },
        { key: "inner", title: "2 · Decrypted inner JWS: header", data: report.inner_header },
        { key: "claims", title: "3 · Claims", data: report.claims },
      ];
    }
    return [
      { key: "token", title: "Token and keys" },
      { key: "outer", title: "1 · JWS header", data: report.header },
      { key: "claims", title: "2 · Claims", data: report.claims },
      { key: "context", title: "3 · Decrypted context", data: report.context },
    ];
  }

  function renderFinding(f, lang) {
    const dl = el("dl");
    const add = (term, value) => dl.append(el("dt", { text: term }), el("dd", {}, value));
    add("found", f.detail);
    if (f.cause) {
      const cause = el("span", { class: "cause", "data-cause": f.cause.id, "data-status": f.cause.status },
        el("span", { class: `status ${f.cause.status}`, text: f.cause.status }), " ",
        f.cause.message, " ", el("code", { text: `(${f.cause.id})` }));
      if (f.cause.evidence) cause.append(el("br"), f.cause.evidence);
      add("cause", cause);
    }
    add("fix", f.fix);
    if (f.fixes) {
      const langs = lang && f.fixes[lang] ? [lang] : Object.keys(f.fixes);
      for (const l of langs) {
        add(`in ${LANG_NAMES[l] || l}`, el("span", { class: "fix-lang-text", "data-lang": l, text: f.fixes[l] }));
      }
    }
    add("reference", f.reference);
    return el("div", { class: `finding ${f.severity}`, "data-id": f.id },
      el("span", { class: "sev", text: f.severity }), " ",
      el("span", { class: "id", text: f.id }), " ", f.message, dl);
  }

  // One token's report: each layer in order with its findings.
  function renderReport(report, container, lang) {
    container.replaceChildren();
    const byLayer = {};
    for (const f of report.findings) (byLayer[layerOf(report.profile, f.id)] ||= []).push(f);
    for (const layer of layersOf(report)) {
      const findings = byLayer[layer.key] || [];
      if (layer.key === "token" && findings.length === 0) continue;
      const worst = findings.some((f) => f.severity === "error") ? "bad"
        : findings.some((f) => f.severity === "warning") ? "warned" : "good";
      const section = el("section", { class: `layer ${worst}`, "data-layer": layer.key }, el("h3", { text: layer.title }));
      if (layer.key !== "token") {
        const claims = report.claims;
        const noContext = layer.key === "context" && claims && typeof claims === "object" && !("context" in claims);
        section.append(layer.data != null
          ? el("pre", { text: JSON.stringify(layer.data, null, 2) })
          : noContext
            ? el("p", { class: "none", text: "this token has no context claim (it is optional)" })
            : el("p", { class: "absent", text: "not read: an earlier layer failed, or a key is missing" }));
      }
      for (const f of findings) section.append(renderFinding(f, lang));
      container.append(section);
    }
    if (report.not_checked && report.not_checked.length) {
      const section = el("section", { class: "layer warned", "data-layer": "not-checked" }, el("h3", { text: "Not checked" }));
      for (const n of report.not_checked) section.append(el("p", {}, el("strong", { text: n.part }), ": ", n.reason));
      container.append(section);
    }
  }

  function banner(verdict, counts) {
    const b = $("banner");
    b.className = `banner ${verdict}`;
    b.dataset.verdict = verdict;
    b.replaceChildren(verdict.toUpperCase(), el("span", { class: "counts", text: counts }));
  }

  function countOf(findings, severity) { return findings.filter((f) => f.severity === severity).length; }

  const quote = (s) => (/^[A-Za-z0-9._\-@/=:]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

  function reproduce(settings, batch) {
    const parts = ["jose-harness", batch ? "audit" : "check", "--profile", settings.profile];
    if (batch) parts.push("--tokens", "tokens.txt");
    else parts.push("--token", settings.redact ? "@token.txt" : quote(settings.token));
    if (settings.verify_key) parts.push("--verify-key", "VERIFY_KEY.pem");
    if (settings.decrypt_key) parts.push("--decrypt-key", "DECRYPT_KEY.pem");
    if (settings.now != null) parts.push("--now", String(settings.now));
    if (settings.lang && !batch) parts.push("--lang", settings.lang);
    if (settings.redact) parts.push("--redact");
    parts.push("--format", "json");
    return parts.join(" ");
  }

  async function call(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Access-Token": access },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    let data = null;
    try { data = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok) throw new Error((data && data.error) || `the server answered ${response.status}`);
    return data;
  }

  function renderBatch(audit, lang) {
    const t = audit.tokens;
    banner(audit.verdict, `${audit.results.length} tokens: ${t.pass} pass, ${t.fail} fail, ${t.incomplete} incomplete; ${audit.set_findings.length} finding(s) about the set`);
    const rows = $("batch-rows");
    rows.replaceChildren();
    audit.results.forEach((r) => {
      const ids = r.findings.filter((f) => f.severity !== "info").map((f) => f.id).join(", ");
      const row = el("tr", { "data-line": String(r.line) },
        el("td", { text: String(r.line) }), el("td", { class: r.verdict, text: r.verdict }), el("td", { text: ids || "—" }));
      row.addEventListener("click", () => {
        for (const other of rows.children) other.classList.remove("selected");
        row.classList.add("selected");
        const detail = $("batch-detail");
        detail.replaceChildren();
        const inner = el("div");
        detail.append(el("h2", { text: `Line ${r.line}` }), inner);
        renderReport(r, inner, lang);
      });
      rows.append(row);
    });
    const set = $("set-findings");
    set.replaceChildren();
    if (audit.set_findings.length) {
      const section = el("section", { class: "layer bad", "data-layer": "set" }, el("h3", { text: "The set of tokens" }));
      for (const f of audit.set_findings) {
        section.append(el("div", { class: `finding ${f.severity}`, "data-id": f.id },
          el("span", { class: "sev", text: f.severity }), " ", el("span", { class: "id", text: f.id }), " ", f.message,
          el("dl", {}, el("dt", { text: "found" }), el("dd", { text: f.detail }), el("dt", { text: "fix" }), el("dd", { text: f.fix }),
            el("dt", { text: "reference" }), el("dd", { text: f.reference }))));
      }
      set.append(section);
    }
    $("batch-detail").replaceChildren();
  }

  // The last answer, drawn again when the language changes.
  let last = null;
  function draw() {
    if (!last) return;
    const lang = $("lang").value || null;
    if (last.batch) {
      renderBatch(last.data, lang);
    } else {
      const data = last.data;
      const errors = countOf(data.findings, "error");
      const warnings = countOf(data.findings, "warning");
      banner(data.verdict, `${errors} error(s), ${warnings} warning(s) · ${data.profile} · backend ${data.backend}`);
      renderReport(data, $("layers"), lang);
    }
  }

  async function check() {
    const status = $("status");
    const button = $("check");
    const lines = $("token").value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length);
    if (!lines.length) {
      status.className = "error";
      status.textContent = "paste a token first";
      return;
    }
    const nowText = $("now").value.trim();
    const settings = {
      profile: $("profile").value,
      verify_key: $("verify-key").value.trim() || null,
      decrypt_key: $("decrypt-key").value.trim() || null,
      now: nowText === "" ? null : Number(nowText),
      redact: $("redact").checked,
      lang: $("lang").value || null,
    };
    const batch = lines.length > 1;
    button.disabled = true;
    status.className = "";
    status.textContent = batch ? `checking ${lines.length} tokens…` : "checking…";
    try {
      const data = batch
        ? await call("/api/audit", { ...settings, tokens: lines.join("\n") + "\n" })
        : await call("/api/check", { ...settings, token: lines[0] });
      $("result").hidden = false;
      $("reproduce").textContent = reproduce({ ...settings, token: lines[0] }, batch);
      $("layers").replaceChildren();
      $("batch").hidden = !batch;
      last = { batch, data };
      draw();
      status.textContent = "";
    } catch (err) {
      $("result").hidden = true;
      status.className = "error";
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  const savedLang = recall(LANG_KEY);
  if (savedLang !== null && [...$("lang").options].some((o) => o.value === savedLang)) $("lang").value = savedLang;
  const savedProfile = recall(PROFILE_KEY);
  if (savedProfile && [...$("profile").options].some((o) => o.value === savedProfile)) $("profile").value = savedProfile;
  $("lang").addEventListener("change", () => { remember(LANG_KEY, $("lang").value); draw(); });
  $("profile").addEventListener("change", () => { remember(PROFILE_KEY, $("profile").value); keyHints(); });
  $("now-clock").addEventListener("click", nowFromClock);
  $("check").addEventListener("click", check);
  nowFromClock();
  keyHints();
  document.body.dataset.ready = "true";
})();
