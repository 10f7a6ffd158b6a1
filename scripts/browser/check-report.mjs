// Loads the jose-harness report (REPORT_DIR/index.html) in headless
// Chromium from file:// and checks that it works for a person:
//   - nothing fails: no console error, no page error, no request that is
//     not the file itself (the page must load nothing);
//   - every vector and every implementation is on the page;
//   - the filters work: a click changes the rows shown, and back;
//   - a click on a row shows that vector's id, expected result and each
//     implementation's outcome;
//   - the interop heat map is drawn.
// Saves REPORT_DIR/screenshot.png (the vectors with a detail open) and
// REPORT_DIR/screenshot-summary.png (the top of the page).
//
// Usage: node check-report.mjs REPORT_DIR
// Environment: CHROMIUM (default /usr/bin/chromium).

import path from "node:path";
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const reportDir = process.argv[2];
if (!reportDir) {
  console.error("usage: node check-report.mjs REPORT_DIR");
  process.exit(2);
}
const index = path.resolve(reportDir, "index.html");
if (!fs.existsSync(index)) {
  console.error(`browser test: ${index} does not exist; make it with jose-harness report --out ${reportDir}`);
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const url = pathToFileURL(index).href;

const problems = [];
const fail = (message) => problems.push(message);
const check = (ok, message) => {
  if (!ok) fail(message);
  return ok;
};
const log = (message) => console.log(`  ${message}`);

const args = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check"];
if (typeof process.getuid === "function" && process.getuid() === 0) {
  // Chromium's sandbox does not run as root.
  args.push("--no-sandbox");
}

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args,
  defaultViewport: { width: 1500, height: 1000 },
});
try {
  const page = await browser.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "assert") {
      fail(`console ${msg.type()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => fail(`page error: ${err.message}`));
  page.on("requestfailed", (req) => fail(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on("request", (req) => {
    const u = req.url();
    if (u !== url && !u.startsWith(url + "#") && !u.startsWith("data:")) {
      fail(`the page requested ${u}: it must load nothing`);
    }
  });

  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready='true']", { timeout: 15000 });
  log(`loaded ${url}`);

  const data = await page.evaluate(() => JSON.parse(document.getElementById("audit-data").textContent));
  const visible = () => page.$$eval("#vector-rows tr", (rows) => rows.filter((r) => !r.hidden).length);
  const visibleIds = () =>
    page.$$eval("#vector-rows tr", (rows) => rows.filter((r) => !r.hidden).map((r) => r.getAttribute("data-id")));

  // Every vector and every implementation.
  const total = data.cases.length;
  check(total > 0, "the report has no vectors");
  check(total === data.vectors.count, `the data has ${total} cases but says ${data.vectors.count} vectors`);
  const rowIds = await page.$$eval("#vector-rows tr", (rows) => rows.map((r) => r.getAttribute("data-id")));
  check(rowIds.length === total, `the table has ${rowIds.length} rows for ${total} vectors`);
  const missing = data.cases.map((c) => c.id).filter((id) => !rowIds.includes(id));
  check(missing.length === 0, `vectors missing from the table: ${missing.slice(0, 5).join(", ")}`);
  check((await visible()) === total, `before any filter, ${await visible()} of ${total} rows are shown`);
  const headers = await page.$$eval("#vector-head th", (ths) => ths.map((t) => t.textContent));
  for (const impl of data.run.rows.map((r) => r.implementation)) {
    check(headers.includes(impl), `the vectors table has no column for ${impl}`);
  }
  const marks = await page.$$eval("#vector-rows tr", (rows) => rows.map((r) => r.querySelectorAll("td.mark").length));
  check(marks.every((n) => n === data.run.rows.length), "a row lacks an implementation's outcome");
  log(`${total} vectors, ${data.run.rows.length} implementations: ${data.run.rows.map((r) => r.implementation).join(", ")}`);

  // The profile filter: a click changes the rows shown, another brings them back.
  const profiles = [...new Set(data.cases.map((c) => c.profile))];
  const profile = profiles[profiles.length - 1];
  const expected = data.cases.filter((c) => c.profile === profile).length;
  await page.click(`#filter-profile-${profile}`);
  const afterProfile = await visible();
  check(afterProfile === expected, `after clicking profile ${profile}: ${afterProfile} rows, expected ${expected}`);
  check(profiles.length < 2 || afterProfile < total, `clicking profile ${profile} did not change the rows shown`);
  const shownIds = await visibleIds();
  check(
    shownIds.every((id) => data.cases.find((c) => c.id === id)?.profile === profile),
    `after clicking profile ${profile}, a row of another profile is shown`,
  );
  const pressed = await page.$eval(`#filter-profile-${profile}`, (b) => b.getAttribute("aria-pressed"));
  check(pressed === "true", `the ${profile} button is not shown as pressed`);
  const countText = await page.$eval("#vector-count", (e) => e.textContent);
  check(countText.includes(String(expected)), `the count line says "${countText}"`);
  await page.click("#filter-profile-all");
  check((await visible()) === total, `after clicking "both", ${await visible()} of ${total} rows are shown`);
  log(`profile filter: ${total} → ${afterProfile} (${profile}) → ${total}`);

  // The outcome filter: "unexpected" shows exactly the failing vectors.
  await page.click("#filter-outcome-unexpected");
  const unexpected = data.cases.filter((c) => c.status === "unexpected").length;
  check((await visible()) === unexpected, `"unexpected" shows ${await visible()} rows, expected ${unexpected}`);
  await page.click("#filter-outcome-all");
  log(`outcome filter: unexpected → ${unexpected} rows`);

  // The flag and bug type filters (selects).
  const flag = data.flags.reduce((a, b) => (b.vectors < a.vectors ? b : a), data.flags[0]);
  if (flag) {
    await page.select("#filter-flag", flag.flag);
    check((await visible()) === flag.vectors, `flag ${flag.flag}: ${await visible()} rows, expected ${flag.vectors}`);
    await page.select("#filter-flag", "all");
    log(`flag filter: ${flag.flag} → ${flag.vectors} rows`);
  }
  const bug = data.cases.flatMap((c) => c.bugTypes)[0];
  if (bug) {
    await page.select("#filter-bug", bug);
    const n = data.cases.filter((c) => c.bugTypes.includes(bug)).length;
    check((await visible()) === n, `bug type ${bug}: ${await visible()} rows, expected ${n}`);
    await page.click("#filter-reset");
    log(`bug type filter: ${bug} → ${n} rows`);
  }
  check((await visible()) === total, `after reset, ${await visible()} of ${total} rows are shown`);

  // A click on a row shows its detail: a failing vector if there is one,
  // otherwise the first vector that must be rejected.
  const target =
    data.cases.find((c) => c.status === "unexpected") ||
    data.cases.find((c) => c.expect.verdict === "fail" && (c.expect.errors || []).length > 0) ||
    data.cases[0];
  const selector = `#vector-rows tr[data-id="${target.id.replace(/["\\]/g, "\\$&")}"]`;
  await page.$eval(selector, (row) => row.scrollIntoView({ block: "center" }));
  await page.click(`${selector} td.id`);
  const detailId = await page.$eval("#detail-id", (e) => e.textContent).catch(() => null);
  check(detailId === target.id, `after clicking ${target.id}, the detail shows ${detailId}`);
  const detailExpected = await page.$eval("#detail-expected", (e) => e.textContent).catch(() => "");
  check(detailExpected.includes(target.expect.verdict), `the detail's expected result "${detailExpected}" lacks ${target.expect.verdict}`);
  for (const rule of target.expect.errors || []) {
    check(detailExpected.includes(rule), `the detail's expected result does not name ${rule}`);
  }
  const detailText = await page.$eval("#detail", (e) => e.textContent);
  for (const r of target.results) {
    check(detailText.includes(r.implementation), `the detail does not show ${r.implementation}'s outcome`);
  }
  check(detailText.includes(target.token.slice(0, 40)), "the detail does not show the token");
  const selected = await page.$eval(selector, (row) => row.classList.contains("selected"));
  check(selected, "the clicked row is not marked as selected");
  log(`detail of ${target.id}: expected "${detailExpected.trim()}"`);

  // The interop heat map.
  if (data.matrix) {
    const cells = await page.$$eval("table.heat td.cell", (tds) => tds.length);
    check(cells === data.matrix.cells.length, `the heat maps have ${cells} cells, the matrix ${data.matrix.cells.length}`);
    log(`interop heat map: ${cells} cells`);
  }
  const rules = await page.$$eval("#rules-body table.rules tbody tr", (trs) => trs.length);
  check(rules === data.rules.length, `the rules catalogue shows ${rules} of ${data.rules.length} rules`);
  const mistakes = await page.$$eval("#rules-body table.mistakes tbody tr", (trs) => trs.length);
  check(mistakes === data.mistakes.length, `the mistakes catalogue shows ${mistakes} of ${data.mistakes.length} mistakes`);
  log(`rules catalogue: ${rules} rules, ${mistakes} mistakes`);

  // Screenshots: the vectors with the detail open, then the summary.
  await page.evaluate(() => document.getElementById("vectors").scrollIntoView({ block: "start" }));
  await page.$eval(selector, (row) => row.scrollIntoView({ block: "nearest" }));
  const shot = path.join(reportDir, "screenshot.png");
  await page.screenshot({ path: shot });
  await page.evaluate(() => window.scrollTo(0, 0));
  const summaryShot = path.join(reportDir, "screenshot-summary.png");
  await page.screenshot({ path: summaryShot });
  log(`screenshots: ${shot}, ${summaryShot}`);

  // Anything logged while the page settles counts too.
  await new Promise((resolve) => setTimeout(resolve, 200));
} catch (err) {
  fail(`the test could not finish: ${err.stack || err}`);
} finally {
  await browser.close();
}

if (problems.length) {
  console.error(`browser test: FAIL (${problems.length} problem${problems.length === 1 ? "" : "s"})`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log("browser test: PASS");
