// The browsers of the end-to-end suite: Chromium (chromedriver), Firefox (geckodriver with
// firefox-esr) and WebKit (WebKitGTK's WebKitWebDriver with MiniBrowser under Xvfb), all driven
// over W3C WebDriver by selenium-webdriver's plain client (given the driver's address, it starts
// and downloads nothing). On top, the few page and locator calls the scenarios use, shaped like
// Playwright's so a scenario reads the same in every engine: elements are found inside the page
// (through open shadow roots) by role, accessible name, text or label, as a visitor perceives them,
// and clicks and keys are real WebDriver input actions.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { CHROMIUM_ARGS, freePort } from "./support.mjs";

const require = createRequire(import.meta.url);
const { Capabilities } = require("selenium-webdriver/lib/capabilities");
const { WebDriver } = require("selenium-webdriver/lib/webdriver");
const { Key } = require("selenium-webdriver/lib/input");
const { Executor, HttpClient } = require("selenium-webdriver/http");

export const ENGINES = ["chromium", "firefox", "webkit"];

const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** How each engine's driver starts (on `port`) and what a session asks it for. */
const DRIVERS = {
  chromium: {
    command: (port) => ["chromedriver", [`--port=${port}`]],
    capabilities: { browserName: "chrome", "goog:chromeOptions": { binary: "/usr/bin/chromium", args: ["--headless=new", ...CHROMIUM_ARGS] } },
  },
  firefox: {
    command: (port) => ["geckodriver", ["--port", String(port)]],
    // Firefox keeps its window at least 500 px wide: the phone's 360 px viewport is set over
    // WebDriver BiDi (browsingContext.setViewport), as Playwright does for Firefox.
    viewportByBidi: true,
    capabilities: {
      browserName: "firefox",
      webSocketUrl: true,
      "moz:firefoxOptions": {
        binary: "/usr/bin/firefox-esr",
        args: ["-headless"],
        // This closed network refuses Firefox's own background calls; keep them from starting.
        prefs: { "network.captive-portal-service.enabled": false, "network.connectivity-service.enabled": false },
      },
    },
  },
  webkit: {
    // WebKitGTK has no headless mode: MiniBrowser draws into a virtual X screen (startScreen).
    command: (port) => ["WebKitWebDriver", [`--port=${port}`]],
    screen: true,
    // MiniBrowser's toolbar keeps its window at least 447 px wide; shrunk by a GTK style sheet (it
    // styles the browser's own widgets, not the page), the window takes the phone's 360 px.
    environment: () => {
      const config = mkdtempSync(join(tmpdir(), "pgo-e2e-gtk-"));
      mkdirSync(join(config, "gtk-3.0"));
      writeFileSync(join(config, "gtk-3.0", "gtk.css"), "* { min-width: 0; min-height: 0; padding: 0; margin: 0; font-size: 1px; border-width: 0; }\n");
      return { XDG_CONFIG_HOME: config };
    },
    capabilities: { "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } },
  },
};

/** Playwright's key names, as WebDriver's key codes. */
const KEYS = { Tab: Key.TAB, Enter: Key.ENTER, ArrowDown: Key.ARROW_DOWN, ArrowUp: Key.ARROW_UP, Escape: Key.ESCAPE, Space: Key.SPACE };

/**
 * Starts `engine`'s driver; its `newContext` opens a fresh visitor (a new session: new profile,
 * empty caches and storage), its `close` stops the driver. `gateway` (support.mjs) is the
 * forwarding server pages are loaded through: it answers `page.route` and `page.waitForResponse`.
 */
export async function launchBrowser(engine, gateway, log) {
  const driver = DRIVERS[engine];
  if (!driver) throw new Error(`E2E_BROWSER=${engine}: not one of ${ENGINES.join(", ")}`);
  const port = await freePort();
  const [program, args] = driver.command(port);
  // The driver's, the browser's and Xvfb's own chatter goes to `log`. Each in its own process
  // group, so stopping it also stops what it started (the browsers), even when the suite dies.
  const output = openSync(log, "w");
  const screen = driver.screen ? await startScreen(output) : null;
  const environment = { ...driver.environment?.(), ...(screen ? { DISPLAY: screen.display } : {}) };
  const child = spawn(program, args, { stdio: ["ignore", output, output], detached: true, env: { ...process.env, ...environment } });
  const stop = () => {
    for (const group of [child, screen?.process]) {
      try {
        if (group) process.kill(-group.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    if (environment.XDG_CONFIG_HOME) rmSync(environment.XDG_CONFIG_HOME, { recursive: true, force: true });
  };
  process.once("exit", stop);
  // Ctrl-C or a stopped CI job reaches the suite, not the drivers' own process groups.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      stop();
      process.exit(1);
    });
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.once("error", (error) => console.error(`${program}: ${error.message}`));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await (await fetch(`${url}/status`)).json()).value?.ready !== false) break;
    } catch (error) {
      if (i === 300 || child.exitCode !== null) throw new Error(`${program} did not start on ${url}: ${error.message}`);
    }
    await sleep(100);
  }
  let open = null;
  return {
    engine,
    /** A fresh visitor; one at a time (geckodriver serves one session), so one a failed test left open ends here. */
    async newContext({ viewport }) {
      await open?.close();
      // A browser that cannot start (seen with xvfb-run: MiniBrowser "cannot open display") leaves
      // the driver waiting for ever: give up on that start after 30 s, try once more, then fail
      // the scenario.
      const start = async () => {
        const session = WebDriver.createSession(new Executor(new HttpClient(url)), new Capabilities(driver.capabilities));
        let timer;
        await Promise.race([
          session.getSession(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${engine} did not start within 30 s; see ${log}`)), 30000);
          }),
        ]).finally(() => clearTimeout(timer));
        return session;
      };
      const session = await start().catch((error) => {
        console.log(`${error.message}: trying once more`);
        return start();
      });
      const page = new Page(session, gateway, driver.viewportByBidi);
      const context = {
        newPage: async () => page,
        close: async () => {
          if (open === context) open = null;
          gateway.unroute(page);
          await session.quit();
        },
      };
      open = context;
      await session.manage().setTimeouts({ script: 120000, pageLoad: 60000 });
      await page.setViewportSize(viewport);
      return context;
    },
    async close() {
      await open?.close();
      stop();
      await exited;
    },
  };
}

/**
 * A virtual X screen on a free display (Xvfb picks it and says which), tall enough for full-page
 * screenshots; local clients only. `-noreset`: by default an X server resets when its last client
 * leaves, and a browser started for the next scenario during that reset fails with "cannot open
 * display" (seen once in a clean-clone run).
 */
async function startScreen(output) {
  const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1600x8200x24", "-nolisten", "tcp", "-noreset"], {
    stdio: ["ignore", output, output, "pipe"], detached: true,
  });
  const number = await new Promise((resolve, reject) => {
    let said = "";
    xvfb.stdio[3].on("data", (chunk) => {
      said += chunk;
      if (said.includes("\n")) resolve(said.trim());
    });
    xvfb.once("error", reject);
    xvfb.once("exit", (code) => reject(new Error(`Xvfb stopped (${code})`)));
  });
  return { display: `:${number}`, process: xvfb };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn(arg)` in the page (it may be async), returns its result or throws its error. */
async function inPage(session, fn, arg) {
  const outcome = await session.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     Promise.resolve().then(() => (${fn})(arguments[0]))
       .then((value) => done({ value: value === undefined ? null : value }), (error) => done({ error: String(error && error.stack || error) }));`,
    arg === undefined ? null : arg,
  );
  if (outcome?.error) throw new Error(`in the page: ${outcome.error}`);
  return outcome?.value ?? undefined;
}

/** One tab of a session, with the Playwright-like calls the scenarios use. */
class Page {
  constructor(session, gateway, viewportByBidi) {
    this.session = session;
    this.gateway = gateway;
    this.viewportByBidi = viewportByBidi;
    /** How much larger the window is than the page's viewport (toolbars), once measured. */
    this.chrome = { width: 0, height: 0 };
    this.keyboard = {
      press: (key) => this.session.actions().sendKeys(KEYS[key] ?? key).perform(),
      type: (text) => this.session.actions().sendKeys(text).perform(),
    };
  }

  goto(url) {
    return this.session.get(url);
  }

  evaluate(fn, arg) {
    return inPage(this.session, fn, arg);
  }

  locator(css) {
    return new Locator(this, [{ css }]);
  }

  addScriptTag({ content }) {
    return this.evaluate((source) => {
      const script = document.createElement("script");
      script.textContent = source;
      document.head.append(script);
    }, content);
  }

  /** Requests matching the glob `pattern` go to `handler(route)` (support.mjs's gateway). */
  route(pattern, handler) {
    this.gateway.route(this, pattern, handler);
  }

  waitForResponse(wanted, timeout = 30000) {
    return this.gateway.waitForResponse(wanted, timeout);
  }

  /** Sizes the window so the page's own viewport is `width`×`height` (browser chrome aside). */
  async setViewportSize({ width, height }) {
    if (this.viewportByBidi) {
      const bidi = await this.session.getBidi();
      const context = await this.session.getWindowHandle();
      await bidi.send({ method: "browsingContext.setViewport", params: { context, viewport: { width, height } } });
      return;
    }
    const window = this.session.manage().window();
    for (let i = 0; i < 5; i++) {
      const before = await this.#viewport();
      if (before.width === width && before.height === height) return;
      await window.setRect({ width: width + this.chrome.width, height: height + this.chrome.height });
      const now = await this.#resized(before);
      if (now.width === width && now.height === height) return;
      const rect = await window.getRect();
      this.chrome = { width: Math.max(0, rect.width - now.width), height: Math.max(0, rect.height - now.height) };
    }
    const now = await this.#viewport();
    throw new Error(`the viewport stays ${now.width}×${now.height}, not ${width}×${height}`);
  }

  #viewport() {
    return this.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
  }

  /** The viewport once a resize from `before` has happened and settled (GTK resizes later). */
  async #resized(before) {
    let last = before;
    for (let i = 0; i < 40; i++) {
      await sleep(50);
      const now = await this.#viewport();
      const same = now.width === last.width && now.height === last.height;
      if (same && (now.width !== before.width || now.height !== before.height || i >= 20)) return now;
      last = now;
    }
    return last;
  }

  /** A PNG of the viewport; `fullPage` grows the window to the page's height for the shot. */
  async screenshot({ path, fullPage = false }) {
    const window = this.session.manage().window();
    const before = await this.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
    const full = fullPage ? await this.evaluate(() => document.documentElement.scrollHeight) : before.height;
    if (full > before.height) await this.setViewportSize({ width: before.width, height: Math.min(full, 8000) });
    writeFileSync(path, Buffer.from(await this.session.takeScreenshot(), "base64"));
    if (full > before.height) await this.setViewportSize(before);
  }

  /** What the page's watch script (support.mjs's hostPage) saw: uncaught errors and panics. */
  problems() {
    return this.evaluate(() => window.__problems ?? ["the page has no problem watch"]);
  }
}

/**
 * Elements found in the page by a chain of steps (CSS, role and name, text, label, filter, nth),
 * each searching below the previous step's elements and through open shadow roots.
 */
class Locator {
  constructor(page, steps) {
    this.page = page;
    this.steps = steps;
  }

  #then(step) {
    return new Locator(this.page, [...this.steps, step]);
  }

  locator(css) {
    return this.#then({ css });
  }

  getByRole(role, { name, exact = false } = {}) {
    return this.#then({ role, name, exact });
  }

  getByText(text, { exact = false } = {}) {
    return this.#then({ text, exact });
  }

  getByLabel(label, { exact = false } = {}) {
    return this.#then({ label, exact });
  }

  filter({ hasText }) {
    return this.#then({ hasText });
  }

  nth(index) {
    return this.#then({ nth: index });
  }

  first() {
    return this.nth(0);
  }

  describe() {
    return JSON.stringify(this.steps);
  }

  /** Runs `fn(elements, arg)` in the page on what the steps find now. */
  #run(fn, arg) {
    return this.page.evaluate(
      `async ({ steps, arg }) => { ${FIND}; return (${fn})(find(steps), arg); }`,
      { steps: this.steps, arg: arg ?? null },
    );
  }

  count() {
    return this.#run((found) => found.length);
  }

  /** Polls until the first match is visible. */
  async waitFor({ timeout = 30000 } = {}) {
    const deadline = Date.now() + timeout;
    while (!(await this.#run((found) => found.length > 0 && isVisible(found[0])))) {
      if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${this.describe()}`);
      await sleep(50);
    }
  }

  /** Runs `fn` on the first match once there is one (attached, visible or not). */
  async #one(fn, arg, timeout = 30000) {
    const deadline = Date.now() + timeout;
    while ((await this.count()) === 0) {
      if (Date.now() > deadline) throw new Error(`waited ${timeout} ms for ${this.describe()}`);
      await sleep(50);
    }
    return this.#run(fn, arg);
  }

  textContent() {
    return this.#one((found) => found[0].textContent);
  }

  evaluate(fn) {
    return this.#one(`(found) => (${fn})(found[0])`);
  }

  scrollIntoViewIfNeeded() {
    return this.#one((found) => found[0].scrollIntoView({ block: "nearest" }));
  }

  boundingBox() {
    return this.#one((found) => {
      const { x, y, width, height } = found[0].getBoundingClientRect();
      return { x, y, width, height };
    });
  }

  /** A value set as Playwright's fill does: focus, value, an `input` event. */
  fill(value) {
    return this.#one((found, text) => {
      const field = found[0];
      field.focus();
      field.value = text;
      field.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    }, value);
  }

  /**
   * A real mouse click at the element's centre, once the element is there, enabled, still and
   * not covered (the hit test goes through shadow roots, as the pointer does): Playwright's checks.
   */
  async click({ timeout = 30000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.waitFor({ timeout: Math.max(0, deadline - Date.now()) });
      const target = await this.#run(async (found) => {
        const element = found[0];
        if (element.disabled || element.getAttribute("aria-disabled") === "true") return { reaches: false, hit: "(it is disabled)" };
        element.scrollIntoView({ block: "center", inline: "center" });
        const moving = element.getBoundingClientRect();
        await new Promise((frame) => requestAnimationFrame(() => requestAnimationFrame(frame)));
        const box = element.getBoundingClientRect();
        if (box.x !== moving.x || box.y !== moving.y) return { reaches: false, hit: "(it is still moving)" };
        const x = Math.floor(box.left + box.width / 2);
        const y = Math.floor(box.top + box.height / 2);
        let hit = document.elementFromPoint(x, y);
        while (hit?.shadowRoot?.elementFromPoint(x, y) && hit.shadowRoot.elementFromPoint(x, y) !== hit) {
          hit = hit.shadowRoot.elementFromPoint(x, y);
        }
        const reaches = hit && (element === hit || element.contains(hit));
        return { x, y, reaches, hit: hit ? hit.outerHTML.slice(0, 80) : null };
      });
      if (target.reaches) {
        await this.page.session.actions().move({ x: target.x, y: target.y, origin: "viewport" }).click().perform();
        return;
      }
      if (Date.now() > deadline) throw new Error(`${this.describe()} is covered by ${target.hit}`);
      await sleep(50);
    }
  }
}

