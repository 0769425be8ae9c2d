import { expect, test } from "@playwright/test";
import { PASSWORD, confirmedManager, mailedLink, newPage, ready, uniqueEmail } from "./support";

test("a manager creates a shareable link; a new person signs up with it, confirms the mailed address and is in", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  const tenantName = `Links Co ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenantName);

  await page.goto(`${tenantPath}/links`);
  await ready(page, js);
  const create = page.getByRole("region", { name: "Create a link" });
  await create.getByRole("spinbutton", { name: "Number of people who can join" }).fill("2");
  await create.getByRole("button", { name: "Create link" }).click();
  const shown = page.getByTestId("new-join-link");
  await expect(shown).toContainText("/join?code=");
  const url = (await shown.textContent())!;
  const links = page.getByRole("region", { name: "Links" });
  await expect(links.getByRole("cell", { name: "0 of 2" })).toBeVisible();
  // Shown once: a reload no longer has it.
  await page.reload();
  await ready(page, js);
  await expect(page.getByTestId("new-join-link")).toHaveCount(0);

  // The new person, in a browser of their own: the page changes nothing
  // until they post.
  const newcomer = await newPage(browser, js);
  await newcomer.goto(url);
  await ready(newcomer, js);
  await expect(newcomer.getByRole("heading", { name: `Join ${tenantName}` })).toBeVisible();
  const email = uniqueEmail(js ? "link-js" : "link-nojs");
  await newcomer.getByRole("textbox", { name: "Email" }).fill(email);
  await newcomer.getByRole("textbox", { name: "First name" }).fill("Lin");
  await newcomer.getByRole("textbox", { name: "Last name" }).fill("Kerr");
  await newcomer.getByLabel("Password").fill(PASSWORD);
  await newcomer.getByRole("button", { name: "Create account" }).click();
  await expect(newcomer.getByTestId("join-confirm")).toContainText(`We sent a confirmation link to ${email}`);

  // The mailed link confirms the address and completes the join.
  const verify = await mailedLink(email, "Confirm your email address", "/verify-email?token=");
  expect(new URL(verify).searchParams.get("join")).toBe(new URL(url).searchParams.get("code"));
  await newcomer.goto(verify);
  await ready(newcomer, js);
  await newcomer.getByRole("button", { name: "Confirm email address" }).click();
  await expect(newcomer).toHaveURL(new RegExp(`${tenantPath}\\?joined=1$`));
  await expect(newcomer.getByText(tenantName).first()).toBeVisible();

  // The manager sees the use and the new member.
  await page.goto(`${tenantPath}/links`);
  await ready(page, js);
  await expect(links.getByRole("cell", { name: "1 of 2" })).toBeVisible();
  await page.goto(`${tenantPath}/members`);
  await ready(page, js);
  await expect(page.getByRole("cell", { name: email })).toBeVisible();
  await newcomer.context().close();
});
