import { expect, type Browser, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";

export const PASSWORD = "correct horse battery";

/** An email no other test (or run) uses. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Undoes quoted-printable soft breaks and `=3D`, enough to read links. */
function decode(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
}

/**
 * Waits for the server's mail worker to write a mail to `to` whose subject
 * contains `subject`, and returns the first link in it that contains `linkPart`.
 */
export async function mailedLink(to: string, subject: string, linkPart: string): Promise<string> {
  const dir = process.env.PORTICO_E2E_MAIL_DIR!;
  let link: string | undefined;
  await expect
    .poll(
      () => {
        if (!fs.existsSync(dir)) return undefined;
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".eml"))) {
          const mail = decode(fs.readFileSync(path.join(dir, file), "utf8"));
          if (!mail.includes(`To: ${to}`) || !mail.includes(subject)) continue;
          const match = mail.match(new RegExp(`https?://[^\\s"<]*${linkPart.replace(/[?]/g, "\\?")}[^\\s"<]*`));
          if (match) link = match[0].replace(/&amp;/g, "&");
        }
        return link;
      },
      { message: `mail to ${to} about "${subject}"`, timeout: 15_000 },
    )
    .toBeTruthy();
  return link!;
}

/** Fills and submits the registration form; lands on the new tenant. */
export async function register(page: Page, email: string, tenant: string) {
  await page.goto("/register");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("First name").fill("Ada");
  await page.getByLabel("Last name").fill("Lovelace");
  await page.getByLabel("Tenant name").fill(tenant);
  await page.getByLabel("Project name").fill("Launch");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/t\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: tenant })).toBeVisible();
}

/** Waits for hydration when JavaScript is on, so clicks reach the app. */
export async function ready(page: Page, javaScriptEnabled: boolean) {
  if (javaScriptEnabled) await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** A manager with a confirmed email, signed in on `page`; returns the tenant path. */
export async function confirmedManager(
  page: Page,
  js: boolean,
  tenant: string,
  email = uniqueEmail(js ? "mgr-js" : "mgr-nojs"),
): Promise<string> {
  await register(page, email, tenant);
  const tenantPath = new URL(page.url()).pathname;
  const link = await mailedLink(email, "Confirm your email address", "/verify-email?token=");
  await page.goto(link);
  await ready(page, js);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  return tenantPath;
}

export async function sendInvite(page: Page, js: boolean, tenantPath: string, email: string, message = "") {
  await page.goto(`${tenantPath}/invites`);
  await ready(page, js);
  const form = page.getByRole("region", { name: "Invite someone" });
  await form.getByLabel("Email").fill(email);
  await form.getByRole("radio", { name: "Viewer", exact: true }).check();
  if (message) await form.getByLabel("Message").fill(message);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
}

/** The invitee follows the mailed link and creates an account. */
export async function acceptAsNewPerson(page: Page, js: boolean, email: string) {
  const link = await mailedLink(email, "invited you to", "/invite?token=");
  await page.goto(link);
  await ready(page, js);
  await page.getByLabel("First name").fill("Bob");
  await page.getByLabel("Last name").fill("Builder");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page.getByText(/Your roles:/)).toBeVisible();
}

export async function newPage(browser: Browser, js: boolean) {
  const context = await browser.newContext({ javaScriptEnabled: js });
  return context.newPage();
}


/** Publishes a TXT record at the test DNS server (dns-server.js), as a
 * domain's owner would at their DNS host. */
export function publishTxt(name: string, value: string) {
  const dir = process.env.PORTICO_E2E_DNS_DIR!;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name.toLowerCase()), `${value}\n`);
}
