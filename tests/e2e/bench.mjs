// The browser half of the benchmark (.ci/bench runs it): prints figures, asserts nothing about
// time. The release bundle on the e2e host page, served with the mock tenant by the release proxy,
// in Debian's headless Chromium:
// - startup: navigation start to all offers painted, median of cold loads (a fresh browser
//   context each), at full speed and with 4x CPU throttling, beside a baseline page that fetches
//   the same pages of JSON and renders the same list with plain DOM calls;
// - interaction: choosing an offer to its details painted, and a voucher applied (Enter) to the
//   discounted price painted, each also without the time its request spent on the network;
// - memory: JS heap and wasm memory after loading, and after 1,000 offer switches with previews.
//   node tests/e2e/bench.mjs [--loads N]
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { API_PREFIX, ROOT, WIDGET_PATH, buildSite, hostPage, launchChromium, removeSite, startProxy } from "./support.mjs";

const loads = Number(process.argv[process.argv.indexOf("--loads") + 1]) || 20;
const glue = readdirSync(join(ROOT, "dist")).find((name) => /^perfectgym-offers-[0-9a-f]+\.js$/.test(name));

/** Marks the moment the widget's offers are painted (the frame after `ready`). */
const WIDGET_PROBE = `<script>
  window.__bench = {};
  document.addEventListener("perfectgym-offers:ready", (event) => {
    const painted = () => {
      const root = document.querySelector("perfectgym-offers").shadowRoot;
      if (root.querySelectorAll("[role=radio]").length < event.detail.offerCount) return requestAnimationFrame(painted);
      window.__bench.ready = performance.now();
      window.__bench.count = event.detail.offerCount;
    };
    requestAnimationFrame(painted);
  });
</script>
<script type="module">
  // The same module embed.js loaded: init() hands back its exports, memory among them.
  const glue = await import("${WIDGET_PATH}/${glue}");
  window.__bench.memory = (await glue.default()).memory;
</script>`;

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
  requestAnimationFrame(() => { window.__bench.ready = performance.now(); window.__bench.count = offers.length; });
</script>`;

const widgetPage = hostPage().replace("</head>", `${WIDGET_PROBE}\n</head>`);
const baselinePage = hostPage()
  .replace(/<script type="module" src="[^"]*embed.js"><\/script>/, BASELINE_SCRIPT)
  .replace(/<perfectgym-offers[^>]*><\/perfectgym-offers>/, "");

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(1)} ms`;
const mib = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;

/** One cold load of `path`: navigation start to the list painted. */
async function coldLoad(browser, base, path, throttle) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  await page.goto(base + path);
  await page.waitForFunction(() => window.__bench?.ready !== undefined, null, { timeout: 60000 });
  const { ready, count } = await page.evaluate(() => window.__bench);
  await context.close();
  if (count !== 14) throw new Error(`${path} painted ${count} offers`);
  return ready;
}

async function startup(browser, base) {
  console.log(`startup: navigation start to 14 offers painted, median of ${loads} cold loads`);
  for (const throttle of [1, 4]) {
    const widget = [];
    const baseline = [];
    for (let i = 0; i < loads; i++) {
      widget.push(await coldLoad(browser, base, "/bench.html", throttle));
      baseline.push(await coldLoad(browser, base, "/baseline.html", throttle));
    }
    const [w, b] = [median(widget), median(baseline)];
    console.log(`  CPU ${throttle}x: widget ${ms(w)}, plain-DOM baseline ${ms(b)}, ratio ${(w / b).toFixed(2)}`);
  }
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
  await page.goto(base + "/bench.html");
  await page.waitForFunction(() => window.__bench?.ready !== undefined);
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
  await page.goto(base + "/bench.html");
  await page.waitForFunction(() => window.__bench?.ready !== undefined && window.__bench.memory);
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

const site = buildSite({ "bench.html": widgetPage, "baseline.html": baselinePage });
const proxy = await startProxy(site);
const browser = await launchChromium();
try {
  console.log(`headless ${browser.version()} (Chromium), release bundle, mock tenant on loopback`);
  await startup(browser, proxy.base);
  await interaction(browser, proxy.base);
  await memory(browser, proxy.base);
} finally {
  await browser.close();
  proxy.stop();
  removeSite(site);
}
