// The browser half of the benchmark (.ci/bench runs it): prints figures, asserts nothing about
// time. The release bundle on the e2e host page, served precompressed (brotli, as a CDN sends it)
// with the mock tenant by the release proxy, in Debian's headless Chromium:
// - bytes: the complete widget (wasm, glue, loader) raw, gzip -9 and brotli -q 11;
// - startup: navigation start to all offers painted, cold loads (a fresh browser context each),
//   side by side with a plain-DOM page that fetches the same pages of JSON and renders the same
//   list, in pairs of alternating order; medians and ratios at full speed, with 4x CPU
//   throttling, and on Lighthouse's mobile profile (150 ms RTT, 1,638.4 kbit/s down, 675 kbit/s
//   up, 4x CPU, a phone's viewport);
// - layout shift: the CLS score of a phone's page with content below the widget (goal <= 0.05);
// - interaction: choosing an offer to its details painted, and a voucher applied (Enter) to the
//   discounted price painted, each also without the time its request spent on the network;
// - memory: JS heap and wasm memory after loading, and after 1,000 offer switches with previews.
// With --before DIR (another build's dist/, e.g. of the main branch), that widget runs beside
// this one in the same rounds, so before and after are measured together.
// --startup-only stops after the bytes and the startup figures (for trying a change quickly).
//   node tests/e2e/bench.mjs [--loads N] [--pairs N] [--before DIR] [--startup-only]
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { API_PREFIX, ROOT, WIDGET_PATH, buildSite, hostPage, launchChromium, removeSite, startProxy } from "./support.mjs";

const argument = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const option = (name, fallback) => Number(argument(name)) || fallback;
const loads = option("--loads", 20);
const pairs = option("--pairs", 10);
const before = argument("--before");
const BEFORE_PATH = `${WIDGET_PATH}-before`;
const dist = join(ROOT, "dist");
const glue = readdirSync(dist).find((name) => /^perfectgym-offers-[0-9a-f]+\.js$/.test(name));
const OFFERS = 14;
/** What the pages log once their offers are painted. A cold load waits for this message rather
 * than polling with `waitForFunction`: Playwright's injected script (6 ms of parsing on the
 * page's main thread in a traced load) landed in the middle of the page still starting; in an
 * A/B run the medians at full speed dropped by 17 ms (widget) and 10 ms (plain page) without it. */
const READY_TEXT = "perfectgym-offers bench: painted";

/** Marks the moment the widget's offers are painted (the frame after `ready`). */
const WIDGET_PROBE = `<script>
  window.__bench = {};
  document.addEventListener("perfectgym-offers:ready", (event) => {
    const painted = () => {
      const root = document.querySelector("perfectgym-offers").shadowRoot;
      if (root.querySelectorAll("[role=radio]").length < event.detail.offerCount) return requestAnimationFrame(painted);
      window.__bench.ready = performance.now();
      window.__bench.count = event.detail.offerCount;
      console.debug("${READY_TEXT}");
    };
    requestAnimationFrame(painted);
  });
</script>`;

/** Sums the page's layout shifts (as CLS counts them: not right after input) from the start. */
const SHIFT_PROBE = `<script>
  window.__shift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
</script>`;

/** Content below the widget, as on a gym's page: a shift of the widget moves it. */
const BELOW = `<section><h2>Opening hours</h2><p>Mon-Fri 6:00-23:00, Sat-Sun 8:00-21:00.</p>
  <p>Sauna daily from 14:00. Parking behind the building.</p></section>`;

