#!/usr/bin/env bash
# Installs Debian packages that are missing: `apt-install.sh <command> <package> …`
# pairs, e.g. `apt-install.sh chromium chromium`. Waits for a parallel apt run.
set -euo pipefail
missing=()
while [ $# -ge 2 ]; do
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then missing+=("$2"); fi
  shift 2
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "==> apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2
