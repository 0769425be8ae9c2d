import { expect, test } from "@playwright/test";
import { acceptAsNewPerson, confirmedManager, mailedLink, newPage, ready, sendInvite, uniqueEmail } from "./support";

test("the owner hands the tenant to a member, who accepts the mailed link; the former owner stays a manager", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  const ownerEmail = uniqueEmail(js ? "owner-js" : "owner-nojs");
  const tenantPath = await confirmedManager(page, js, `Owned ${Date.now()} ${js}`, ownerEmail);
  await page.goto(tenantPath);
  await expect(page.getByTestId("owner")).toContainText(ownerEmail);

  const heir = uniqueEmail("heir");
  await sendInvite(page, js, tenantPath, heir);
  const bob = await newPage(browser, js);
  await acceptAsNewPerson(bob, js, heir);

  // The owner's own row offers the transfer; the owner is marked.
  await page.goto(`${tenantPath}/members`);
  await ready(page, js);
  const ownRow = page.getByRole("row").filter({ hasText: ownerEmail });
  await expect(ownRow.getByTestId("owner-badge")).toBeVisible();
  await ownRow.getByRole("link", { name: "Transfer ownership" }).click();
  await ready(page, js);
  const panel = page.getByRole("region", { name: "Transfer ownership" });
  await panel.getByLabel("Email of the new owner").fill(heir);
  await panel.getByRole("button", { name: "Send transfer request" }).click();
  await expect(page.getByTestId("pending-transfer")).toContainText(heir);

  // Bob answers the mail, signed in as himself.
  const link = await mailedLink(heir, "Become the owner", "/ownership?token=");
  await bob.goto(link);
  await ready(bob, js);
  await bob.getByRole("button", { name: "Accept ownership" }).click();
  await expect(bob.getByText("You are now the owner of this tenant.")).toBeVisible();
  await expect(bob.getByTestId("owner")).toContainText(heir);
  // The link is spent.
  await bob.goto(link);
  await expect(bob.getByTestId("transfer-gone")).toBeVisible();
  await bob.context().close();

  await page.goto(`${tenantPath}/members`);
  await ready(page, js);
  const formerRow = page.getByRole("row").filter({ hasText: ownerEmail });
  await expect(formerRow.getByTestId("owner-badge")).toHaveCount(0);
  await expect(formerRow.getByRole("cell").nth(2)).toHaveText("Manager");
  await expect(formerRow.getByRole("link", { name: "Transfer ownership" })).toHaveCount(0);
  const heirRow = page.getByRole("row").filter({ hasText: heir });
  await expect(heirRow.getByTestId("owner-badge")).toBeVisible();
  await expect(heirRow.getByRole("cell").nth(2)).toHaveText("Manager");
});
