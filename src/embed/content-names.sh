#!/usr/bin/env bash
# Trunk post-build hook step, after minify.sh and before compress.sh: names the glue and the
# wasm after their final content. trunk's hash is of the wasm as cargo built it, so a change
# made after that (wasm-opt's parameters, short-names.py, the minifier) kept the names of the
# previous release for different files, which hosts cache forever: a visitor holding one of the
# pair from before would pair it with the other from now, and the widget could not start.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cd "$dir"
glue=$(ls perfectgym-offers-*.js | grep -v '_bg' | head -n 1)
old=${glue#perfectgym-offers-}
old=${old%.js}
[ -f "perfectgym-offers-${old}_bg.wasm" ] || { echo "content-names: no wasm for $glue" >&2; exit 1; }
new=$(cat "$glue" "perfectgym-offers-${old}_bg.wasm" | sha256sum | cut -c1-16)
[ "$new" != "$old" ] || exit 0
mv "perfectgym-offers-${old}_bg.wasm" "perfectgym-offers-${new}_bg.wasm"
mv "$glue" "perfectgym-offers-${new}.js"
# The glue names its wasm, embed.js both (pin-loader.sh), the demo page both.
for file in "perfectgym-offers-${new}.js" embed.js index.html; do
  [ ! -f "$file" ] || sed -i "s/perfectgym-offers-${old}/perfectgym-offers-${new}/g" "$file"
done
grep -q "perfectgym-offers-${new}.js" embed.js || { echo "content-names: embed.js not renamed" >&2; exit 1; }
# The demo page's integrity values, for the files just edited.
[ ! -f index.html ] || python3 "$OLDPWD/src/embed/integrity.py" fix .
