#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml), the last step (after content-names.sh): a gzip -9 and a brotli -q 11 copy
# beside every text and wasm file, so a static server (the proxy's --static-dir, nginx's
# gzip_static / brotli_static, a CDN) sends the smallest one the browser accepts without
# compressing on each request. See docs/deploy.md.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
find "$dir" -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.html' \) -print0 |
  while IFS= read -r -d '' file; do
    gzip -9 -n -k -f "$file"
    brotli -q 11 -k -f "$file"
  done
