// The page of `jose-harness serve` in headless Chromium, at the URL the
// server printed:
//   - outside the browser: a request without the access token, and one
//     with a foreign Origin, are refused with 403;
//   - on both profiles, a passing vector's token and keys pasted give the
//     PASS banner; a failing vector whose cause the check confirms gives
//     FAIL, shows the expected finding, its cause (confirmed) and the fix
//     in the chosen language; several tokens (a batch) give a row each;
//   - files dropped on the fields (a file of tokens, a PEM key, a binary DER
//     key) give what the same text pasted gives;
//   - the chosen language is remembered after a reload;
//   - nothing fails in the console, and no request leaves 127.0.0.1.
// Saves OUT_DIR/screenshot.png (a failing token's layers).
//
// Usage: node check-serve.mjs URL OUT_DIR
// Environment: CHROMIUM (default /usr/bin/chromium).

import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error("usage: node check-serve.mjs URL OUT_DIR");
  process.exit(2);
}
const base = new URL(url);
const access = base.searchParams.get("token");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const LANG = "python";

const problems = [];
const fail = (message) => problems.push(message);
const check = (ok, message) => {
  if (!ok) fail(message);
  return ok;
};
const log = (message) => console.log(`  ${message}`);

const keyText = (name, half) => fs.readFileSync(path.join(root, "vectors/keys", `${name}-${half}.pem`), "utf8");
const vectorFile = (profile, group) =>
  JSON.parse(fs.readFileSync(path.join(root, "vectors", profile, `${group}.json`), "utf8")).tests;

// A raw HTTP request to the server, with exactly the headers given.
function request(method, pathname, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path: pathname, headers: { Host: base.host, ...headers } },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (data += chunk));
        res.on("end", () => resolve({ status: res.statusCode, body: data }));
      },
    );
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}
const api = async (pathname, payload, extra = {}) => {
  const body = JSON.stringify(payload);
  const res = await request("POST", pathname, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "X-Access-Token": access,
    ...extra,
  }, body);
  return { status: res.status, json: JSON.parse(res.body) };
};
const payloadOf = (profile, v) => ({
  profile,
  token: v.token,
  verify_key: keyText(v.keys.verify, "public"),
  decrypt_key: keyText(v.keys.decrypt, "private"),
  now: v.now,
});

// Refused outside the browser.
{
  const bare = await request("GET", "/", {});
  check(bare.status === 403, `GET / without the access token answered ${bare.status}, not 403`);
  const v = vectorFile("moveo", "valid")[0];
  const noToken = await api("/api/check", payloadOf("moveo", v), { "X-Access-Token": "" });
  check(noToken.status === 403, `POST /api/check without the access token answered ${noToken.status}, not 403`);
  const foreign = await api("/api/check", payloadOf("moveo", v), { Origin: "http://evil.example" });
  check(foreign.status === 403, `POST /api/check from a foreign Origin answered ${foreign.status}, not 403`);
  const own = await api("/api/check", payloadOf("moveo", v), { Origin: base.origin });
  check(own.status === 200, `POST /api/check from the page's own Origin answered ${own.status}`);
  log(`refused: no token ${bare.status}/${noToken.status}, foreign Origin ${foreign.status}; own Origin ${own.status}`);
}

// For each profile: a passing vector, and a failing one whose cause is
// confirmed with a fix in LANG (asked of the server, which the page uses).
const cases = {};
for (const profile of ["iadvize", "moveo"]) {
  const valid = vectorFile(profile, "valid");
  const pass = valid.find((v) => v.expect.verdict === "pass");
  let failing = null;
  for (const v of vectorFile(profile, "invalid")) {
    if (v.keys.verify !== pass.keys.verify || v.keys.decrypt !== pass.keys.decrypt) continue;
    const { status, json } = await api("/api/check", payloadOf(profile, v));
    if (status !== 200) continue;
    const finding = json.findings.find(
      (f) => f.severity === "error" && f.cause && f.cause.status === "confirmed" && f.fixes && f.fixes[LANG] &&
        v.expect.errors.includes(f.id),
    );
    if (finding) {
      failing = { vector: v, finding };
      break;
    }
  }
  check(failing !== null, `${profile}: no failing vector has a confirmed cause with a ${LANG} fix`);
  const batch = [...valid.filter((v) => v.keys.verify === pass.keys.verify && v.keys.decrypt === pass.keys.decrypt).slice(0, 2)];
  if (failing) batch.splice(1, 0, failing.vector);
  cases[profile] = { pass, failing, batch };
}

