#!/usr/bin/env bash
# Gzip size of what a browser downloads for the app: the release WASM, the JS
# glue and the CSS, as built by `cargo leptos build --release`
# (`make bench-size` builds first). Re-run after changes and update README.
set -euo pipefail
pkg="${1:-target/site/pkg}"
total=0
printf '%-22s %10s %10s\n' file bytes gzip-9
for f in portico.wasm portico.js portico.css; do
  [ -f "$pkg/$f" ] || { echo "missing $pkg/$f: run 'make build' first" >&2; exit 1; }
  raw=$(stat -c %s "$pkg/$f")
  gz=$(gzip -9 -c "$pkg/$f" | wc -c)
  total=$((total + gz))
  printf '%-22s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-22s %10s %10d  (%d KiB)\n' total "" "$total" $((total / 1024))