/** The same list with plain DOM calls: what the widget's startup is compared with. */
const BASELINE_SCRIPT = `<script type="module">
  window.__bench = {};
  const offers = [];
  let offset = "0";
  for (;;) {
    const answer = await fetch("${API_PREFIX}/v1/online-offers/purchasable?offset=" + encodeURIComponent(offset) + "&sliceSize=100",
      { headers: { Accept: "application/json", "Accept-Language": "en" } });
    const page = await answer.json();
    offers.push(...page.result);
    if (!page.hasNext) break;
    offset = String(page.offset);
  }
  const list = document.createElement("div");
  list.setAttribute("role", "radiogroup");
  for (const offer of offers) {
    const card = document.createElement("div");
    card.setAttribute("role", "radio");
    card.tabIndex = -1;
    const name = document.createElement("p");
    name.textContent = offer.name;
    const price = document.createElement("p");
    price.textContent = new Intl.NumberFormat("en", { style: "currency", currency: offer.price.currency }).format(offer.price.amount);
    card.append(name, price);
    list.append(card);
  }
  document.querySelector("main").append(list);
  requestAnimationFrame(() => { window.__bench.ready = performance.now(); window.__bench.count = offers.length; console.debug("${READY_TEXT}"); });
</script>`;

const probes = `${WIDGET_PROBE}\n${SHIFT_PROBE}\n</head>`;
const widgetPage = hostPage().replace("</head>", probes).replace("</main>", `${BELOW}\n</main>`);
const beforePage = widgetPage.replace(`${WIDGET_PATH}/embed.js`, `${BEFORE_PATH}/embed.js`);
/** The build's content-hashed wasm in `dir`. */
const wasmIn = (dir) => readdirSync(dir).find((name) => /^perfectgym-offers-[0-9a-f]+_bg\.wasm$/.test(name));
const wasmFile = wasmIn(dist);
/** The widget page with the README's optional hints: glue and wasm download with embed.js. */
const HINTS = `<link rel="modulepreload" href="${WIDGET_PATH}/${glue}">
<link rel="preload" href="${WIDGET_PATH}/${wasmFile}" as="fetch" type="application/wasm" crossorigin>\n`;
const hintedPage = widgetPage.replace(`<script type="module" src="${WIDGET_PATH}/embed.js"`, (tag) => HINTS + tag);
const baselinePage = hostPage()
  .replace("</head>", `${SHIFT_PROBE}\n</head>`)
  .replace(/<script type="module" src="[^"]*embed.js"[^>]*><\/script>/, BASELINE_SCRIPT)
  .replace(/<perfectgym-offers[^>]*><\/perfectgym-offers>/, "")
  .replace("</main>", `${BELOW}\n</main>`);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;
const mib = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;
const bytes = (value) => value.toLocaleString("en");

/** The widget's files in `dir` as .ci/bundle-size counts them (the same gzip and brotli tools). */
function bundleBytes(dir, label) {
  const files = readdirSync(dir, { recursive: true })
    // (and a build before the glue bundled its snippets: those too)
    .filter((name) => /^perfectgym-offers-[0-9a-f]+(_bg\.wasm|\.js)$/.test(name) || name === "embed.js"
      || /^snippets\/.*\/src\/embed\/[^/]+\.js$/.test(name));
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const name of files) {
    const file = join(dir, name);
    total.raw += statSync(file).size;
    total.gzip += execFileSync("gzip", ["-9", "-n", "-c", file]).length;
    total.brotli += execFileSync("brotli", ["-q", "11", "-c", file]).length;
  }
  console.log(`bytes: the complete widget${label} (${files.length} files): ${bytes(total.raw)} B raw, `
    + `${bytes(total.gzip)} B gzip -9, ${bytes(total.brotli)} B brotli -q 11 (issue 9's goal: <= 150,000 B gzip)`);
}

/** How a visitor's browser is set up: Lighthouse's mobile profile throttles CPU and network and
 * uses a phone's viewport (its Moto G Power). */
