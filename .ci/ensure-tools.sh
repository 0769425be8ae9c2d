#!/usr/bin/env bash
# Installs the build tools Portico needs, each only when missing, so a second
# run costs seconds. Called by `make run` and `make test`.
#   - the wasm32 target (rustup)
#   - cargo-leptos 0.3.11, built from its source (fetched by cargo) with one dependency
#     pinned back so it compiles on Rust 1.95
#   - cargo-nextest, which runs the Rust tests (usually on the machine already)
#   - wasm-bindgen-cli at exactly the version of the wasm-bindgen crate
#   - wasm-opt (npm binaryen@132; Debian's 108 emits WASM that fails to hydrate)
# Everything comes through cargo or npm: nothing downloads binaries from GitHub.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
TOOLS_DIR="${PORTICO_TOOLS_DIR:-$HOME/.cache/portico-tools}"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

log() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "building cargo-leptos $CARGO_LEPTOS_VERSION from source (one-time, ~20 min)"
  # cargo itself fetches the source: a throwaway manifest that depends on it.
  src=$(mktemp -d)
  mkdir -p "$src/fetch/src"
  touch "$src/fetch/src/lib.rs"
  printf '[package]\nname = "fetch-cargo-leptos"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\ncargo-leptos = "=%s"\n' \
    "$CARGO_LEPTOS_VERSION" >"$src/fetch/Cargo.toml"
  (cd "$src/fetch" && cargo fetch -q)
  crate_dir=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"cargo-leptos-$CARGO_LEPTOS_VERSION" | head -n 1)
  cp -r "$crate_dir" "$src/cargo-leptos"
  (
    cd "$src/cargo-leptos"
    rm -f rust-toolchain.toml
    # cargo-util-schemas 0.14.2 needs Rust 1.96; 0.14.1 is API-compatible.
    cargo update -p cargo-util-schemas --precise 0.14.1
    cargo install --path . --locked
  )
  rm -rf "$src"
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  log "installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
  log "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >&2
fi
