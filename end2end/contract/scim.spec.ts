import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { managerWithToken } from "./seed";

// SCIM 2.0 (SPEC §11) checked by scim2-tester, the SCIM RFC compliance
// checker from PyPI (pinned in the venv `.ci/contract-tools.sh` makes):
// discovery, then create, read, list, filter, replace, PATCH add, replace
// and remove on every attribute, and delete, for Users and Groups.
const venv = process.env.PORTICO_CONTRACT_VENV ?? path.join(process.env.HOME!, ".cache", "portico-tools", "contract-venv");

test("a tenant's /scim/v2/ passes every check of scim2-tester", async ({ browser, baseURL }) => {
  const { token: apiToken, tenantId } = await managerWithToken(browser, "Directory Ltd");
  const made = await fetch(`${baseURL}/api/v1/scim-tokens?tenantId=${tenantId}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "scim2-tester" }),
  });
  expect(made.status).toBe(201);
  const { token } = await made.json();

  const result = spawnSync(
    path.join(venv, "bin", "python"),
    [path.join(__dirname, "scim_check.py"), `${baseURL}/scim/v2/${tenantId}`, token],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  console.log(output);
  expect(result.status, output).toBe(0);
});
