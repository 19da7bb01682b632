// The built widget on a real page, end to end: the release bundle served by the reference proxy
// (mock tenant) under a gym's own path prefix, on a page with loud CSS of its own, driven in
// Debian's Chromium by keyboard and mouse. Each scenario checks what a visitor sees and what the
// mock tenant recorded; axe-core audits every main state (WCAG 2.1 A/AA, zero violations).
// Screenshots of the states, at desktop and phone width, go to target/e2e-screenshots/<engine>/.
//   E2E_BROWSER=firefox node --test tests/e2e/   (after `bash .ci/build-release`; .ci/e2e does
//   both, in every engine)
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  API_PREFIX, ROOT, buildSite, focused, freePort, hostPage, pressUntil, purchases, removeSite,
  startGateway, startProxy, tenantCalls,
} from "./support.mjs";
import { launchBrowser } from "./webdriver.mjs";

const ENGINE = process.env.E2E_BROWSER ?? "chromium";
const SCREENSHOTS = join(ROOT, "target", "e2e-screenshots", ENGINE);
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };

let site;
let proxy;
let gateway;
let browser;
const audits = [];

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const deadPort = await freePort();
  site = buildSite({
    "index.html": hostPage({ watch: true }),
    "de.html": hostPage({ locale: "de-DE", title: "Studio Süd", watch: true }),
    "down.html": hostPage({ apiBase: `http://127.0.0.1:${deadPort}${API_PREFIX}`, watch: true }),
  });
  proxy = await startProxy(site);
  gateway = await startGateway(proxy);
  browser = await launchBrowser(ENGINE, gateway, join(SCREENSHOTS, "driver.log"));
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  proxy?.stop();
  if (site) removeSite(site);
  console.log(`screenshots and the driver's log: ${SCREENSHOTS}`);
  console.log(`axe-core (WCAG 2.1 A/AA) per state in ${ENGINE}:`);
  for (const line of audits) console.log(`  ${line}`);
});

/** A fresh visitor: a new browser session; `problems()` reads the page's errors and panics. */
async function visit(path = "/", viewport = DESKTOP, server = gateway) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(server.base + path);
  return { page, context, problems: () => page.problems() };
}

const widget = (page) => page.locator("perfectgym-offers");
const offers = (page) => widget(page).getByRole("radio");

async function offersShown(page, count = 14) {
  await assert.doesNotReject(
    offers(page).nth(count - 1).waitFor({ timeout: 15000 }),
    `${count} offers appear`,
  );
  assert.equal(await offers(page).count(), count);
}

/** axe-core on the widget (its shadow tree included); records the result, fails on violations. */
async function audit(page, state) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(
      { include: [["perfectgym-offers"]] },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } },
    );
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  });
  audits.push(`${state}: ${violations.length} violations`);
  assert.deepEqual(violations, [], `axe-core on "${state}"`);
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Chooses the offer named `name` with the keyboard only, from wherever focus is. */
async function chooseByKeyboard(page, name) {
  await pressUntil(page, "Tab", (f) => f.role === "radio", "the offers");
  await pressUntil(page, "ArrowDown", (f) => f.role === "radio" && f.text.includes(name), name, 20);
  await page.keyboard.press("Enter");
  await widget(page).getByRole("heading", { name }).waitFor();
}

