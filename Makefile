# Portico's two commands: `make run` and `make test`. Both install what is
# missing first (see .ci/ensure-tools.sh), so they work on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(HOME)/.cache/portico-tools/node_modules/.bin:$(PATH)
# The same flags for every debug build and test run, so nothing recompiles.
export RUSTFLAGS := --cfg erase_components
RELEASE_ENV := env -u RUSTFLAGS
PG_DIR := /tmp/portico-test-pg-$(shell id -u)
# cargo-nextest (on the machine; .ci/ensure-tools.sh installs it if not):
# each test in its own process, a hung one stopped (.config/nextest.toml).
RUST_TEST := cargo nextest run -p app -p server --features app/ssr

.PHONY: run test tools test-deps build fmt-check lint test-rust test-rust-sqlite test-rust-postgres test-e2e test-contract bench bench-deps bench-size bench-weight

## run: build a release and serve http://127.0.0.1:3000 (SQLite in ./data, mail in ./data/mail)
run: tools build
	mkdir -p data
	LEPTOS_SITE_ROOT=target/site ./target/release/portico

## test: formatting, clippy, Rust tests on SQLite and PostgreSQL, Playwright in
## Chromium, and the API contract (validator, schemathesis, a generated client)
test: tools test-deps fmt-check lint test-rust test-e2e test-contract

tools:
	bash .ci/ensure-tools.sh

test-deps:
	bash .ci/apt-install.sh /usr/bin/chromium chromium /usr/lib/postgresql/15/bin/initdb postgresql
	bash .ci/contract-tools.sh
	cd end2end && npm ci --no-audit --no-fund
	# The public mail providers refused as tenant domains must equal the
	# pinned package (its postinstall would fetch a newer list: skipped).
	cd .ci/provider-list && npm ci --ignore-scripts --no-audit --no-fund && node list.mjs --check

# cargo-leptos names the files by content hash and writes .br (quality 11)
# and .gz beside them; its gzip is weaker than `gzip -9` (767 vs 646 KB for the
# WASM), and browsers on plain http get gzip, so the .gz files are redone.
build:
	$(RELEASE_ENV) cargo leptos build --release --precompress
	find target/site/pkg -type f ! -name '*.gz' ! -name '*.br' -exec sh -c 'gzip -9 -n -c "$$1" > "$$1.gz"' _ {} \;

fmt-check:
	cargo fmt --all --check

lint:
	python3 .ci/layers.py
	cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

test-rust: test-rust-sqlite test-rust-postgres

test-rust-sqlite:
	@echo "==> Rust tests on SQLite"
	env -u PORTICO_TEST_POSTGRES $(RUST_TEST)

test-rust-postgres:
	@echo "==> Rust tests on PostgreSQL"
	url=$$(bash .ci/postgres.sh start $(PG_DIR)); \
	trap 'bash .ci/postgres.sh stop $(PG_DIR)' EXIT; \
	PORTICO_TEST_POSTGRES=$$url $(RUST_TEST)

test-e2e: build
	@echo "==> Playwright in Chromium, JavaScript on and off"
	free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }; \
	cd end2end && PORTICO_E2E_PORT=$$(free_port) PORTICO_E2E_SMTP_PORT=$$(free_port) PORTICO_E2E_HOOK_PORT=$$(free_port) PORTICO_E2E_DNS_PORT=$$(free_port) PORTICO_E2E_PRODUCT_PORT=$$(free_port) PORTICO_E2E_IDP_PORT=$$(free_port) npx playwright test

# The OpenAPI document, held three ways: a TypeScript client generated from
# the committed snapshot must type-check against the spec that uses it; then,
# against the release server, openapi-spec-validator checks the served
# document and schemathesis runs every phase (examples, coverage, fuzzing,
# stateful through the document's links) with all checks, and the generated
# client invites and lists invitations.
test-contract: build
	@echo "==> API contract: generated TypeScript client, openapi-spec-validator, schemathesis"
	cd end2end && npx openapi-typescript ../server/tests/api/snapshots/openapi.json -o contract/portico-api.d.ts && npx tsc --noEmit -p .
	free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }; \
	cd end2end && PORTICO_E2E_PORT=$$(free_port) PORTICO_E2E_SMTP_PORT=$$(free_port) PORTICO_E2E_HOOK_PORT=$$(free_port) PORTICO_E2E_DNS_PORT=$$(free_port) PORTICO_E2E_PRODUCT_PORT=$$(free_port) PORTICO_E2E_IDP_PORT=$$(free_port) npx playwright test -c contract.config.ts

## bench: load benchmarks (never part of `make test`): side by side with the
## better-auth peer, 0 / 100k / 1M stored invitations on SQLite and PostgreSQL,
## one and two instances on one PostgreSQL. Prints the tables for the README.
bench: tools bench-deps build
	python3 bench/bench.py all

bench-deps:
	bash .ci/apt-install.sh wrk wrk /usr/lib/postgresql/15/bin/initdb postgresql

## bench-size: raw, gzip and brotli size of the release WASM + JS + CSS
bench-size: build
	bash bench/wasm-size.sh

## bench-weight: bytes on the wire per page in Chromium, cold cache and repeat visit
bench-weight: tools test-deps build
	bash bench/page-weight