const args = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check"];
if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--no-sandbox");
const browser = await puppeteer.launch({ executablePath, headless: true, args, defaultViewport: { width: 1280, height: 1500 } });
try {
  const page = await browser.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "assert") fail(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => fail(`page error: ${err.message}`));
  await page.setRequestInterception(true);
  let requests = 0;
  page.on("request", (req) => {
    const target = req.url();
    if (target.startsWith("data:")) return req.continue();
    requests += 1;
    if (new URL(target).host !== base.host) {
      fail(`the page requested ${target}: only ${base.host} may be asked`);
      return req.abort();
    }
    return req.continue();
  });

  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready='true']", { timeout: 15000 });
  log(`loaded ${base.origin}/?token=…`);
  await page.select("#lang", LANG);

  const setValue = (id, value) => page.$eval(`#${id}`, (e, v) => { e.value = v; }, value);
  async function run(profile, tokens, keys, now) {
    await page.select("#profile", profile);
    await setValue("token", tokens.join("\n"));
    await setValue("verify-key", keyText(keys.verify, "public"));
    await setValue("decrypt-key", keyText(keys.decrypt, "private"));
    return submit(profile, now);
  }
  // A file dropped on a field, as a browser delivers it: the field then
  // holds what the page made of the file's bytes.
  async function drop(id, name, bytes) {
    await setValue(id, "");
    await page.$eval(`#${id}`, (area, name, b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name));
      area.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, name, Buffer.from(bytes).toString("base64"));
    await page.waitForFunction((id) => document.getElementById(id).value !== "", { timeout: 10000 }, id);
    return page.$eval(`#${id}`, (e) => e.value);
  }
  async function submit(profile, now) {
    await setValue("now", String(now));
    await page.$eval("#result", (e) => { e.hidden = true; });
    await page.click("#check");
    await page.waitForFunction(
      () => !document.getElementById("check").disabled &&
        (!document.getElementById("result").hidden || document.getElementById("status").textContent !== ""),
      { timeout: 60000 },
    );
    const error = await page.$eval("#status", (e) => (e.classList.contains("error") ? e.textContent : ""));
    check(!error, `${profile}: the page shows the error "${error}"`);
    return page.$eval("#banner", (b) => b.dataset.verdict);
  }

  for (const profile of ["iadvize", "moveo"]) {
    const { pass, failing, batch } = cases[profile];
    // A passing token.
    const passVerdict = await run(profile, [pass.token], pass.keys, pass.now);
    check(passVerdict === "pass", `${profile}: ${pass.id} shows ${passVerdict}, not PASS`);
    const layers = await page.$$eval("#layers .layer", (ls) => ls.map((l) => l.dataset.layer));
    const expectedLayers = profile === "iadvize" ? ["outer", "inner", "claims"] : ["outer", "claims", "context"];
    for (const l of expectedLayers) check(layers.includes(l), `${profile}: the layer ${l} is not shown (${layers})`);
    const absent = await page.$$eval("#layers .absent", (es) => es.length);
    check(absent === 0, `${profile}: a layer of a passing token is shown as not read`);
    const command = await page.$eval("#reproduce", (e) => e.textContent);
    check(command.startsWith(`jose-harness check --profile ${profile} --token `) && command.includes(`--now ${pass.now}`),
      `${profile}: the command line is "${command}"`);
    log(`${profile}: ${pass.id} → PASS, layers ${layers.join(" → ")}`);

    // A failing token: the finding, its confirmed cause, the fix in LANG.
    if (failing) {
      const v = failing.vector;
      const verdict = await run(profile, [v.token], v.keys, v.now);
      check(verdict === "fail", `${profile}: ${v.id} shows ${verdict}, not FAIL`);
      const sel = `#layers .finding[data-id="${failing.finding.id}"]`;
      const shown = await page.$(sel);
      if (check(shown !== null, `${profile}: ${v.id} does not show the finding ${failing.finding.id}`)) {
        const status = await page.$eval(`${sel} .cause`, (e) => e.dataset.status).catch(() => null);
        check(status === "confirmed", `${profile}: ${failing.finding.id}'s cause shows as ${status}`);
        const causeText = await page.$eval(`${sel} .cause`, (e) => e.textContent).catch(() => "");
        check(causeText.includes(failing.finding.cause.message), `${profile}: the cause's message is not shown`);
        const fixes = await page.$$eval(`${sel} [data-lang]`, (es) => es.map((e) => [e.dataset.lang, e.textContent]));
        check(fixes.length === 1 && fixes[0][0] === LANG && fixes[0][1] === failing.finding.fixes[LANG],
          `${profile}: the fixes shown are ${JSON.stringify(fixes)}, not the ${LANG} one`);
        const text = await page.$eval(sel, (e) => e.textContent);
        check(text.includes(failing.finding.reference), `${profile}: the reference is not shown`);
      }
      log(`${profile}: ${v.id} → FAIL, ${failing.finding.id}, cause ${failing.finding.cause.id} (confirmed), ${LANG} fix shown`);
      if (profile === "iadvize") {
        fs.mkdirSync(outDir, { recursive: true });
        await page.screenshot({ path: path.join(outDir, "screenshot.png"), fullPage: true });
      }
    }

    // A batch: a row per token, verdicts as the audit endpoint gives them.
    const keys = batch[0].keys;
    const now = batch[0].now;
    const verdict = await run(profile, batch.map((v) => v.token), keys, now);
    const expected = await api("/api/audit", {
      profile, tokens: batch.map((v) => v.token).join("\n") + "\n",
      verify_key: keyText(keys.verify, "public"), decrypt_key: keyText(keys.decrypt, "private"), now,
    });
    check(verdict === expected.json.verdict, `${profile}: the batch banner says ${verdict}, the audit ${expected.json.verdict}`);
    const rows = await page.$$eval("#batch-rows tr", (trs) => trs.map((tr) => tr.children[1].textContent));
    check(rows.length === batch.length, `${profile}: the batch shows ${rows.length} rows for ${batch.length} tokens`);
    check(JSON.stringify(rows) === JSON.stringify(expected.json.results.map((r) => r.verdict)),
      `${profile}: the rows say ${rows}, the audit ${expected.json.results.map((r) => r.verdict)}`);
    check(rows.includes("pass") && rows.includes("fail"), `${profile}: the batch should hold a pass and a fail (${rows})`);
    cases[profile].rows = rows;
    await page.click(`#batch-rows tr:nth-child(${rows.indexOf("fail") + 1})`);
    const detail = await page.$$eval("#batch-detail .finding", (fs) => fs.map((f) => f.dataset.id));
    check(detail.length > 0, `${profile}: a click on the failing row shows no finding`);
    log(`${profile}: batch of ${rows.length} → ${rows.join(", ")}; the failing row's detail shows ${detail.join(", ")}`);
  }

  // Files dropped instead of pasted: a file of several tokens (a batch),
  // the public key as PEM and the private key as binary DER, which the page
  // sends as bare base64.
  {
    const profile = "moveo";
    const { batch } = cases[profile];
    const keys = batch[0].keys;
    await page.select("#profile", profile);
    const tokens = await drop("token", "tokens.txt", batch.map((v) => v.token).join("\n") + "\n");
    check(tokens.trim().split("\n").length === batch.length, `the dropped token file gave ${JSON.stringify(tokens)}`);
    await drop("verify-key", "public.pem", keyText(keys.verify, "public"));
    const der = crypto.createPrivateKey(keyText(keys.decrypt, "private")).export({ type: "pkcs8", format: "der" });
    const sent = await drop("decrypt-key", "private.der", der);
    check(sent === der.toString("base64"), "the dropped DER key is not shown as its base64");
    const verdict = await submit(profile, batch[0].now);
    const rows = await page.$$eval("#batch-rows tr", (trs) => trs.map((tr) => tr.children[1].textContent));
    const pasted = cases[profile].rows;
    check(JSON.stringify(rows) === JSON.stringify(pasted),
      `dropped files give the rows ${rows}, pasted text ${pasted}`);
    log(`${profile}: dropped token file, PEM and DER keys → ${verdict}, rows ${rows.join(", ")}, as pasted`);
  }

  // The language is remembered.
  await page.reload({ waitUntil: "load" });
  await page.waitForSelector("body[data-ready='true']", { timeout: 15000 });
  const lang = await page.$eval("#lang", (e) => e.value);
  check(lang === LANG, `after a reload the language is "${lang}", not ${LANG}`);
  log(`language remembered after a reload: ${lang}`);
  check(requests > 0, "no request was seen: the interception does not work");
  log(`${requests} requests, every one to ${base.host}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
} catch (err) {
  fail(`the test could not finish: ${err.stack || err}`);
} finally {
  await browser.close();
}

if (problems.length) {
  console.error(`serve browser test: FAIL (${problems.length} problem${problems.length === 1 ? "" : "s"})`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`serve browser test: PASS (screenshot: ${path.join(outDir, "screenshot.png")})`);
