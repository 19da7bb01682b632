// What the end-to-end suite and the browser benchmark share: a host site built from the release
// bundle, the reference proxy in mock mode serving it (behind the suite's gateway, which can stand
// in for it), Debian's Chromium for the benchmark, and helpers that look at the widget the way a
// visitor (or a screen reader) does.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CUSTOMER = 67890;
/** Where the site puts the widget and the API: not the demo's paths, as a gym would choose. */
export const WIDGET_PATH = "/shop/assets/widgets/perfectgym-offers";
export const API_PREFIX = "/shop/api/pg";

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The e2e suite's watch on a page, before anything else runs: uncaught errors, rejections and
 * console lines of a panic, kept in `window.__problems` (WebDriver has no console or error events
 * in every engine; this works in all).
 */
const PROBLEM_WATCH = `<script>
  window.__problems = [];
  addEventListener("error", (event) => window.__problems.push("page error: " + event.message));
  addEventListener("unhandledrejection", (event) => window.__problems.push("page error: " + (event.reason?.message ?? event.reason)));
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const write = console[level];
    console[level] = function (...parts) {
      const text = parts.map(String).join(" ");
      if (/panicked|unreachable|RuntimeError/.test(text)) window.__problems.push("console: " + text);
      return write.apply(this, parts);
    };
  }
</script>
`;

/** A host page with loud CSS of its own, embedding the widget exactly as the README says. */
export function hostPage({ locale = "en", apiBase = API_PREFIX, customer = CUSTOMER, title = "Studio Nord", watch = false } = {}) {
  return `<!doctype html>
<html lang="${locale.slice(0, 2)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${watch ? PROBLEM_WATCH : ""}<style>
  /* A site's own aggressive global CSS: none of it may break the widget. */
  * { box-sizing: content-box !important; letter-spacing: .08em; }
  html { font-size: 18px; }
  body { margin: 0; font: 700 1.1rem/2.2 Georgia, serif; color: #222; background: #fafaf0; }
  button, input { all: unset; font: inherit; border: 3px dashed red !important; padding: 2em !important; }
  p, li, dd, dt, h1, h2, h3 { margin: 3em 0 !important; text-transform: uppercase; }
  div { padding: 4px; }
  [role], [hidden] { outline: 4px solid orange; }
  svg { width: 10px !important; height: 10px !important; }
  header, footer { padding: 1rem 2rem; background: #123; color: #fff; }
  main { max-width: 960px; margin: 0 auto; padding: 0 1rem; }
  dialog::backdrop { background: rgba(0, 0, 0, .5); }
</style>
<script type="module" src="${WIDGET_PATH}/embed.js" blocking="render"></script>
</head>
<body>
<header><p>${title}</p></header>
<main>
  <h1>Tickets</h1>
  <perfectgym-offers api-base="${apiBase}" ${customer ? `customer-id="${customer}"` : ""} locale="${locale}"
    time-zone="Europe/Berlin"></perfectgym-offers>
  <dialog id="demo-payment" aria-labelledby="demo-payment-title">
    <form method="dialog">
      <h2 id="demo-payment-title">Payment</h2>
      <p>Pay <strong id="demo-payment-amount"></strong>?</p>
      <button value="cancel">Cancel</button>
      <button value="pay">Pay now</button>
    </form>
  </dialog>
</main>
<footer><p>Studio Nord · Impressum</p></footer>
<script type="module" src="/payment-dialog.js"></script>
</body>
</html>
`;
}

/** The site: the release bundle under WIDGET_PATH, host pages at the root. */
export function buildSite(pages) {
  const dist = join(ROOT, "dist");
  const site = mkdtempSync(join(tmpdir(), "pgo-e2e-"));
  const widget = join(site, WIDGET_PATH);
  mkdirSync(widget, { recursive: true });
  for (const name of readdirSync(dist)) {
    // What a gym hosts (docs/deploy.md): the loader and its compressed copies, the hashed files,
    // the texts.
    if (name.startsWith("embed.js") || name === "locales" || name.startsWith("perfectgym-offers-")) {
      cpSync(join(dist, name), join(widget, name), { recursive: true });
    }
  }
  cpSync(join(ROOT, "demo", "payment-dialog.js"), join(site, "payment-dialog.js"));
  for (const [name, html] of Object.entries(pages)) {
    writeFileSync(join(site, name), html);
  }
  return site;
}

/** The reference proxy in mock mode serving `site`; resolves once it answers. */
export async function startProxy(site, extraArgs = []) {
  const port = await freePort();
  const metricsPort = await freePort();
  const binary = process.env.PGO_PROXY ?? join(ROOT, "target", "debug", "perfectgym-offers-proxy");
  const child = spawn(binary, [
    "--mock", "--listen", `127.0.0.1:${port}`, "--api-prefix", API_PREFIX, "--static-dir", site,
    "--metrics-listen", `127.0.0.1:${metricsPort}`,
    // Every visitor here is 127.0.0.1: the per-client limits would count the suite itself (the
    // benchmark's cold loads read some 400 pages a minute).
    "--max-connections-per-client", "0",
    "--write-burst", "100000", "--writes-per-minute", "100000",
    "--read-burst", "100000", "--reads-per-minute", "100000", ...extraArgs,
  ], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${base}/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    base,
    api: `${base}${API_PREFIX}/v1`,
    metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    stop: () => child.kill("SIGTERM"),
  };
}

