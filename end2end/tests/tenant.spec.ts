import { expect, test } from "@playwright/test";
import {
  acceptAsNewPerson,
  confirmedManager,
  mailedLink,
  newPage,
  ready,
  sendInvite,
  uniqueEmail,
} from "./support";


test("a manager invites, the member appears, changes role, disables; audit and funnel show it", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  const tenantPath = await confirmedManager(page, js, `Walk ${Date.now()} ${js}`);
  await page.goto(tenantPath);
  await expect(page.getByRole("navigation", { name: "Tenant" }).getByRole("link", { name: "Members" })).toBeVisible();
  await expect(page.getByText("0 invitations sent in the last 8 weeks.")).toBeVisible();
  // A new tenant shows its first step until someone is invited.
  await expect(page.getByRole("heading", { name: "Invite your first teammate" })).toBeVisible();

  const invitee = uniqueEmail("walk");
  await sendInvite(page, js, tenantPath, invitee);
  const bob = await newPage(browser, js);
  await acceptAsNewPerson(bob, js, invitee);
  await bob.context().close();

  await page.goto(`${tenantPath}/members`);
  const row = page.getByRole("row").filter({ hasText: invitee });
  await expect(row).toContainText("Active");
  await ready(page, js);
  await page.getByRole("link", { name: "Manage Bob Builder" }).click();
  await expect(page.getByRole("heading", { name: "Manage Bob Builder" })).toBeVisible();
  await ready(page, js);
  // One level per scope: each choice with its name and what it allows.
  await expect(page.getByRole("radio", { name: "Member", exact: true })).toHaveAccessibleDescription(
    "Can see the tenant and work in projects.",
  );
  // Invited as Viewer: choosing Member replaces it (never both).
  await expect(page.getByRole("radio", { name: "Viewer", exact: true })).toBeChecked();
  await page.getByRole("radio", { name: "Member", exact: true }).check();
  await expect(page.getByRole("radio", { name: "Viewer", exact: true })).not.toBeChecked();
  await page.getByRole("button", { name: "Save roles" }).click();
  await expect(page.getByText("Roles saved.")).toBeVisible();
  // Roles by name (the API keeps the catalogue strings).
  await expect(page.getByRole("row").filter({ hasText: invitee }).getByRole("cell").nth(2)).toHaveText("Member");

  await page.getByRole("link", { name: "Manage Bob Builder" }).click();
  await ready(page, js);
  await page.getByRole("link", { name: "Disable" }).click();
  await ready(page, js);
  await page.getByRole("button", { name: "Yes, disable" }).click();
  await expect(page.getByText("Member disabled.")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: invitee })).toContainText("Disabled");

  await page.goto(`${tenantPath}/audit`);
  const audit = page.getByTestId("audit-table");
  await expect(audit.getByRole("row").filter({ hasText: "member.disabled" })).toContainText(invitee);
  await expect(audit.getByRole("row").filter({ hasText: "member.roles_changed" })).toContainText(invitee);
  await expect(audit.getByRole("row").filter({ hasText: "invite.accepted" })).toContainText(invitee);

  await page.goto(tenantPath);
  await expect(page.getByText("1 invitation sent in the last 8 weeks.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Invite your first teammate" })).toHaveCount(0);
  const thisWeek = page.getByTestId("funnel-table").getByRole("row").last();
  await expect(thisWeek.getByRole("cell").nth(0)).toHaveText("1");
  await expect(thisWeek.getByRole("cell").nth(1)).toHaveText("1");
  await expect(page.getByTestId("members-by-status")).toContainText("Disabled1");
});

test("a person in two tenants switches between them", async ({ page, browser, javaScriptEnabled: js }) => {
  const person = uniqueEmail("two");
  const first = `First ${Date.now()} ${js}`;
  const second = `Second ${Date.now()} ${js}`;
  const firstPath = await confirmedManager(page, js, first, person);

  const other = await newPage(browser, js);
  const secondPath = await confirmedManager(other, js, second);
  await sendInvite(other, js, secondPath, person);
  await other.context().close();

  const link = await mailedLink(person, `to ${second}`, "/invite?token=");
  await page.goto(link);
  await ready(page, js);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(new RegExp(`${secondPath}$`));

  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: first }).click();
  await expect(page).toHaveURL(new RegExp(`${firstPath}$`));
  await expect(page.getByRole("heading", { level: 1, name: first })).toBeVisible();
  await nav.getByRole("link", { name: second }).click();
  await expect(page).toHaveURL(new RegExp(`${secondPath}$`));
  await expect(page.getByRole("heading", { level: 1, name: second })).toBeVisible();
});
