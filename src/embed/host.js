// Small browser facts the widget needs, each guarded so bad input never throws into wasm.

// Today's date (yyyy-MM-dd) in an IANA time zone, or in the visitor's zone when none or an
// unknown one is given.
export function todayIn(timeZone) {
  const options = { year: "numeric", month: "2-digit", day: "2-digit" };
  try {
    if (timeZone) return new Intl.DateTimeFormat("en-CA", { ...options, timeZone }).format(new Date());
  } catch (_) {
    // fall through to the visitor's zone
  }
  return new Intl.DateTimeFormat("en-CA", options).format(new Date());
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
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    return false;
  }
}