const decoders = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync };

/** A glob of Playwright's kind (`**` any text, `*` any text without `/`) as a RegExp. */
function globRegExp(glob) {
  const source = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*\*|\*/g, (star) => (star === "**" ? ".*" : "[^/]*"));
  return new RegExp(`^${source}$`);
}

/**
 * A forwarding server in front of `proxy` that pages are loaded through, so a scenario can stand
 * in for the proxy (`route`) or read an answer the widget got (`waitForResponse`) in every engine,
 * over real HTTP. Every request goes on unchanged unless a route takes it.
 */
export async function startGateway(proxy) {
  const upstream = new URL(proxy.base);
  const routes = [];
  const waiters = new Set();
  const forward = (method, path, headers, body) => new Promise((resolve, reject) => {
    const ask = httpRequest({ host: upstream.hostname, port: upstream.port, method, path, headers }, (answer) => {
      const chunks = [];
      answer.on("data", (chunk) => chunks.push(chunk));
      answer.on("end", () => resolve({ status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) }));
      answer.on("error", reject);
    });
    ask.on("error", reject);
    ask.end(body);
  });
  /** An answer with the Playwright-like reading calls a scenario uses. */
  const readable = (url, postData, answer) => {
    const decode = decoders[answer.headers["content-encoding"]];
    const text = () => (decode ? decode(answer.body) : answer.body).toString("utf8");
    return {
      url: () => url,
      status: () => answer.status,
      request: () => ({ url: () => url, postData: () => postData }),
      text: async () => text(),
      json: async () => JSON.parse(text()),
      answer,
    };
  };
  const server = createHttpServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = `http://${request.headers.host}${request.url}`;
    const postData = body.length ? body.toString("utf8") : null;
    const pass = () => forward(request.method, request.url, request.headers, body);
    const send = ({ status, headers, body: content }) => {
      response.writeHead(status, headers);
      response.end(content);
    };
    try {
      let answer;
      const handler = routes.find((route) => route.pattern.test(url))?.handler;
      if (handler) {
        answer = await new Promise((resolve, reject) => {
          Promise.resolve(handler({
            request: () => ({ url: () => url, postData: () => postData }),
            continue: async () => resolve(await pass()),
            fetch: async () => readable(url, postData, await pass()),
            fulfill: async ({ status, contentType = "application/json", body: text, response: original, json }) => {
              const content = Buffer.from(json === undefined ? text : JSON.stringify(json));
              const headers = { ...(original?.answer.headers ?? {}), "content-type": contentType, "content-length": String(content.length) };
              delete headers["content-encoding"];
              delete headers["transfer-encoding"];
              resolve({ status: status ?? original?.status() ?? 200, headers, body: content });
            },
          })).catch(reject);
        });
      } else {
        answer = await pass();
      }
      send(answer);
      const seen = readable(url, postData, answer);
      for (const waiter of waiters) waiter(seen);
    } catch (error) {
      send({ status: 502, headers: { "content-type": "text/plain" }, body: `gateway: ${error.message}` });
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    route(owner, glob, handler) {
      routes.push({ owner, pattern: globRegExp(glob), handler });
    },
    unroute(owner) {
      routes.splice(0, routes.length, ...routes.filter((route) => route.owner !== owner));
    },
    /** The next answer `wanted(answer)` accepts, from now on. */
    waitForResponse(wanted, timeout) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no answer as wanted within ${timeout} ms`));
        }, timeout);
        const waiter = (answer) => {
          if (!wanted(answer)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(answer);
        };
        waiters.add(waiter);
      });
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Calls the mock tenant answered for `endpoint` with a 2xx, from the proxy's /metrics. */
export async function tenantCalls(proxy, endpoint) {
  const text = await (await fetch(proxy.metrics)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = line.match(/^perfectgym_tenant_requests_total\{endpoint="([^"]+)",status="(\d+)"\} (\d+)/);
    if (match && match[1] === endpoint && match[2].startsWith("2")) sum += Number(match[3]);
  }
  return sum;
}

/** What the mock tenant holds for the demo customer. */
export async function purchases(proxy) {
  const answer = await fetch(`${proxy.api}/online-offers/${CUSTOMER}/purchased`);
  return await answer.json();
}

export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

export function launchChromium() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** The element that has focus, looking through shadow roots, as a visitor perceives it. */
export function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element) return null;
    return {
      tag: element.tagName.toLowerCase(),
      role: element.getAttribute("role"),
      type: element.getAttribute("type"),
      text: (element.innerText || element.value || "").replace(/\s+/g, " ").trim(),
      label: element.getAttribute("aria-label") ?? "",
    };
  });
}

/** Presses `key` until the focused element satisfies `wanted`; fails after `max` presses. */
export async function pressUntil(page, key, wanted, what, max = 40) {
  for (let i = 0; i < max; i++) {
    const now = await focused(page);
    if (now && wanted(now)) return now;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} ×${max} never reached ${what}; focus is on ${JSON.stringify(await focused(page))}`);
}

export function removeSite(site) {
  rmSync(site, { recursive: true, force: true });
}
