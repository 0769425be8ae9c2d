import { expect, test } from "@playwright/test";
import { PASSWORD, confirmedManager, mailedLink, newPage, ready, sendInvite, uniqueEmail } from "./support";

test("a manager invites; the invitee follows the mailed link, creates an account and lands in the tenant", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  const tenant = `Invite Co ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenant);
  const invitee = uniqueEmail(js ? "bob-js" : "bob-nojs");
  await sendInvite(page, js, tenantPath, invitee, "<script>alert(1)</script> Welcome aboard!");
  await expect(page.getByRole("cell", { name: invitee, exact: true })).toBeVisible();

  const link = await mailedLink(invitee, "invited you to", "/invite?token=");
  const bob = await newPage(browser, js);
  let alerted = false;
  bob.on("dialog", async (d) => {
    alerted = true;
    await d.dismiss();
  });
  await bob.goto(link);
  await ready(bob, js);
  await expect(bob.getByRole("heading", { name: `Join ${tenant}` })).toBeVisible();
  await expect(bob.getByTestId("invite-message")).toHaveText("<script>alert(1)</script> Welcome aboard!");
  // Roles by name with what they allow; the expiry relative, exact on hover.
  await expect(bob.getByText("Viewer — can see the tenant's members, projects and invitations")).toBeVisible();
  // One tenant level: Viewer replaced the preselected Member.
  await expect(bob.getByText("Member — can see the tenant and work in projects")).toHaveCount(0);
  const expires = bob.locator(".invite-facts time");
  await expect(expires).toHaveText(/^in [67] days$/);
  // UTC from the server; with JavaScript, in the reader's time zone.
  if (js) await expect(expires).toHaveAttribute("title", /^(?!.*UTC$).*\d{4}.*$/);
  else await expect(expires).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await bob.getByLabel("First name").fill("Bob");
  await bob.getByLabel("Last name").fill("Builder");
  await bob.getByLabel("Password").fill(PASSWORD);
  await bob.getByRole("button", { name: "Accept invitation" }).click();
  await expect(bob).toHaveURL(new RegExp(`${tenantPath}$`));
  await expect(bob.getByText(/Your roles: .*Viewer/)).toBeVisible();
  expect(alerted).toBe(false);

  // The manager sees the invitation as accepted.
  await page.goto(`${tenantPath}/invites?status=accepted`);
  await expect(page.getByRole("cell", { name: invitee, exact: true })).toBeVisible();
  await bob.context().close();
});

test("a signed-in wrong account sees the mismatch and the invitation stays usable", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  const tenantPath = await confirmedManager(page, js, `Mismatch ${Date.now()} ${js}`);
  const invitee = uniqueEmail("carol");
  await sendInvite(page, js, tenantPath, invitee);
  const link = await mailedLink(invitee, "invited you to", "/invite?token=");

  // The manager (signed in as someone else) opens the link.
  await page.goto(link);
  await expect(page.getByText(`This invitation is for ${invitee}, but you are signed in as`)).toBeVisible();
  await ready(page, js);
  await page.getByRole("main").getByRole("button", { name: "Sign out and continue" }).click();
  // Back on the invitation, signed out: it is still pending.
  await expect(page.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  const carol = await newPage(browser, js);
  await carol.goto(link);
  await expect(carol.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  await carol.context().close();
});

test("bulk invitations are checked row by row before anything is sent", async ({ page, javaScriptEnabled: js }) => {
  const tenantPath = await confirmedManager(page, js, `Bulk ${Date.now()} ${js}`);
  await page.goto(`${tenantPath}/invites`);
  await ready(page, js);
  const bulk = page.getByRole("region", { name: "Invite many people" });
  const good = uniqueEmail("bulk1");
  const good2 = uniqueEmail("bulk2");
  await bulk.getByLabel("Email addresses").fill(`${good}\nnot-an-email\n${good2}`);
  await bulk.getByRole("button", { name: "Send invitations" }).click();
  await expect(page.locator("#bulk-emails-error")).toContainText("Row 2 (not-an-email)");
  await page.goto(`${tenantPath}/invites`);
  await expect(page.getByRole("cell", { name: good, exact: true })).toHaveCount(0);
  await ready(page, js);
  await bulk.getByLabel("Email addresses").fill(`${good}\n${good2}`);
  await bulk.getByRole("button", { name: "Send invitations" }).click();
  // The form posts and the server sends the browser back to this page,
  // which shows what each row did, once.
  const results = page.getByRole("list", { name: "Bulk results" });
  await expect(results).toContainText(`${good}: Invitation sent.`);
  await expect(results).toContainText(`${good2}: Invitation sent.`);
  await page.goto(`${tenantPath}/invites`);
  await expect(page.getByRole("cell", { name: good, exact: true })).toBeVisible();
  await expect(page.getByRole("cell", { name: good2, exact: true })).toBeVisible();
  // Each row says when it expires; the filters include "Expiring soon".
  await expect(page.getByRole("row").filter({ hasText: good }).getByRole("cell").nth(3)).toHaveText("in 7 days");
  await page.getByRole("navigation", { name: "Filter by status" }).getByRole("link", { name: "Expiring soon" }).click();
  await expect(page).toHaveURL(/status=expiring/);
  await expect(page.getByRole("cell", { name: good, exact: true })).toHaveCount(0);
});

test("Copy link shows a fresh link once; the mailed link stops working", async ({ page, browser, javaScriptEnabled: js }) => {
  const tenant = `Copy Co ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenant);
  const invitee = uniqueEmail("copy");
  await sendInvite(page, js, tenantPath, invitee);
  const mailed = await mailedLink(invitee, "invited you to", "/invite?token=");

  await page.getByRole("button", { name: `Copy link for ${invitee}` }).click();
  const shown = page.getByTestId("invite-link");
  await expect(shown).toContainText("/invite?token=");
  const fresh = (await shown.textContent())!;
  // The clipboard button is there only when it can work.
  const copyButton = page.getByRole("button", { name: "Copy to clipboard" });
  if (js) await expect(copyButton).toBeVisible();
  else await expect(copyButton).toBeHidden();

  const visitor = await newPage(browser, js);
  await visitor.goto(mailed);
  await expect(visitor.getByRole("heading", { name: /Invitation (link replaced|not found)/ })).toBeVisible();
  await visitor.goto(fresh);
  await expect(visitor.getByRole("heading", { name: `Join ${tenant}` })).toBeVisible();
  await visitor.context().close();

  // Shown once: the link is not kept for later visits.
  await page.goto(`${tenantPath}/invites`);
  await expect(page.getByTestId("invite-link")).toHaveCount(0);
});

test("a field is checked in the browser as soon as it changes", async ({ page, javaScriptEnabled: js }) => {
  test.skip(!js, "without JavaScript the server checks the field on submit (accounts.spec.ts)");
  await page.goto("/register");
  await ready(page, js);
  const email = page.getByLabel("Email", { exact: true });
  await email.fill("not-an-email");
  await email.blur();
  await expect(page.locator("#field-email-error")).toHaveText("Enter an email address like name@example.com.");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await email.fill("ada@example.com");
  await email.blur();
  await expect(page.locator("#field-email-error")).toHaveText("");
});
