#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml): points the stable loader, embed.js, at this build's
# content-hashed glue and wasm, and lists the glue's snippets for it to preload. Hosts cache the
# hashed files forever and revalidate only embed.js, so a release reaches every visitor at once
# and no visitor mixes two releases.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
glue=$(cd "$dir" && ls perfectgym-offers-*.js | grep -v '_bg' | head -n 1)
hash=${glue#perfectgym-offers-}
hash=${hash%.js}
[ -f "$dir/perfectgym-offers-${hash}_bg.wasm" ] || { echo "pin-loader: no wasm for $glue" >&2; exit 1; }
sed -i -e "s|\./perfectgym-offers\.js|./perfectgym-offers-${hash}.js|" \
  -e "s|\./perfectgym-offers_bg\.wasm|./perfectgym-offers-${hash}_bg.wasm|" "$dir/embed.js"
# The glue's snippet modules, so embed.js preloads them with the glue instead of after it.
snippets=$(cd "$dir" && find snippets -name '*.js' | sort | sed 's|.*|"./&"|' | paste -sd, - | sed 's/,/, /g')
sed -i "s|^const SNIPPETS = \[\];|const SNIPPETS = [${snippets}];|" "$dir/embed.js"
grep -q "perfectgym-offers-${hash}.js" "$dir/embed.js" || { echo "pin-loader: embed.js not pinned" >&2; exit 1; }
grep -q '^const SNIPPETS = \["' "$dir/embed.js" || { echo "pin-loader: snippets not listed" >&2; exit 1; }