/**
 * In-page source: `find(steps)` and `isVisible(element)`. Roles and accessible names are the
 * subset the widget and the host page use (explicit roles; button, radio, heading, img, textbox,
 * dialog, link as implied by the tags), matched as Playwright does: names case-insensitive
 * substrings unless `exact`, whitespace normalised, hidden elements left out.
 */
const FIND = String.raw`
  const normal = (text) => (text ?? "").replace(/\s+/g, " ").trim();
  const matches = (actual, wanted, exact) =>
    exact ? normal(actual) === wanted : normal(actual).toLowerCase().includes(wanted.toLowerCase());
  function* below(root) {
    for (const element of root.querySelectorAll("*")) {
      yield element;
      if (element.shadowRoot) yield* below(element.shadowRoot);
    }
  }
  function* within(scope) {
    if (scope.shadowRoot) yield* below(scope.shadowRoot);
    yield* below(scope);
  }
  const parentOf = (element) => element.parentElement ?? element.getRootNode().host ?? null;
  function isVisible(element) {
    if (!element.isConnected || element.getClientRects().length === 0) return false;
    return getComputedStyle(element).visibility !== "hidden";
  }
  function isExposed(element) {
    if (!isVisible(element)) return false;
    for (let at = element; at; at = parentOf(at)) {
      if (at.getAttribute("aria-hidden") === "true" || at.hidden) return false;
    }
    return true;
  }
  function roleOf(element) {
    const explicit = element.getAttribute("role");
    if (explicit) return explicit.split(" ")[0];
    const tag = element.localName;
    if (tag === "button") return "button";
    if (tag === "input") {
      const type = (element.getAttribute("type") ?? "text").toLowerCase();
      if (["button", "submit", "reset", "image"].includes(type)) return "button";
      if (type === "radio") return "radio";
      if (type === "checkbox") return "checkbox";
      return "textbox";
    }
    if (/^h[1-6]$/.test(tag)) return "heading";
    if (tag === "img") return element.getAttribute("alt") === "" ? "presentation" : "img";
    if (tag === "a" && element.hasAttribute("href")) return "link";
    if (tag === "dialog") return "dialog";
    if (tag === "textarea") return "textbox";
    return null;
  }
  const byIds = (element, ids) =>
    ids.split(/\s+/).map((id) => element.getRootNode().getElementById?.(id)?.textContent ?? "").join(" ");
  function labelOf(element) {
    if (element.hasAttribute("aria-labelledby")) return byIds(element, element.getAttribute("aria-labelledby"));
    if (element.hasAttribute("aria-label")) return element.getAttribute("aria-label");
    const labels = element.labels ? [...element.labels].map((label) => label.textContent).join(" ") : "";
    if (labels) return labels;
    if (element.localName === "img") return element.getAttribute("alt") ?? "";
    return null;
  }
  const nameOf = (element) => labelOf(element) ?? element.innerText ?? element.textContent;
  function step(elements, s) {
    if ("nth" in s) return elements.length > s.nth ? [elements[s.nth]] : [];
    if ("hasText" in s) return elements.filter((element) => matches(element.textContent, s.hasText, false));
    const found = new Set();
    for (const scope of elements) {
      for (const element of within(scope)) {
        if ("css" in s && element.matches(s.css)) found.add(element);
        if ("role" in s && roleOf(element) === s.role && isExposed(element)
          && (s.name === undefined || matches(nameOf(element), s.name, s.exact))) found.add(element);
        if ("label" in s && ["input", "textarea", "select"].includes(element.localName)
          && matches(labelOf(element), s.label, s.exact)) found.add(element);
        if ("text" in s && !["script", "style", "template"].includes(element.localName)
          && matches(element.textContent, s.text, s.exact)
          && ![...element.children].some((child) => matches(child.textContent, s.text, s.exact))) found.add(element);
      }
    }
    return [...found];
  }
  const find = (steps) => steps.reduce(step, [document]);
`;