const PROFILES = [
  { name: "full speed", cpu: 1, goal: 1.3 },
  { name: "4x CPU", cpu: 4, goal: 1.4 },
  {
    name: "mobile (150 ms RTT, 1,638.4/675 kbit/s, 4x CPU)",
    cpu: 4,
    goal: 1.8,
    network: { offline: false, latency: 150, downloadThroughput: (1638.4 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 },
    viewport: { width: 412, height: 823 },
  },
];
const MOBILE = PROFILES[2];

/** Opens `url` in `page` and resolves once its offers are painted. */
async function loadUntilPainted(page, url) {
  const painted = page.waitForEvent("console", { predicate: (message) => message.text() === READY_TEXT, timeout: 120000 });
  await page.goto(url);
  await painted;
}

/** One cold load of `path` in `profile`: navigation start to the list painted, the layout-shift
 * score then, and the bytes the widget's files took on the wire. */
async function coldLoad(browser, base, path, profile) {
  const context = await browser.newContext({ viewport: profile.viewport ?? { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
  if (profile.network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", profile.network);
  }
  await loadUntilPainted(page, base + path);
  // Shifts after the list is painted count too (the CLS window is the page's life): two frames.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const result = await page.evaluate((widgetPath) => ({
    ...window.__bench,
    shift: window.__shift,
    wire: performance.getEntriesByType("resource").filter((entry) => entry.name.includes(widgetPath))
      .reduce((sum, entry) => sum + entry.encodedBodySize, 0),
  }), WIDGET_PATH);
  await context.close();
  if (result.count !== OFFERS) throw new Error(`${path} painted ${result.count} offers`);
  return result;
}

/** The pages measured side by side in each round: this widget, the one of --before, the plain page. */
const CONTENDERS = [
  { name: "widget", path: "/bench.html" },
  { name: "widget with preload hints", path: "/hinted.html" },
  ...(before ? [{ name: "widget before", path: "/before.html" }] : []),
  { name: "plain-DOM page", path: "/baseline.html" },
];

async function startup(browser, base) {
  const names = CONTENDERS.map((c) => c.name).join(", ");
  console.log(`startup: navigation start to ${OFFERS} offers painted, cold loads; ${names} in rounds of rotating order`);
  for (const profile of PROFILES) {
    const count = profile.network ? pairs : loads;
    const results = new Map(CONTENDERS.map((c) => [c, []]));
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < CONTENDERS.length; j++) {
        const contender = CONTENDERS[(i + j) % CONTENDERS.length];
        results.get(contender).push(await coldLoad(browser, base, contender.path, profile));
      }
    }
    const ready = (c) => median(results.get(c).map((r) => r.ready));
    const plain = ready(CONTENDERS.at(-1));
    const figures = CONTENDERS.slice(0, -1).map((c) => `${c.name} ${ms(ready(c))} (ratio ${(ready(c) / plain).toFixed(2)})`);
    console.log(`  ${profile.name}: ${figures.join(", ")}, plain-DOM page ${ms(plain)} (median of ${count} rounds; `
      + `issue 9's goal: ratio <= ${profile.goal})`);
    if (profile === MOBILE) {
      for (const c of CONTENDERS.slice(0, -1)) {
        const shifts = results.get(c).map((r) => r.shift);
        console.log(`  ${c.name}: its files took ${bytes(median(results.get(c).map((r) => r.wire)))} B on the wire; `
          + `layout shift (CLS, goal <= 0.05) median ${median(shifts).toFixed(3)}, worst ${Math.max(...shifts).toFixed(3)}`);
      }
      console.log(`  plain-DOM page: layout shift median ${median(results.get(CONTENDERS.at(-1)).map((r) => r.shift)).toFixed(3)}`);
    }
  }
}

/** The size of each function body in a wasm module, by function index (imports first, as V8
 * counts them): what a lazily compiled function cost to compile is about linear in it. */
function functionSizes(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  // Not `at += leb()`: that adds the length to `at` as read before `leb()` moved it past the
  // length's own bytes, which misread every import after the first (sessions 6-10's figures).
  const skipName = () => {
    const length = leb();
    at += length;
  };
  let imported = 0;
  const sizes = new Map();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        skipName();
        skipName();
        const kind = bytes[at++];
        if (kind === 0) { leb(); imported++; }
        else if (kind === 1) { at++; if (leb() & 1) leb(); leb(); }
        else if (kind === 2) { if (leb() & 1) leb(); leb(); }
        else if (kind === 3) at += 2;
        else if (kind === 4) { at++; leb(); }
      }
    } else if (id === 10) {
      for (let n = leb(), index = imported; n > 0; n--, index++) {
        const body = leb();
        sizes.set(index, body);
        at += body;
      }
    }
    at = end;
  }
  return sizes;
}

