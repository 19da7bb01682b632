#!/usr/bin/env bash
# Trunk post-build hook step (Trunk.toml), after short-names.py and before content-names.sh: minifies
# the widget's JS (the wasm-bindgen glue, the loader and the snippets) with esbuild, which
# .ci/install puts under $PGO_TOOLS/esbuild. Trunk's own `minify` breaks the glue (shared/
# TOOLCHAIN.md). Whitespace, comments and local names only: exports, imports and
# `import.meta.url` stay, so the glue still finds the wasm and the loader stays pinned.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
esbuild="${PGO_TOOLS:-$HOME/.local/share/perfectgym-offers-tools}/esbuild/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || { echo "minify: no esbuild at $esbuild: run bash .ci/install" >&2; exit 1; }
cd "$dir"
for file in embed.js perfectgym-offers-*[0-9a-f].js snippets/*/src/embed/*.js; do
  "$esbuild" "$file" --minify --log-level=warning --outfile="$file" --allow-overwrite
done
# trunk pinned the demo page's integrity values to the files before they were minified.
[ ! -f index.html ] || python3 "$OLDPWD/src/embed/integrity.py" fix .
