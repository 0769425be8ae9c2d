"""Runs scim2-tester (the SCIM RFC 7643/7644 compliance checker) against
one tenant's /scim/v2/{tenantId}/ with a directory token, every check it
offers for the discovery endpoints, Users and Groups.

Usage: scim_check.py BASE_URL TOKEN. Prints one line per check; exits 1
when any check is an ERROR or CRITICAL, or when Users or Groups had no
successful check at all (a run that checked nothing proves nothing).
"""

import sys

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server


def main() -> int:
    base_url, token = sys.argv[1], sys.argv[2]
    http = httpx2.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    results = check_server(SyncSCIMClient(http))
    failed = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    for r in results:
        where = f"[{r.resource_type}] " if r.resource_type else ""
        print(f"{r.status.name:10} {where}{r.title}: {r.reason or ''}".rstrip())
    passed = {
        kind: sum(1 for r in results if r.resource_type == kind and r.status == Status.SUCCESS)
        for kind in ("User", "Group")
    }
    print(
        f"SUMMARY {len(results)} checks, {len(failed)} failed, "
        f"{passed['User']} passed for User, {passed['Group']} for Group"
    )
    if failed or not all(passed.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
