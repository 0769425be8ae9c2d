import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { confirmedManager, sendInvite, uniqueEmail, mailedLink } from "./support";

/** No serious or critical axe-core violations, and nothing wider than the screen. */
async function check(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${what} is wider than the 375 px screen`).toBeLessThanOrEqual(0);
}

test.use({ viewport: { width: 375, height: 812 } });

test("pages are usable at 375 px and pass axe-core", async ({ page, javaScriptEnabled: js }) => {
  // axe-core runs as a script inside the page; the server-rendered HTML it
  // checks is the same with JavaScript off.
  test.skip(!js, "axe-core needs JavaScript in the page");
  test.setTimeout(60_000);
  for (const path of ["/", "/register", "/login", "/forgot-password", "/no/such/page"]) {
    await page.goto(path);
    await check(page, path);
  }
  const tenantPath = await confirmedManager(page, js, `A11y ${Date.now()} ${js}`);
  const invitee = uniqueEmail("a11y");
  await sendInvite(page, js, tenantPath, invitee, "Hello");
  for (const sub of ["", "/members", "/invites", "/links", "/organisations", "/projects", "/audit", "/webhooks", "/domains"]) {
    await page.goto(`${tenantPath}${sub}`);
    await check(page, `${tenantPath}${sub}`);
  }
  await page.goto("/account");
  await check(page, "/account");
  const link = await mailedLink(invitee, "invited you to", "/invite?token=");
  await page.goto(link);
  await check(page, "/invite");
});
