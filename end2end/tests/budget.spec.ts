import { expect, test } from "@playwright/test";
import { weighPages } from "./weigh";

// Issue 10's byte budget, on a cold cache (a size check, not a timing): the
// page an invitee opens from a mail at most 150 KB, the others at most
// 250 KB, and a repeat visit fetches no static file again.
const BUDGET: Record<string, number> = { "/invite?token=…": 150_000 };
const DEFAULT_BUDGET = 250_000;

test("every page stays within its byte budget", async ({ browser, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "without JavaScript no WASM is fetched: the budget is about it");
  test.setTimeout(120_000);
  for (const row of await weighPages(browser)) {
    const budget = BUDGET[row.page] ?? DEFAULT_BUDGET;
    expect(row.total, `${row.page}: ${row.total} bytes (budget ${budget})`).toBeLessThanOrEqual(budget);
    expect(row.wasm, `${row.page} fetched the WASM`).toBeGreaterThan(0);
    expect(row.repeatStatic, `${row.page} fetched static files again on a repeat visit`).toBe(0);
  }
});
