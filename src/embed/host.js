// Small browser facts the widget needs, each guarded so bad input never throws into wasm.

// The date (yyyy-MM-dd) of an instant (milliseconds since the epoch) in an IANA time zone, or in
// the visitor's zone when none or an unknown one is given (by the clock's own calendar where
// Intl fails).
// Built from the formatter's parts: how a locale writes a whole date varies with the engine's
// ICU (en-CA reads 2026-11-28 in Chromium and Firefox but 11/28/2026 in WebKitGTK).
export function dateIn(timeZone, millis) {
  const options = { year: "numeric", month: "2-digit", day: "2-digit" };
  const moment = new Date(millis);
  const isoDate = (format) => {
    const parts = format.formatToParts(moment);
    const part = (type) => parts.find((p) => p.type === type)?.value;
    return `${part("year")}-${part("month")}-${part("day")}`;
  };
  try {
    if (timeZone) return isoDate(new Intl.DateTimeFormat("en", { ...options, timeZone }));
  } catch (_) {
    // fall through to the visitor's zone
  }
  try {
    return isoDate(new Intl.DateTimeFormat("en", options));
  } catch (_) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
  }
}

// A bubbling, composed event on the host element, so listeners on the element or the document
// outside the shadow root receive it.
export function emitEvent(element, name, detail) {
  element.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

// Calls the host page's `paymentTokenProvider(details)` if it set one. Resolves to
// { token } when it gives a token, { cancelled: true } when it rejects, and null when the page
// has no provider.
export async function askPaymentProvider(element, details) {
  const provider = element && element.paymentTokenProvider;
  if (typeof provider !== "function") return null;
  try {
    const token = await provider.call(element, details);
    return typeof token === "string" && token.trim() ? { token } : { cancelled: true };
  } catch (_) {
    return { cancelled: true };
  }
}

// Copies text to the clipboard; resolves to whether it worked.
// Where the clipboard is refused (an http page, a frame without the permission), the code shown
// beside the Copy button is selected instead, for the visitor to copy with the system's own menu.
export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    const shown = button?.parentElement?.querySelector(".pgo-code");
    if (shown) window.getSelection()?.selectAllChildren(shown);
    return false;
  }
}

// The vendor's payment component ("Universal Payment Component"), mounted in the light DOM: its
// card fields break inside shadow roots, so it renders into a child of the element with
// slot="payment", which the widget shows through <slot name="payment">. Resolves to { token },
// { cancelled: true } or { unavailable: true }.
const scripts = new Map();
function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = resolve;
      script.onerror = () => {
        scripts.delete(src);
        reject(new Error("could not load " + src));
      };
      document.head.append(script);
    }));
  }
  return scripts.get(src);
}

export async function mountVendorPayment(element, scriptSrc, options) {
  // A widget gone while the vendor's script loads mounts nothing after it.
  let gone = false;
  element.__pgoCancelPayment = () => {
    gone = true;
  };
  try {
    if (!window.paymentWidget && scriptSrc) await loadScript(scriptSrc);
  } catch (_) {
    return { unavailable: true };
  }
  if (gone) return { cancelled: true };
  const vendor = window.paymentWidget;
  if (!vendor || typeof vendor.init !== "function") return { unavailable: true };
  let container = element.querySelector(':scope > [slot="payment"]');
  if (!container) {
    container = document.createElement("div");
    container.slot = "payment";
    element.append(container);
  }
  return new Promise((resolve) => {
    let instance = null;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      try {
        if (instance && typeof instance.destroy === "function") instance.destroy();
      } catch (_) {
        // the component is gone either way
      }
      container.replaceChildren();
      element.__pgoCancelPayment = undefined;
      resolve(result);
    };
    element.__pgoCancelPayment = () => finish({ cancelled: true });
    try {
      instance = vendor.init({
        ...options,
        container,
        onSuccess: (paymentRequestToken) =>
          finish(typeof paymentRequestToken === "string" && paymentRequestToken ? { token: paymentRequestToken } : { cancelled: true }),
        onError: () => finish({ cancelled: true }),
      });
    } catch (_) {
      finish({ unavailable: true });
    }
  });
}

export function cancelVendorPayment(element) {
  if (element && typeof element.__pgoCancelPayment === "function") element.__pgoCancelPayment();
}

// The checkout in progress, kept for the tab's life so a 3-D Secure redirect can come back to it.
export function storageGet(key) {
  try {
    return window.sessionStorage.getItem(key);
  } catch (_) {
    return null;
  }
}

export function storageSet(key, value) {
  try {
    if (value === null || value === undefined) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch (_) {
    // storage may be off (private mode): the checkout simply does not survive a redirect
  }
}

// A catalogue answer embed.js fetched while the wasm loaded (see there), taken once: a promise
// of { status, text } for exactly this request, or undefined.
export function takePrefetched(key) {
  const waiting = globalThis[Symbol.for("perfectgym-offers.prefetch")];
  const answer = waiting && waiting.get(key);
  if (answer) waiting.delete(key);
  return answer;
}
