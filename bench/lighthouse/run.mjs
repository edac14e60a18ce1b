// make bench (bench/portal.py): for each page of a job, the API calls the page makes on load, then Lighthouse's
// scores on a simulated mobile (Lighthouse's default: a mid-range phone, slow 4G, simulated throttling).
//
//   node bench/lighthouse/run.mjs job.json   → one JSON object on stdout
//
// job.json: {"chromePath": "/usr/bin/chromium", "apiPrefixes": ["http://127.0.0.1:3000/api/"], "lighthouse": true,
//            "pages": [{"name": "Accueil", "url": "http://127.0.0.1:3000/#/", "storage": {"key": "value"}}]}
// "storage" is put into the tab's sessionStorage before the portal's scripts run (a signed-in session as
// amazon-cognito-identity-js keeps it), on every document, so Lighthouse's own storage reset does not drop it.
import { readFileSync } from "node:fs";
import lighthouse from "lighthouse";
import * as Lantern from "lighthouse/core/lib/lantern/lantern.js";
import puppeteer from "puppeteer-core";

const CATEGORIES = ["performance", "accessibility", "best-practices"];
const METRICS = {
  fcp_ms: "first-contentful-paint",
  lcp_ms: "largest-contentful-paint",
  tbt_ms: "total-blocking-time",
  cls: "cumulative-layout-shift",
  si_ms: "speed-index",
};
const QUIET_MODES = new Set(["informative", "notApplicable", "manual"]);

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));

async function seededPage(context, storage) {
  const page = await context.newPage();
  if (storage && Object.keys(storage).length > 0) {
    await page.evaluateOnNewDocument((items) => {
      try {
        for (const [key, value] of Object.entries(items)) window.sessionStorage.setItem(key, value);
      } catch {
        // about:blank and other opaque origins have no storage: nothing to seed there
      }
    }, storage);
  }
  return page;
}

/** The API requests one load of the page makes, and what the console reported (errors, CSP refusals). */
async function apiCalls(browser, page) {
  const context = await browser.createBrowserContext();
  try {
    const tab = await seededPage(context, page.storage);
    const calls = [];
    const console_ = [];
    tab.on("request", (request) => {
      const url = request.url();
      if (request.method() !== "OPTIONS" && job.apiPrefixes.some((prefix) => url.startsWith(prefix))) {
        const parsed = new URL(url);
        calls.push(`${request.method()} ${parsed.pathname}${parsed.search}`);
      }
    });
    tab.on("console", (message) => {
      if (message.type() === "error") console_.push(message.text());
    });
    tab.on("pageerror", (error) => console_.push(String(error)));
    await tab.goto(page.url, { waitUntil: "networkidle0", timeout: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 500)); // a late call after the last answer
    const title = await tab.title();
    const heading = await tab.$eval("h1", (h) => h.textContent.trim()).catch(() => null);
    return { calls, console: console_, title, heading };
  } finally {
    await context.close();
  }
}

/** What the largest contentful paint waited for in Lighthouse's simulation of the phone (Lantern): the requests of
 * the graph it times (the pessimistic one: every request started before the paint), each with its simulated start
 * and end and its bytes, and the CPU time of the graph. Its estimate is the latest end of that graph. */
function lcpGraph() {
  const timings = Lantern.Simulation.Simulator.allNodeTimings.get("pessimisticLargestContentfulPaint");
  if (!timings) return null;
  let cpu = 0;
  const requests = [];
  for (const [node, timing] of timings) {
    if (node.type === "cpu") cpu += timing.endTime - timing.startTime;
    else if (!node.request.url.startsWith("data:")) {
      requests.push({
        url: node.request.url,
        start_ms: Math.round(timing.startTime),
        end_ms: Math.round(timing.endTime),
        bytes: node.request.transferSize ?? 0,
      });
    }
  }
  requests.sort((a, b) => a.end_ms - b.end_ms);
  return { cpu_ms: Math.round(cpu), requests };
}

async function audit(browser, page) {
  Lantern.Simulation.Simulator.allNodeTimings.clear(); // this run's simulations only
  const context = await browser.createBrowserContext();
  try {
    const tab = await seededPage(context, page.storage);
    const result = await lighthouse(page.url, { logLevel: "error", onlyCategories: CATEGORIES }, undefined, tab);
    const lhr = result.lhr;
    const scores = Object.fromEntries(
      CATEGORIES.map((id) => [id, lhr.categories[id].score === null ? null : Math.round(lhr.categories[id].score * 100)]),
    );
    const metrics = Object.fromEntries(
      Object.entries(METRICS).map(([name, id]) => [name, lhr.audits[id]?.numericValue ?? null]),
    );
    const failing = [];
    for (const id of CATEGORIES) {
      for (const ref of lhr.categories[id].auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1 && !QUIET_MODES.has(a.scoreDisplayMode)) {
          failing.push({ category: id, id: ref.id, title: a.title, score: a.score, display: a.displayValue ?? "" });
        }
      }
    }
    const transfer = { script: 0, stylesheet: 0, font: 0, document: 0, total: 0 };
    for (const item of lhr.audits["network-requests"]?.details?.items ?? []) {
      const kind = String(item.resourceType ?? "").toLowerCase();
      transfer.total += item.transferSize ?? 0;
      if (kind in transfer) transfer[kind] += item.transferSize ?? 0;
    }
    return {
      lighthouse: lhr.lighthouseVersion,
      chrome: lhr.environment?.hostUserAgent ?? "",
      final_url: lhr.finalDisplayedUrl,
      runtime_error: lhr.runtimeError?.message ?? null,
      scores,
      metrics,
      failing,
      transfer,
      lcp_graph: lcpGraph(),
    };
  } finally {
    await context.close();
  }
}

const browser = await puppeteer.launch({
  executablePath: job.chromePath,
  headless: true,
  defaultViewport: null,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const pages = [];
try {
  for (const page of job.pages) {
    const entry = { name: page.name, url: page.url, ...(await apiCalls(browser, page)) };
    if (job.lighthouse) {
      // Scores move with the machine's load (the CPU is measured, then the phone simulated): the median run of
      // job.runs by performance. Lighthouse now and then loses the trace of a load (NO_NAVSTART, NO_FCP): that
      // run is measured again, up to 3 times.
      const runs = [];
      for (let run = 0; run < (job.runs ?? 1); run += 1) {
        for (let attempt = 1; attempt <= 3; attempt += 1) {
          const result = await audit(browser, page);
          if (result.runtime_error === null || attempt === 3) {
            runs.push(result);
            break;
          }
        }
      }
      const measured = runs.filter((r) => r.runtime_error === null);
      const ranked = (measured.length > 0 ? measured : runs).sort(
        (a, b) => (a.scores.performance ?? -1) - (b.scores.performance ?? -1),
      );
      entry.audit = ranked[Math.floor((ranked.length - 1) / 2)];
      entry.audit.performance_runs = runs.map((r) => r.scores.performance);
    }
    pages.push(entry);
    process.stderr.write(`  ${page.name}: done\n`);
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ pages }) + "\n");
