import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { managerWithToken } from "./seed";

// The document is checked by two independent tools, from PyPI, pinned in
// the venv `.ci/contract-tools.sh` makes: openapi-spec-validator (is it a
// valid OpenAPI 3 document?) and schemathesis (does the server answer as it
// says, for every request the document allows and many it does not?).
const venv = process.env.PORTICO_CONTRACT_VENV ?? path.join(process.env.HOME!, ".cache", "portico-tools", "contract-venv");
const bin = (tool: string) => path.join(venv, "bin", tool);

function run(tool: string, args: string[]) {
  const result = spawnSync(bin(tool), args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  // The whole report goes into the failure message; on success, its summary.
  const summary = output.lastIndexOf("SUMMARY");
  console.log(summary >= 0 ? output.slice(summary - 40) : output.slice(-2000));
  return { status: result.status, output };
}

test("the OpenAPI document is valid and the server keeps to it under schemathesis", async ({ browser, baseURL }) => {
  const { token } = await managerWithToken(browser, "Contract Ltd");
  const runDir = process.env.PORTICO_E2E_RUN_DIR!;
  const documentPath = path.join(runDir, "openapi.json");
  const response = await fetch(`${baseURL}/api/openapi.json`);
  expect(response.status).toBe(200);
  fs.writeFileSync(documentPath, await response.text());

  const validator = run("openapi-spec-validator", [documentPath]);
  expect(validator.status, validator.output).toBe(0);

  const schemathesis = run("schemathesis", [
    "--no-color",
    "run",
    documentPath,
    "--url",
    baseURL!,
    "--header",
    `Authorization: Bearer ${token}`,
    "--checks",
    "all",
    "--phases",
    "examples,coverage,fuzzing,stateful",
    "--max-examples",
    process.env.PORTICO_CONTRACT_EXAMPLES ?? "40",
    "--seed",
    process.env.PORTICO_CONTRACT_SEED ?? "1",
    "--workers",
    "1",
    "--generation-database",
    "none",
  ]);
  expect(schemathesis.status, schemathesis.output).toBe(0);
});