/** One traced cold load at full speed: which wasm functions the main thread compiled (V8
 * compiles each on its first call) before the offers were painted, with their bytes, and the
 * main thread's time in wasm compilation. Unlike the times above, the functions and bytes do
 * not vary between runs of one build: they follow the code the first view runs (and LTO's
 * inlining, so they move between builds too). */
async function startupCode(browser, base, path, label, dir) {
  const sizes = functionSizes(readFileSync(join(dir, wasmIn(dir))));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (data) => events.push(...data.value));
  const traced = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", { categories: "v8.wasm,blink.user_timing", transferMode: "ReportEvents" });
  await loadUntilPainted(page, base + path);
  await cdp.send("Tracing.end");
  await traced;
  await context.close();
  const lazy = events.filter((e) => e.name === "wasm.CompileLazy");
  const compiled = lazy.reduce((sum, e) => sum + (sizes.get(e.args?.func_index) ?? 0), 0);
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  const mainThread = lazy[0]?.tid;
  const wasmTime = events.filter((e) => e.tid === mainThread && e.ph === "X"
    && ["wasm.CompileLazy", "v8.wasm.compileConsume", "wasm.FinishStreaming", "wasm.SyncInstantiate"].includes(e.name))
    .reduce((sum, e) => sum + e.dur / 1000, 0);
  console.log(`  ${label}: ${bytes(lazy.length)} functions, ${bytes(compiled)} B of the module's ${bytes(total)} B of code `
    + `compiled on first call before the offers were painted; the main thread's wasm compilation ${ms(wasmTime)} (one traced load)`);
}

/** Runs in the page: a time from `act()` until `done()` holds in a painted frame, and how much
 * of it requests matching `pattern` spent on the network. */
const MEASURE = `window.__measure = async (act, done, pattern) => {
  performance.clearResourceTimings();
  const start = performance.now();
  act();
  await new Promise((resolve) => {
    const frame = () => (done() ? resolve() : requestAnimationFrame(frame));
    requestAnimationFrame(frame);
  });
  const end = performance.now();
  const network = performance.getEntriesByType("resource")
    .filter((entry) => entry.name.includes(pattern) && entry.startTime >= start)
    .reduce((sum, entry) => sum + (entry.responseEnd - entry.startTime), 0);
  return [end - start, network];
};`;

async function interaction(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await loadUntilPainted(page, base + "/bench.html");
  await page.addScriptTag({ content: MEASURE });
  const rounds = 30;
  const select = await page.evaluate(async (rounds) => {
    const root = document.querySelector("perfectgym-offers").shadowRoot;
    const results = [];
    for (let i = 0; i < rounds; i++) {
      const radio = root.querySelectorAll("[role=radio]")[i % 2 ? 4 : 8];
      const name = radio.querySelector(".pgo-offer__name").textContent;
      results.push(await window.__measure(() => radio.click(),
        () => root.querySelector(".pgo-panel__heading")?.textContent === name && !root.querySelector(".pgo-panel [role=status]"),
        "/purchasable/"));
    }
    return results;
  }, rounds);
  const voucher = await page.evaluate(async (rounds) => {
    const root = document.querySelector("perfectgym-offers").shadowRoot;
    root.querySelectorAll("[role=radio]")[4].click();
    await new Promise((r) => setTimeout(r, 500));
    const input = root.querySelector(".pgo-panel input[type=text]");
    const results = [];
    for (let i = 0; i < rounds; i++) {
      const code = i % 2 ? "TENOFF" : "SUMMER21";
      const expected = i % 2 ? "€169.00" : "€143.20";
      input.value = code;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      results.push(await window.__measure(
        () => input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true })),
        () => root.querySelector(".pgo-voucher--applied") && root.querySelector(".pgo-price").textContent.includes(expected),
        "/purchase/preview"));
    }
    return results;
  }, rounds);
  await context.close();
  console.log(`interaction: median of ${rounds}`);
  for (const [what, results] of [["choose an offer -> details painted", select], ["voucher Enter -> discounted price painted", voucher]]) {
    const total = median(results.map(([t]) => t));
    const own = median(results.map(([t, n]) => t - n));
    console.log(`  ${what}: ${ms(total)} (${ms(own)} without the request's network time)`);
  }
}

