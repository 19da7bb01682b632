// What a visitor sees before the widget's code is there: the release bundle on the host page,
// with the wasm's download held back. The loader alone must show the loading skeleton, announce
// it, reserve the widget's space, and have the catalogue's first page already asked for; once the
// wasm arrives the skeleton gives way to the offers, and the catalogue is not asked for again.
// A wasm served with a wrong Content-Type still starts the widget (compiled once downloaded
// instead of while downloading); one that cannot be loaded turns the skeleton into a message.
// The catalogue's pages, the first one included, are waited for (a second at most) before the
// widget starts, so that its next pages are not held up behind the widget's start.
//   node --test tests/e2e/        (after `bash .ci/build-release`; .ci/e2e does both)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { buildSite, hostPage, launchChromium, removeSite, startProxy } from "./support.mjs";

let site;
let proxy;
let browser;

before(async () => {
  site = buildSite({ "index.html": hostPage() });
  proxy = await startProxy(site);
  browser = await launchChromium();
});

/** A fresh visitor on a phone-sized page. */
async function onPhone() {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  return { context, page: await context.newPage() };
}

after(async () => {
  await browser?.close();
  proxy?.stop();
  if (site) removeSite(site);
});

test("the skeleton shows while the wasm downloads, with the catalogue asked for in parallel", async () => {
  const { context, page } = await onPhone();
  const catalogue = [];
  page.on("request", (request) => {
    if (request.url().includes("/purchasable?")) catalogue.push(request.url());
  });
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(proxy.base + "/");

  const skeleton = page.locator("perfectgym-offers .pgo-skeleton");
  await skeleton.waitFor({ state: "visible", timeout: 10000 });
  assert.equal(await skeleton.getAttribute("role"), "status");
  assert.equal((await skeleton.textContent()).trim(), "Loading offers");
  const { height } = await skeleton.boundingBox();
  assert.ok(height >= 500, `the skeleton reserves the widget's space (${height} px)`);
  assert.equal(await page.locator("perfectgym-offers [role=radio]").count(), 0);
  // The mock tenant serves 14 offers in slices of 5: the loader follows the cursor on its own.
  for (let i = 0; i < 100 && catalogue.length < 3; i++) await page.waitForTimeout(50);
  assert.equal(catalogue.length, 3, "every page is asked for before the wasm is there");

  // Every page has been answered: the widget starts as soon as its code is there, without
  // waiting out the second it would give pages still on their way.
  const wasm = page.waitForResponse(/_bg\.wasm$/);
  release();
  await (await wasm).finished();
  const arrived = Date.now();
  await page.waitForFunction(() => customElements.get("perfectgym-offers") !== undefined, null, { timeout: 5000 });
  const waited = Date.now() - arrived;
  assert.ok(waited < 800, `with its catalogue there, the widget starts at once (${waited} ms after the wasm)`);
  await page.locator("perfectgym-offers [role=radio]").first().waitFor({ timeout: 20000 });
  assert.equal(await page.locator("perfectgym-offers .pgo-skeleton").count(), 0, "the skeleton is gone");
  assert.equal(await page.locator("perfectgym-offers [role=radio]").count(), 14);
  assert.equal(catalogue.length, 3, "the widget took the loader's answers instead of asking again");
  assert.equal(new Set(catalogue).size, 3, `three different pages: ${catalogue.join(", ")}`);
  await context.close();
});

test("served as another type than exactly application/wasm, the wasm still starts the widget", async () => {
  // Streaming compilation refuses both; the loader then compiles the downloaded bytes.
  for (const type of ["application/octet-stream", "application/wasm; charset=utf-8"]) {
    const { context, page } = await onPhone();
    await page.route(/_bg\.wasm$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-type": type } });
    });
    await page.goto(proxy.base + "/");
    await page.locator("perfectgym-offers [role=radio]").first().waitFor({ timeout: 20000 });
    assert.equal(await page.locator("perfectgym-offers [role=radio]").count(), 14, type);
    await context.close();
  }
});

test("when the widget's code cannot be loaded, the skeleton says so instead of loading forever", async () => {
  for (const missing of [/_bg\.wasm$/, /perfectgym-offers-[0-9a-f]+\.js$/]) {
    const { context, page } = await onPhone();
    await page.route(missing, (route) => route.fulfill({ status: 404, contentType: "text/plain", body: "not found" }));
    await page.goto(proxy.base + "/");
    const status = page.locator("perfectgym-offers [role=status]");
    await page.waitForFunction(() => document.querySelector("perfectgym-offers").shadowRoot.querySelector(".pgo-skeleton--failed"), null, { timeout: 10000 });
    assert.equal((await status.textContent()).trim(), "The offers could not be loaded. Please reload the page.", String(missing));
    assert.ok(await status.isVisible(), "the message is shown, not only announced");
    assert.equal(await page.locator("perfectgym-offers .pgo-skeleton__card").count(), 0, "no placeholder cards left");
    await context.close();
  }
});

// The widget starts once the loader's page chain has ended, so that the chain is not held up
// behind the widget's start on the main thread; a page that never answers holds it a second at
// most, whether the first one or a later one (then the loader is following the pages).
for (const [which, hanging] of [["the first page", /purchasable\?offset=0&/], ["a later page", /purchasable\?offset=(?!0&)/]]) {
  test(`the widget starts after the catalogue's pages, waiting a second at most for ${which} that never answers`, async () => {
    const { context, page } = await onPhone();
    // The page never gets an answer; the wasm is held until it has been asked for, so that the
    // chain is still on its way when the code is there.
    let asked;
    const chainStuck = new Promise((resolve) => (asked = resolve));
    await page.route(hanging, () => {
      asked();
      return new Promise(() => {});
    });
    await page.route(/_bg\.wasm$/, async (route) => {
      await chainStuck;
      await route.continue();
    });
    const wasm = page.waitForResponse(/_bg\.wasm$/);
    await page.goto(proxy.base + "/");
    await (await wasm).finished();
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => customElements.get("perfectgym-offers") === undefined), true,
      "the widget waits for the catalogue's pages");
    await page.waitForFunction(() => customElements.get("perfectgym-offers") !== undefined, null, { timeout: 3000 });
    await context.close();
  });
}
