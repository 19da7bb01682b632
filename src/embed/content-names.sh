#!/usr/bin/env bash
# Trunk post-build hook step, after minify.sh and before compress.sh: names the glue and the
# wasm after their final content and points the stable loader, embed.js, at them. Hosts cache
# the named files forever and revalidate only embed.js, so a release reaches every visitor at
# once and no visitor mixes two releases. trunk's own hash is of the wasm as cargo built it, so a
# change made after that (wasm-opt's parameters, short-names.py, the minifier) kept the previous
# release's names for different files: a visitor holding one of the pair from before would pair
# it with the other from now, and the widget could not start.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cd "$dir"
glue=$(ls perfectgym-offers-*.js | grep -v '_bg' | head -n 1)
old=${glue#perfectgym-offers-}
old=${old%.js}
[ -f "perfectgym-offers-${old}_bg.wasm" ] || { echo "content-names: no wasm for $glue" >&2; exit 1; }
# One file (minify.sh bundled its snippets in), so its own name covers everything it runs.
if grep -qE '(from|import) ?\(?"\./' "$glue"; then
  echo "content-names: the glue still imports a module of its own" >&2
  exit 1
fi
new=$(cat "$glue" "perfectgym-offers-${old}_bg.wasm" | sha256sum | cut -c1-16)
mv "perfectgym-offers-${old}_bg.wasm" "perfectgym-offers-${new}_bg.wasm"
mv "$glue" "perfectgym-offers-${new}.js"
# The glue names its wasm and the demo page both, by trunk's names; embed.js names both as in
# its source (the npm package's embed.js keeps those, for a bundler to resolve).
for file in "perfectgym-offers-${new}.js" index.html; do
  [ ! -f "$file" ] || sed -i "s/perfectgym-offers-${old}/perfectgym-offers-${new}/g" "$file"
done
sed -i -e "s|\./perfectgym-offers\.js|./perfectgym-offers-${new}.js|" \
  -e "s|\./perfectgym-offers_bg\.wasm|./perfectgym-offers-${new}_bg.wasm|" embed.js
for pinned in "perfectgym-offers-${new}.js" "perfectgym-offers-${new}_bg.wasm"; do
  grep -q "$pinned" embed.js || { echo "content-names: embed.js not pinned to $pinned" >&2; exit 1; }
done
# The demo page's integrity values, for the files just edited.
[ ! -f index.html ] || python3 "$OLDPWD/src/embed/integrity.py" fix .
