// A stand-in for the browser's fetch in the widget's browser tests: it answers from scripted
// routes and records every request. gloo-net looks `fetch` up at call time, so the real client
// code runs unchanged against it.
let routes = [];
let requests = [];

export function stubReset() {
  routes = [];
  requests = [];
  globalThis.fetch = stubFetch;
}

// The next `times` requests (-1: all) whose URL contains `pattern` (and whose body contains
// `bodyPattern`, when given) get this answer.
// kind: "respond" (status + body), "network" (fetch rejects), "hang" (no answer until aborted).
export function stubRoute(pattern, kind, status, body, delayMs, times, bodyPattern) {
  routes.push({ pattern, kind, status, body, delayMs, times, bodyPattern });
}

export function stubRequests() {
  return requests;
}

async function stubFetch(input, init) {
  const request = input instanceof Request ? input : new Request(input, init);
  const seen = {
    method: request.method,
    url: request.url,
    acceptLanguage: request.headers.get("accept-language"),
    contentType: request.headers.get("content-type"),
    customerToken: request.headers.get("x-customer-token"),
    paymentOffer: request.headers.get("x-online-offer-id"),
    paymentVoucher: request.headers.get("x-voucher-code"),
    paymentCurrency: request.headers.get("x-payment-currency"),
    body: request.method === "GET" ? null : await request.clone().text(),
    aborted: false,
    answered: false,
  };
  requests.push(seen);
  request.signal.addEventListener("abort", () => {
    seen.aborted = true;
  });
  const route = routes.find(
    (r) =>
      request.url.includes(r.pattern) &&
      r.times !== 0 &&
      (!r.bodyPattern || (seen.body || "").includes(r.bodyPattern)),
  );
  if (!route) {
    return new Response(JSON.stringify({ errorMessage: "no stub for " + request.url }), { status: 404 });
  }
  if (route.times > 0) route.times -= 1;
  await delay(route.kind === "hang" ? 1e9 : route.delayMs, request.signal);
  if (route.kind === "network") throw new TypeError("Failed to fetch");
  seen.answered = true;
  return new Response(route.body, {
    status: route.status,
    headers: { "content-type": "application/json" },
  });
}

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const aborted = () => reject(new DOMException("The operation was aborted.", "AbortError"));
    if (signal.aborted) return aborted();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      aborted();
    });
  });
}

// What Intl says, to hold the pure formatting layer to the browser's own rules.
export function intlMoney(locale, currency, amount) {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
}

export function intlDateTime(locale, timeZone, unixSeconds, withTime) {
  const options = withTime
    ? { dateStyle: "medium", timeStyle: "short", timeZone }
    : { dateStyle: "medium", timeZone };
  return new Intl.DateTimeFormat(locale, options).format(new Date(unixSeconds * 1000));
}

// Records the widget's host events on `element`, as a host page's listeners would see them.
let events = [];
export function recordEvents(element) {
  events = [];
  for (const name of ["ready", "offer-selected", "voucher-applied", "voucher-rejected",
    "sign-in-required", "purchase-completed", "error"]) {
    element.addEventListener("perfectgym-offers:" + name, (event) => {
      events.push({ name, detail: JSON.stringify(event.detail), bubbles: event.bubbles, composed: event.composed });
    });
  }
}
export function recordedEvents() {
  return events;
}

// A host page's payment: resolves with `token`, or rejects (the visitor cancelled) when token is
// empty. Records what it was asked.
let paymentCalls = [];
export function installPaymentProvider(element, token) {
  paymentCalls = [];
  element.paymentTokenProvider = async (details) => {
    paymentCalls.push(JSON.stringify(details));
    if (!token) throw new Error("cancelled by the visitor");
    return token;
  };
}
export function paymentCalls_() {
  return paymentCalls;
}

// A stand-in for the vendor's payment component (window.paymentWidget). mode "pay" answers
// with a token, "slow" answers after 400 ms, "wait" never answers (the visitor cancels in our UI), "none" removes it.
let vendorCalls = [];
export function installVendorPayment(mode) {
  vendorCalls = [];
  if (mode === "none") {
    delete window.paymentWidget;
    return;
  }
  window.paymentWidget = {
    init(options) {
      const call = {
        userSessionToken: options.userSessionToken,
        locale: options.locale,
        environment: options.environment || null,
        countryCode: options.countryCode || null,
        containerSlot: options.container.slot,
        destroyed: false,
      };
      vendorCalls.push(call);
      options.container.textContent = "card fields";
      if (mode === "pay") setTimeout(() => options.onSuccess("vendor-tok"), 10);
      if (mode === "slow") setTimeout(() => options.onSuccess("vendor-tok"), 400);
      return {
        destroy() {
          call.destroyed = true;
        },
      };
    },
  };
}
export function vendorCalls_() {
  return vendorCalls.map((c) => JSON.stringify(c));
}
export function sessionSet(key, value) {
  if (value === null) sessionStorage.removeItem(key);
  else sessionStorage.setItem(key, value);
}
export function sessionGet(key) {
  return sessionStorage.getItem(key);
}
// A page where the clipboard is refused (http, or a frame without the permission).
export function refuseClipboard() {
  Object.defineProperty(navigator, "clipboard", {
    configurable: true,
    value: { writeText: () => Promise.reject(new Error("refused")) },
  });
}
export function selectedText() {
  return String(window.getSelection() || "");
}