test("browse: every page of offers appears, filters work, nothing panics", async () => {
  const { page, context, problems } = await visit();
  await offersShown(page);
  // 14 offers arrive in slices of 5: three list requests, followed to the end.
  assert.equal(await widget(page).getByText("Partner Studio Zürich Day Pass").count(), 1);
  assert.equal(await widget(page).getByText("Travel Week Pass (US partner clubs)").count(), 1);
  await widget(page).getByRole("button", { name: "Wellness" }).click();
  assert.equal(await offers(page).count(), 2);
  await widget(page).getByRole("button", { name: "All", exact: true }).click();
  assert.equal(await offers(page).count(), 14);
  // The page's loud CSS stays outside: the widget's own font, and buttons without dashed borders.
  const style = await widget(page).getByRole("button", { name: "Wellness" }).evaluate((b) => {
    const s = getComputedStyle(b);
    return { font: s.fontFamily, border: s.borderTopStyle, transform: getComputedStyle(b.getRootNode().querySelector(".pgo-offer__name")).textTransform };
  });
  assert.match(style.font, /^system-ui/);
  assert.notEqual(style.border, "dashed");
  await screenshot(page, "offer-list-desktop");
  await audit(page, "offer list");
  assert.deepEqual(await problems(), []);
  await context.close();
});

test("keyboard-only purchase with a valid voucher: one purchase, charged the previewed price", async () => {
  const before = await purchases(proxy);
  const purchaseCalls = await tenantCalls(proxy, "purchase");
  const { page, context, problems } = await visit();
  await offersShown(page);
  await chooseByKeyboard(page, "10-Visit Card");

  const preview = page.waitForResponse((r) => r.url().includes("/purchase/preview") && r.request().postData()?.includes("SUMMER21"));
  await pressUntil(page, "Tab", (f) => f.tag === "input" && f.type === "text", "the voucher field");
  await page.keyboard.type("SUMMER21");
  await page.keyboard.press("Enter");
  const previewed = await (await preview).json();
  assert.equal(previewed.discountedPrice.amount, 143.2);
  await widget(page).locator(".pgo-voucher--applied").waitFor();
  await widget(page).getByText("€143.20").first().waitFor();
  await screenshot(page, "voucher-applied-desktop");
  await audit(page, "detail with voucher applied");

  await pressUntil(page, "Tab", (f) => f.tag === "button" && f.text === "Buy now", "Buy now");
  await page.keyboard.press("Enter");
  const dialog = page.locator("#demo-payment");
  await dialog.waitFor();
  assert.equal(await page.locator("#demo-payment-amount").textContent(), "€143.20", "the page's payment asks for the previewed price");
  await widget(page).getByText("Waiting for payment…").waitFor();
  await screenshot(page, "payment-pending-desktop");
  await audit(page, "payment pending");
  await pressUntil(page, "Tab", (f) => f.tag === "button" && f.text === "Pay now", "Pay now", 5);
  await page.keyboard.press("Enter");

  const receipt = widget(page).getByRole("heading", { name: "Thank you! Your purchase is complete." });
  await receipt.waitFor();
  assert.equal((await focused(page)).text, "Thank you! Your purchase is complete.", "focus moves to the receipt");
  const code = (await widget(page).locator(".pgo-code").first().textContent()).trim();
  assert.ok(code.length >= 4, `an access code: ${code}`);
  assert.equal(await widget(page).getByRole("img", { name: "QR code of your access code" }).count(), 1);
  await screenshot(page, "receipt-desktop");
  await audit(page, "receipt");

  const after = await purchases(proxy);
  assert.equal(after.length, before.length + 1, "exactly one purchase recorded");
  assert.equal(await tenantCalls(proxy, "purchase"), purchaseCalls + 1, "exactly one purchase call");
  const bought = after.find((p) => !before.some((b) => b.onlineOfferPurchaseId === p.onlineOfferPurchaseId));
  assert.equal(bought.onlineOfferId, 1005);
  assert.equal(bought.voucherCode, "SUMMER21");
  assert.equal(bought.discountedPrice.amount, previewed.discountedPrice.amount, "charged what was previewed");
  assert.equal(bought.studioAccessCode, code);

  // My offers: the new purchase, with its access code. Each panel is named by its tab (its
  // aria-labelledby names the tab's id), as a screen reader announces it.
  await widget(page).getByRole("tabpanel", { name: "Buy online" }).waitFor();
  await widget(page).getByRole("tab", { name: "My offers" }).click();
  await widget(page).getByRole("tabpanel", { name: "My offers" }).waitFor();
  const entry = widget(page).locator(".pgo-purchase").filter({ hasText: code });
  await entry.waitFor();
  assert.match(await entry.textContent(), /10-Visit Card/);
  await screenshot(page, "my-offers-desktop");
  await audit(page, "my offers");
  assert.deepEqual(await problems(), []);
  await context.close();
});

