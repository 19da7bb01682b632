// The one script a gym's page includes:
//   <script type="module" src="https://your-site.example/perfectgym-offers/embed.js"></script>
// It loads the widget from beside itself, whatever the path prefix, and defines
// <perfectgym-offers>. Loading it twice is harmless.
import init from "./perfectgym-offers.js";

// The widget fetches the active language's texts (locales/<language>.json) from beside this file.
globalThis.perfectgymOffersAssets ??= new URL("./", import.meta.url).href;

await init({ module_or_path: new URL("./perfectgym-offers_bg.wasm", import.meta.url) });
