import { expect, type Browser } from "@playwright/test";
import { confirmedManager, newPage } from "../tests/support";

/** A manager with a confirmed email and an API token: what an API client has. */
export async function managerWithToken(browser: Browser, tenant: string): Promise<{ token: string; tenantId: number }> {
  const page = await newPage(browser, false);
  const tenantPath = await confirmedManager(page, false, tenant);
  await page.goto("/account");
  await page.getByLabel("Token name").fill("contract");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/\S{20,}/);
  const token = (await shown.textContent())!.trim();
  await page.context().close();
  return { token, tenantId: Number(tenantPath.split("/").pop()) };
}