test("an invalid voucher says so and the plain price stays", async () => {
  const { page, context } = await visit();
  await offersShown(page);
  await offers(page).filter({ hasText: "Trial Week" }).click();
  const field = widget(page).getByLabel("Voucher code");
  await field.fill("NOPE-123");
  await widget(page).getByRole("button", { name: "Apply" }).click();
  await widget(page).getByText("This voucher code is not valid.").waitFor();
  assert.equal(await widget(page).getByText("€29.00").count() > 0, true);
  // The gym asks for the dark scheme on the element: it must read as well as the light one.
  await page.evaluate(() => document.querySelector("perfectgym-offers").setAttribute("color-scheme", "dark"));
  await screenshot(page, "refused-voucher-dark");
  await audit(page, "checkout with a refused voucher, dark scheme");
  await context.close();
});

test("a payment cancelled in the dialog charges nothing; trying again buys once", async () => {
  const before = (await purchases(proxy)).length;
  const { page, context } = await visit();
  await offersShown(page);
  await offers(page).filter({ hasText: "Trial Week" }).click();
  await widget(page).getByText("€29.00").first().waitFor();
  await widget(page).getByRole("button", { name: "Buy now" }).click();
  await page.locator("#demo-payment").getByRole("button", { name: "Cancel" }).click();
  await widget(page).getByText("Payment cancelled. Nothing was charged.").waitFor();
  assert.equal((await purchases(proxy)).length, before, "nothing bought");

  await widget(page).getByRole("button", { name: "Buy now" }).click();
  await page.locator("#demo-payment").getByRole("button", { name: "Pay now" }).click();
  await widget(page).getByRole("heading", { name: "Thank you! Your purchase is complete." }).waitFor();
  assert.equal((await purchases(proxy)).length, before + 1, "bought once");
  await context.close();
});

test("German: texts, prices and dates in German", async () => {
  const { page, context } = await visit("/de.html");
  await offersShown(page);
  await widget(page).getByRole("tab", { name: "Online kaufen" }).waitFor();
  assert.equal(await widget(page).getByText("179,00 €").count() > 0, true);
  await offers(page).filter({ hasText: "10-Visit Card" }).click();
  await widget(page).getByLabel("Gutscheincode").waitFor();
  await widget(page).getByRole("button", { name: "Jetzt kaufen" }).waitFor();
  await screenshot(page, "offer-detail-german-desktop");
  // Dates in German, on the studio's calendar: the demo customer's day ticket bought on
  // 15 January 2026 (09:30 in Berlin), valid two weeks: used until the 28th.
  await widget(page).getByRole("tab", { name: "Meine Angebote" }).click();
  const seeded = widget(page).locator('.pgo-purchase[data-purchase-id="100001"]');
  await seeded.waitFor();
  const text = (await seeded.textContent()).replace(/\s+/g, " ");
  assert.match(text, /Gekauft am ?15\.01\.2026/, text);
  assert.match(text, /Gültig ab ?15\.01\.2026/, text);
  assert.match(text, /Läuft ab ?28\.01\.2026/, text);
  assert.match(text, /Abgelaufen/, text);
  await context.close();
});

