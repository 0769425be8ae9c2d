import { test } from "@playwright/test";
import * as fs from "node:fs";
import { weighPages } from "../tests/weigh";

// Prints the bytes per page as a Markdown table; with PAGE_WEIGHT_OUT set,
// also writes it there.
test("bytes transferred per page, cold cache and repeat visit", async ({ browser }) => {
  test.setTimeout(120_000);
  const rows = await weighPages(browser);
  const kb = (n: number) => (n / 1000).toFixed(1);
  const table = [
    "| page | total KB | HTML | CSS | JS | WASM | other | static KB on a repeat visit |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| \`${r.page}\` | ${kb(r.total)} | ${kb(r.html)} | ${kb(r.css)} | ${kb(r.js)} | ${kb(r.wasm)} | ${kb(r.other)} | ${kb(r.repeatStatic)} |`),
  ].join("\n");
  console.log("\n" + table + "\n");
  if (process.env.PAGE_WEIGHT_OUT) fs.writeFileSync(process.env.PAGE_WEIGHT_OUT, table + "\n");
});
