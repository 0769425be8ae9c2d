import { expect, test } from "@playwright/test";
import { PASSWORD, confirmedManager, mailedLink, ready, register, uniqueEmail } from "./support";

test("register, confirm the email by the mailed link, sign out, sign in, wrong password", async ({
  page,
  javaScriptEnabled,
}) => {
  const email = uniqueEmail(javaScriptEnabled ? "ada-js" : "ada-nojs");
  const tenant = `Acme ${Date.now()}`;

  await register(page, email, tenant);
  await expect(page.getByRole("button", { name: "Resend verification email" })).toBeVisible();

  const link = await mailedLink(email, "Confirm your email address", "/verify-email?token=");
  await page.goto(link);
  await ready(page, javaScriptEnabled);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();

  await page.goto("/account");
  await expect(page.getByText(`${email} (confirmed)`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Resend verification email" })).toHaveCount(0);

  await ready(page, javaScriptEnabled);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await ready(page, javaScriptEnabled);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill("not the right password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The email or password is incorrect.")).toBeVisible();

  await page.goto("/login");
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "My tenants" })).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: tenant })).toBeVisible();
});

test("a duplicate email is refused with a message on the Email field", async ({ page, browser, javaScriptEnabled }) => {
  const email = uniqueEmail("dup");
  await register(page, email, `First ${Date.now()}`);

  const other = await browser.newPage({ javaScriptEnabled });
  await other.goto("/register");
  await ready(other, javaScriptEnabled);
  await other.getByLabel("Email", { exact: true }).fill(email.toUpperCase());
  await other.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await other.getByLabel("First name").fill("Ada");
  await other.getByLabel("Last name").fill("Again");
  await other.getByLabel("Tenant name").fill("Second");
  await other.getByLabel("Project name").fill("P");
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(other.locator("#field-email-error")).toHaveText(/already exists/);
  await expect(other.getByLabel("Email", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await other.close();
});

test("forgot password answers the same for unknown emails", async ({ page, javaScriptEnabled }) => {
  await page.goto("/forgot-password");
  await ready(page, javaScriptEnabled);
  await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("nobody"));
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("If an account exists for that email")).toBeVisible();
});

test("a new API token is shown once, right after it is made, and works", async ({ page, javaScriptEnabled: js }) => {
  // Only a confirmed address may create tokens.
  await confirmedManager(page, js, `Tokens ${Date.now()} ${js}`);
  await page.goto("/account");
  await ready(page, js);
  await page.getByLabel("Token name").fill("CI");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/\S{20,}/);
  const token = (await shown.textContent())!;
  const me = await page.request.get("/api/v1/members", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  await page.goto("/account");
  await expect(page.getByRole("cell", { name: "CI", exact: true })).toBeVisible();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
});
