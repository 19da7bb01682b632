// The one script a gym's page includes (README, "Embedding"):
//   <script type="module" src="https://your-site.example/perfectgym-offers/embed.js" blocking="render"></script>
// It loads the widget from beside itself, whatever the path prefix, and defines
// <perfectgym-offers>. Loading it twice is harmless.
//
// It imports nothing up front, so it runs as soon as it arrives, and then starts everything at
// once instead of one after the other: the glue (one module: the build bundles its helpers in)
// and the wasm download and compile while each element already shows its loading skeleton and
// its catalogue's first pages load.
// The widget takes those answers (src/api) instead of asking again.
const TAG = "perfectgym-offers";
// Where the prefetched answers wait for the widget (host.js `takePrefetched` reads them).
const PREFETCH = Symbol.for("perfectgym-offers.prefetch");
// Mirrors core's paging: the largest slice the vendor allows, and a bound on pages followed.
const FIRST_PAGE = "/v1/online-offers/purchasable?offset=0&sliceSize=100";
const MAX_PAGES = 10;
// How long the widget's start waits for a catalogue's pages at most (see below).
const CATALOGUE_WAIT_MS = 1000;

// The widget fetches the active language's texts (locales/<language>.json) from beside this file.
globalThis.perfectgymOffersAssets ??= new URL("./", import.meta.url).href;

// What the skeleton looks like: a constructed (adopted) stylesheet, so a strict
// Content-Security-Policy without 'unsafe-inline' allows it. The element.js class keeps it
// adopted beside the widget's sheet. It reserves the widget's usual height (hosts can tune it
// with --pgo-loading-height) so the page below does not jump, and hides the widget's own tree
// until the widget removes the skeleton, once its catalogue is there. The placeholders stand
// still: a pulse, even one that only starts after a second, costs the main thread frames while
// the widget loads (12-15 ms later to the offers at full speed, 21-46 ms under 4x CPU).
const SKELETON_CSS = `
:host { display: block; color-scheme: inherit; }
:host([color-scheme="light"]) { color-scheme: light; }
:host([color-scheme="dark"]) { color-scheme: dark; }
:host([color-scheme="light dark"]) { color-scheme: light dark; }
:host([hidden]) { display: none; }
.pgo-skeleton {
  display: flex; flex-direction: column; gap: 12px;
  min-block-size: var(--pgo-loading-height, 560px);
  padding: 16px 0; box-sizing: border-box;
}
.pgo-skeleton ~ * { display: none !important; }
.pgo-skeleton__bar, .pgo-skeleton__card {
  border-radius: 10px;
  background: var(--pgo-skeleton, #e4e9e6);
  background: light-dark(var(--pgo-skeleton, #e4e9e6), var(--pgo-skeleton-dark, #2a332f));
}
.pgo-skeleton__bar { block-size: 40px; inline-size: 60%; }
.pgo-skeleton__card { block-size: 84px; }
.pgo-skeleton__text {
  position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap;
}
.pgo-skeleton--failed { min-block-size: 0; }
.pgo-skeleton--failed .pgo-skeleton__text { position: static; inline-size: auto; block-size: auto; clip-path: none; white-space: normal; }
`;

/** A constructed sheet, or null where the browser has none (the widget then simply appears). */
function skeletonSheet() {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(SKELETON_CSS);
    return sheet;
  } catch (_) {
    return null;
  }
}

/** The element's shadow root with the container the widget mounts into, holding the skeleton:
 * a status that says "Loading offers" (in English: the widget's translations come with the
 * wasm, which then replaces it) above placeholder cards. */
function showSkeleton(element, sheet) {
  if (element.shadowRoot) return;
  const root = element.attachShadow({ mode: "open" });
  root.adoptedStyleSheets = [sheet];
  const container = document.createElement("div");
  container.className = "pgo-root";
  const skeleton = document.createElement("div");
  skeleton.className = "pgo-skeleton";
  skeleton.setAttribute("role", "status");
  const text = document.createElement("span");
  text.className = "pgo-skeleton__text";
  text.lang = "en";
  text.textContent = "Loading offers";
  skeleton.append(text);
  const bar = document.createElement("div");
  bar.className = "pgo-skeleton__bar";
  skeleton.append(bar);
  for (let i = 0; i < 4; i++) {
    const card = document.createElement("div");
    card.className = "pgo-skeleton__card";
    skeleton.append(card);
  }
  for (const placeholder of skeleton.children) {
    if (placeholder !== text) placeholder.setAttribute("aria-hidden", "true");
  }
  container.append(skeleton);
  root.append(container);
}

/** Where the widget's code could not be loaded (a file missing on the server, the connection
 * lost), the skeleton says so instead of loading forever. In English: the translations come
 * with the code that did not arrive. */
function showFailure(element) {
  const skeleton = element.shadowRoot && element.shadowRoot.querySelector(".pgo-skeleton");
  if (!skeleton) return;
  skeleton.classList.add("pgo-skeleton--failed");
  for (const placeholder of [...skeleton.children]) {
    if (!placeholder.classList.contains("pgo-skeleton__text")) placeholder.remove();
  }
  skeleton.querySelector(".pgo-skeleton__text").textContent = "The offers could not be loaded. Please reload the page.";
}

