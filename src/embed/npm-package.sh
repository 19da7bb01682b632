#!/usr/bin/env bash
# Builds the npm package for sites with a bundler (Vite, webpack, or none): wasm-pack's web
# build, with embed.js, the same loader the CDN files use, as its entry. Importing the package
# defines <perfectgym-offers>, exactly as the script tag does.
#   bash src/embed/npm-package.sh [OUT_DIR]     (default: pkg/; then `npm pack` or `npm publish` it)
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/env.sh
# The same compiler and standard library as the CDN files (.ci/release-toolchain.sh).
. .ci/release-toolchain.sh
out="${1:-pkg}"
wasm-pack build --release --target web --out-dir "$out" --out-name perfectgym-offers --no-pack >&2
# The same wasm-opt passes as the CDN files' (index.html's data-wasm-opt-params after -Oz).
read -r -a opt_params <<<"$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)"
wasm-opt -Oz "${opt_params[@]}" "$out/perfectgym-offers_bg.wasm" -o "$out/perfectgym-offers_bg.wasm"
# Look-alike functions next to each other, as in the CDN files (order-functions.py).
python3 src/embed/order-functions.py "$out"
cp src/embed/embed.js "$out/embed.js"
# The texts of every language but English (compiled in), fetched from beside embed.js.
rm -rf "$out/locales" && cp -r core/locales "$out/locales"
# The entry and what a bundler must keep: importing embed.js has an effect (it defines the
# element), so it must never be tree-shaken away.
manifest=$(cat <<'JS'
const fs = require("fs");
const path = require("path");
const dir = process.argv[1];
const crate = JSON.parse(fs.readFileSync(0, "utf8")).packages.find((p) => p.name === "perfectgym-offers");
const files = fs.readdirSync(dir).filter((f) => !f.startsWith(".") && f !== "package.json" && f !== "README.md");
const pkg = {
  name: crate.name,
  version: crate.version,
  description: crate.description,
  license: crate.license,
  type: "module",
  main: "embed.js",
  module: "embed.js",
  exports: { ".": "./embed.js", "./perfectgym-offers_bg.wasm": "./perfectgym-offers_bg.wasm" },
  files,
  sideEffects: ["./embed.js", "./perfectgym-offers.js", "./snippets/*"],
};
fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
JS
)
cargo metadata --no-deps --format-version 1 --offline | node -e "$manifest" "$out"
echo "$out"
