// Loaded by the strict-CSP host page (.ci/csp-check): reports in document.title whether the
// widget rendered its offers and whether the browser blocked anything under the policy.
const violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
const started = Date.now();
const timer = setInterval(() => {
  const root = document.querySelector("perfectgym-offers")?.shadowRoot;
  const offers = root ? root.querySelectorAll("[role=radio]").length : 0;
  const font = root?.querySelector(".pgo-widget")
    ? getComputedStyle(root.querySelector(".pgo-widget")).fontFamily
    : "";
  if ((offers > 0 && font) || Date.now() - started > 15000) {
    clearInterval(timer);
    const lang = root?.querySelector(".pgo-widget")?.getAttribute("lang");
    document.title = `offers=${offers} styled=${font.startsWith("system-ui")} violations=${violations.length} ${violations.join("; ")} lang=${lang}`;
  }
}, 100);
