// The one script a gym's page includes:
//   <script type="module" src="https://your-site.example/perfectgym-offers/embed.js"></script>
// It loads the widget from beside itself, whatever the path prefix, and defines
// <perfectgym-offers>. Loading it twice is harmless.
import init from "./perfectgym-offers.js";

await init({ module_or_path: new URL("./perfectgym-offers_bg.wasm", import.meta.url) });
