#!/usr/bin/env bash
# The API contract checkers, pinned, in a venv of their own (PyPI through pip):
#   schemathesis (fuzzes the server against its OpenAPI document) and
#   openapi-spec-validator (checks the document itself), and scim2-tester
#   (the SCIM 2.0 compliance checker, SPEC §11).
# Prints nothing when they are already there. Called by `make test`.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
SPEC_VALIDATOR_VERSION=0.9.0
SCIM_TESTER_VERSION=0.5.2
VENV="${PORTICO_CONTRACT_VENV:-${PORTICO_TOOLS_DIR:-$HOME/.cache/portico-tools}/contract-venv}"

version_of() { "$VENV/bin/pip" show "$1" 2>/dev/null | sed -n 's/^Version: //p'; }
have() {
  [ "$(version_of schemathesis)" = "$SCHEMATHESIS_VERSION" ] &&
    [ "$(version_of openapi-spec-validator)" = "$SPEC_VALIDATOR_VERSION" ] &&
    [ "$(version_of scim2-tester)" = "$SCIM_TESTER_VERSION" ]
}
have && exit 0

echo "==> contract tools: schemathesis $SCHEMATHESIS_VERSION, openapi-spec-validator $SPEC_VALIDATOR_VERSION, scim2-tester $SCIM_TESTER_VERSION" >&2
# Debian keeps venv's pip bootstrap in a package of its own.
if ! python3 -c 'import ensurepip' 2>/dev/null; then
  bash "$(dirname "$0")/apt-install.sh" /nonexistent/python3-venv python3-venv
fi
[ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$SPEC_VALIDATOR_VERSION" \
  "scim2-tester[httpx2]==$SCIM_TESTER_VERSION"
have