test("a Java tenant writing null for every absent field: browse, buy, My offers", async () => {
  const jackson = await startProxy(site, ["--mock-nulls"]);
  try {
    const raw = await (await fetch(`${jackson.api}/online-offers/purchasable?offset=0&sliceSize=10`)).json();
    assert.equal(raw.result[0].restrictions, null, "the tenant really writes nulls");
    const { page, context, problems } = await visit("/", DESKTOP, jackson);
    await offersShown(page);
    await offers(page).filter({ hasText: "Day Ticket Student" }).click();
    await widget(page).getByText("€14.50").first().waitFor();
    await widget(page).getByRole("button", { name: "Buy now" }).click();
    await page.locator("#demo-payment").getByRole("button", { name: "Pay now" }).click();
    await widget(page).getByRole("heading", { name: "Thank you! Your purchase is complete." }).waitFor();
    const code = (await widget(page).locator(".pgo-code").first().textContent()).trim();
    await widget(page).getByRole("tab", { name: "My offers" }).click();
    await widget(page).locator(".pgo-purchase").filter({ hasText: code }).waitFor();
    assert.equal(await widget(page).locator(".pgo-purchase").count(), 2, "the seeded purchase and the new one");
    assert.deepEqual(await problems(), []);
    await context.close();
  } finally {
    jackson.stop();
  }
});

test("a 360×740 phone: nothing wider than the screen, the whole purchase reachable", async () => {
  const { page, context, problems } = await visit("/", PHONE);
  await offersShown(page);
  await screenshot(page, "offer-list-phone");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await offers(page).filter({ hasText: "Day Ticket Student" }).click();
  const buy = widget(page).getByRole("button", { name: "Buy now" });
  await buy.scrollIntoViewIfNeeded();
  const box = await buy.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `Buy fits: ${JSON.stringify(box)}`);
  assert.ok(box.height >= 44, `a 44px touch target: ${box.height}`);
  await screenshot(page, "offer-detail-phone");
  await buy.click();
  await page.locator("#demo-payment").getByRole("button", { name: "Pay now" }).click();
  await widget(page).getByRole("heading", { name: "Thank you! Your purchase is complete." }).waitFor();
  await screenshot(page, "receipt-phone");
  assert.deepEqual(await problems(), []);
  await context.close();
});

test("the proxy answering 503: the error is shown, Try again recovers", async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  let failing = true;
  let refused = 0;
  await page.route("**/online-offers/purchasable?*", (route) => {
    if (!failing) return route.continue();
    refused += 1;
    return route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ errorMessage: "Service Unavailable", errorCode: "SERVICE_UNAVAILABLE" }) });
  });
  await page.goto(gateway.base + "/");
  const alert = widget(page).getByRole("alert");
  await alert.waitFor({ timeout: 20000 });
  assert.match(await alert.textContent(), /The booking service has a problem right now/);
  assert.ok(refused >= 1);
  await screenshot(page, "error-desktop");
  await audit(page, "error");
  await page.setViewportSize(PHONE);
  await screenshot(page, "error-phone");
  failing = false;
  await widget(page).getByRole("button", { name: "Try again" }).click();
  await offersShown(page);
  await context.close();
});

test("the proxy down: a clear message, no panic", async () => {
  const { page, context, problems } = await visit("/down.html");
  const alert = widget(page).getByRole("alert");
  await alert.waitFor({ timeout: 30000 });
  assert.match(await alert.textContent(), /could not reach the gym's booking service/);
  await widget(page).getByRole("button", { name: "Try again" }).waitFor();
  assert.deepEqual(await problems(), []);
  await context.close();
});

test("an offer name with markup is shown as text, never run", async () => {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const evil = `<img src=x onerror="window.__ran=1"><script>window.__ran=2</script>Evil Pass`;
  await page.route("**/online-offers/purchasable?*", async (route) => {
    const response = await route.fetch();
    const page = await response.json();
    if (route.request().url().includes("offset=0&")) page.result[0].name = evil;
    await route.fulfill({ response, json: page });
  });
  await page.goto(gateway.base + "/");
  await offersShown(page);
  await widget(page).getByText(evil).waitFor();
  assert.equal(await page.evaluate(() => window.__ran), undefined);
  assert.equal(await widget(page).locator("img, script").count(), 0);
  await context.close();
});
