#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml), the first step: lists the glue's snippets in the stable
# loader, embed.js, for it to preload with the glue instead of after it. (content-names.sh, once
# the files are final, points embed.js at the content-named glue and wasm.)
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
snippets=$(cd "$dir" && find snippets -name '*.js' | sort | sed 's|.*|"./&"|' | paste -sd, - | sed 's/,/, /g')
sed -i "s|^const SNIPPETS = \[\];|const SNIPPETS = [${snippets}];|" "$dir/embed.js"
grep -q '^const SNIPPETS = \["' "$dir/embed.js" || { echo "pin-loader: snippets not listed" >&2; exit 1; }