/** A cursor as the widget's query encoding writes it (core's `paths::encode_query_value`, RFC 3986
 * unreserved characters pass), so the prefetched page waits under the URL the widget asks for. */
function encodeQueryValue(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `tag` (`de_ch`) as Intl spells it (`de-CH`), `en` when absent or refused: what the widget sends. */
function canonicalTag(tag) {
  try {
    return Intl.getCanonicalLocales((tag || "").trim().replace(/_/g, "-"))[0] || "en";
  } catch (_) {
    return "en";
  }
}

/** Formats one price the way the widget will, while the wasm is still on its way: a page's
 * first currency formatter costs tens of milliseconds on a phone (the browser loads the locale's
 * number data once), which the widget's own formatters then no longer pay on the way to the
 * first offers painted. */
function warmMoneyFormat(language, page) {
  const offer = Array.isArray(page && page.result) ? page.result.find((o) => o && o.price && o.price.currency) : null;
  try {
    new Intl.NumberFormat(language, { style: "currency", currency: offer ? offer.price.currency : "EUR" }).format(0);
  } catch (_) {
    // a currency Intl refuses: the widget shows such prices as sent
  }
}

/** Starts `element`'s catalogue: the first page, then each next page its cursor names. Each
 * answer waits under the request the widget will make (its Accept-Language, api-base + path)
 * as a promise of { status, text }. Only what the widget would ask exactly is ever used.
 * Returns a promise that the chain has ended, whatever its outcome, or null when the element
 * has no api-base. */
function prefetchCatalogue(element, waiting) {
  const base = (element.getAttribute("api-base") || "").trim().replace(/\/+$/, "");
  if (!base) return null;
  // The widget's Accept-Language: the element's tag as the browser spells it (src/locale.rs),
  // so a tag spelled differently simply finds no prefetched answer.
  const language = canonicalTag(element.getAttribute("locale"));
  const fetchPage = (path, pages) => {
    const key = `${language} ${base}${path}`;
    if (waiting.has(key)) return undefined;
    const answer = fetch(base + path, { headers: { Accept: "application/json", "Accept-Language": language } })
      .then(async (response) => ({ status: response.status, text: await response.text() }));
    waiting.set(key, answer);
    return answer.then(({ status, text }) => {
      if (status !== 200 || pages >= MAX_PAGES) return undefined;
      const page = JSON.parse(text);
      const next = page && page.hasNext === true && page.offset !== undefined && page.offset !== null
        ? fetchPage(`/v1/online-offers/purchasable?offset=${encodeQueryValue(String(page.offset))}&sliceSize=100`, pages + 1)
        : undefined;
      // Once, on the first page, after the next page's request has left: the formatter's data
      // loads while that page is on its way, instead of after the last one, just before the
      // widget starts.
      if (pages === 1) warmMoneyFormat(language, page);
      return next;
    }).catch(() => {
      // the widget asks again itself
    });
  };
  return Promise.resolve(fetchPage(FIRST_PAGE, 1));
}

// A second copy of the loader (another URL) finds the first one's map and leaves it the work.
if (!customElements.get(TAG) && !globalThis[PREFETCH]) {
  // Everything the widget's code needs starts downloading now, together. The wasm compiles as it downloads, from now on, not once the glue has arrived and asked
  // for it: the glue takes the compiled module. Streaming compilation takes exactly the type
  // application/wasm (not even with a charset): served otherwise, it compiles once downloaded.
  const wasm = fetch(new URL("./perfectgym-offers_bg.wasm", import.meta.url)).then((response) => {
    if (!response.ok) throw new Error(`${response.status} fetching ${response.url}`);
    const type = (response.headers.get("Content-Type") || "").trim().toLowerCase();
    return typeof WebAssembly.compileStreaming === "function" && type === "application/wasm"
      ? WebAssembly.compileStreaming(response)
      : response.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  });
  // (Its failure is reported below, through the glue's init.)
  wasm.catch(() => {});
  const glue = import("./perfectgym-offers.js");
  const waiting = (globalThis[PREFETCH] = new Map());
  const sheet = skeletonSheet();
  const catalogues = [];
  for (const element of document.querySelectorAll(TAG)) {
    if (sheet) showSkeleton(element, sheet);
    const catalogue = prefetchCatalogue(element, waiting);
    if (catalogue) catalogues.push(catalogue);
  }
  // Once the code is here, each element's catalogue still on its way is waited for,
  // CATALOGUE_WAIT_MS at most: each next page is asked for only when the page before it has
  // been read on the main thread, which the widget's start would keep busy (under 4x CPU
  // throttling 25-40 ms later to the offers, one page's round trip after another), and the
  // widget then shows the whole list at once instead of page by page.
  const started = Promise.all([glue, wasm]).then(([glueModule]) => {
    if (catalogues.length === 0) return glueModule;
    const bound = new Promise((resolve) => setTimeout(resolve, CATALOGUE_WAIT_MS));
    return Promise.race([Promise.all(catalogues), bound]).then(() => glueModule);
  });
  started
    .then(({ default: init }) => init({ module_or_path: wasm }))
    .catch((error) => {
      console.error("perfectgym-offers: the widget could not start", error);
      for (const element of document.querySelectorAll(TAG)) {
        // Also an element added since, which has no skeleton yet.
        if (sheet) showSkeleton(element, sheet);
        showFailure(element);
      }
    });
}