async function memory(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await loadUntilPainted(page, base + "/bench.html");
  // The module embed.js loaded: once it runs, init() hands back its exports, memory among them
  // (under a short name: src/embed/short-names.py). (Not during startup: a second init() while
  // the first is under way fetches the wasm again.)
  await page.evaluate(async (url) => {
    const exports = await (await import(url)).default();
    window.__bench.memory = Object.values(exports).find((value) => value instanceof WebAssembly.Memory);
  }, `${WIDGET_PATH}/${glue}`);
  const measure = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = await cdp.send("Runtime.getHeapUsage");
    const wasm = await page.evaluate(() => window.__bench.memory.buffer.byteLength);
    return { usedSize, wasm };
  };
  const loaded = await measure();
  const switches = 1000;
  await page.evaluate(async (switches) => {
    const root = document.querySelector("perfectgym-offers").shadowRoot;
    const settle = (done) => new Promise((resolve) => {
      const frame = () => (done() ? resolve() : requestAnimationFrame(frame));
      requestAnimationFrame(frame);
    });
    // Paid offers only (a free one has no voucher field).
    const paid = [...root.querySelectorAll("[role=radio]")].filter((r) => !/Free/.test(r.textContent));
    for (let i = 0; i < switches; i++) {
      const radio = paid[i % paid.length];
      const name = radio.querySelector(".pgo-offer__name").textContent;
      radio.click();
      await settle(() => root.querySelector(".pgo-panel__heading")?.textContent === name && root.querySelector(".pgo-panel input[type=text]"));
      const input = root.querySelector(".pgo-panel input[type=text]");
      input.value = i % 3 ? "SUMMER21" : "NOPE";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      await settle(() => root.querySelector(".pgo-voucher--applied, .pgo-voucher--rejected"));
    }
  }, switches);
  const after = await measure();
  await context.close();
  console.log("memory (after a forced garbage collection)");
  console.log(`  after loading: JS heap ${mib(loaded.usedSize)}, wasm memory ${mib(loaded.wasm)}`);
  console.log(`  after ${switches} offer switches with voucher previews: JS heap ${mib(after.usedSize)}, wasm memory ${mib(after.wasm)}`);
}

const site = buildSite({ "bench.html": widgetPage, "baseline.html": baselinePage, "before.html": beforePage, "hinted.html": hintedPage });
if (before) {
  for (const name of readdirSync(before)) {
    // (snippets: a build from before the glue bundled them)
    if (name.startsWith("embed.js") || name === "snippets" || name.startsWith("perfectgym-offers-")) {
      cpSync(join(before, name), join(site, BEFORE_PATH, name), { recursive: true });
    }
  }
}
const proxy = await startProxy(site);
const browser = await launchChromium();
try {
  console.log(`headless ${browser.version()} (Chromium), release bundle served brotli-compressed, mock tenant on loopback`);
  bundleBytes(dist, "");
  if (before) bundleBytes(before, " before");
  await startup(browser, proxy.base);
  console.log("startup code: the wasm the first view runs (full speed)");
  await startupCode(browser, proxy.base, "/bench.html", "widget", dist);
  if (before) await startupCode(browser, proxy.base, "/before.html", "widget before", before);
  if (!process.argv.includes("--startup-only")) {
    await interaction(browser, proxy.base);
    await memory(browser, proxy.base);
  }
} finally {
  await browser.close();
  proxy.stop();
  removeSite(site);
}
