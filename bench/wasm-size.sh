#!/usr/bin/env bash
# Size of what a browser downloads for the app: the release WASM, the JS glue
# and the CSS, as built by `make build` (content-hashed names, with the .br
# and .gz files precompressed at build time, which is what the server sends).
# `make bench-size` builds first. Re-run after changes and update README.
set -euo pipefail
pkg="${1:-target/site/pkg}"
total_gz=0
total_br=0
printf '%-10s %10s %10s %10s\n' file bytes gzip brotli
for ext in wasm js css; do
  f=$(find "$pkg" -maxdepth 1 -name "portico*.$ext" | head -1)
  [ -n "$f" ] || { echo "no portico*.$ext in $pkg: run 'make build' first" >&2; exit 1; }
  raw=$(stat -c %s "$f")
  gz=$( [ -f "$f.gz" ] && stat -c %s "$f.gz" || gzip -9 -c "$f" | wc -c)
  br=$( [ -f "$f.br" ] && stat -c %s "$f.br" || echo 0)
  total_gz=$((total_gz + gz))
  total_br=$((total_br + br))
  printf '%-10s %10d %10d %10d\n' "$ext" "$raw" "$gz" "$br"
done
printf '%-10s %10s %10d %10d\n' total "" "$total_gz" "$total_br"
