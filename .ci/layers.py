#!/usr/bin/env python3
"""Checks that no module of app/src/backend imports from a room above it.

The rooms, lowest first (README "Map"): the platform pieces that need
nothing (config, crypto, url_policy, content_policy), db, the platform
pieces built on db (rate_limit, dns, settings, languages, audit, signing_keys), state,
then delivery, access, onboarding and oidc, tenant_admin, directory and sso. A module may use its own room
and any room below. Run by `make lint`; prints each upward import.
"""
import pathlib
import re
import sys

RANK = {
    "config": 0, "crypto": 0, "url_policy": 0, "content_policy": 0,
    "db": 1,
    "rate_limit": 2, "dns": 2, "settings": 2, "languages": 2, "audit": 2, "signing_keys": 2,
    "state": 3, "testing": 3,
    "delivery": 4, "access": 5, "onboarding": 6, "oidc": 6, "tenant_admin": 7, "directory": 7, "sso": 7,
}
root = pathlib.Path(__file__).resolve().parent.parent / "app/src/backend"
bad = []
for path in sorted(root.rglob("*.rs")):
    rel = path.relative_to(root)
    room = rel.parts[0].removesuffix(".rs")
    if room not in RANK:
        bad.append(f"{rel}: not in a known room")
        continue
    text = path.read_text()
    # Only code outside `#[cfg(test)]` modules counts.
    text = text.split("#[cfg(test)]\nmod tests")[0]
    targets = set(re.findall(r"crate::backend::(\w+)", text))
    for group in re.findall(r"crate::backend::\{([^}]*)\}", text):
        targets |= {g.strip().split("::")[0] for g in group.split(",") if g.strip()}
    if len(rel.parts) == 1:  # a top-level file: `super::x` is a sibling room
        targets |= set(re.findall(r"\bsuper::(\w+)", text))
    for target in targets:
        if target in RANK and RANK[target] > RANK[room]:
            bad.append(f"{rel}: uses {target}, a room above {room}")
outside = pathlib.Path(__file__).resolve().parent.parent / "app/src/components"
for path in sorted(outside.rglob("*.rs")):
    if re.search(r"crate::pages::", path.read_text()):
        bad.append(f"components/{path.relative_to(outside)}: uses pages, which sit above components")
for line in bad:
    print(line)
sys.exit(1 if bad else 0)
