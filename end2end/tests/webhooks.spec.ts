import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { Webhook } from "standardwebhooks";
import { confirmedManager, ready, sendInvite, uniqueEmail } from "./support";

type Received = { path: string; headers: Record<string, string>; body: string };

/** The requests hook-receiver.js got on `hookPath`. */
function receivedOn(hookPath: string): Received[] {
  const dir = process.env.PORTICO_E2E_HOOK_DIR!;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Received)
    .filter((r) => r.path === hookPath);
}

test("a manager adds an endpoint, sees its secret once, invites someone, sees the delivery and retries it", async ({
  page,
  javaScriptEnabled: js,
}) => {
  const tenantPath = await confirmedManager(page, js, `Hooks Co ${Date.now()} ${js}`);
  const hookPath = `/hooks/${js ? "js" : "nojs"}-${Date.now()}`;
  const url = `${process.env.PORTICO_E2E_HOOK_ORIGIN}${hookPath}`;

  await page.goto(`${tenantPath}/webhooks`);
  await ready(page, js);
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  const form = page.getByRole("region", { name: "Add an endpoint" });
  await form.getByLabel("Endpoint URL").fill(url);
  await form.getByLabel("Description").fill("CRM <sync>");
  await form.getByRole("checkbox", { name: "invite.created" }).check();
  await form.getByRole("button", { name: "Add endpoint" }).click();

  // The secret, once.
  const shown = page.getByTestId("new-webhook-secret");
  await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/=]{20,}$/);
  const secret = (await shown.textContent())!.trim();
  const endpoints = page.getByRole("region", { name: "Endpoints" });
  await expect(endpoints.locator("code", { hasText: url })).toBeVisible();
  await expect(page.getByText("CRM <sync>")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("new-webhook-secret")).toHaveCount(0);

  // An invitation becomes an invite.created event at the receiver, signed.
  const invitee = uniqueEmail(js ? "hooked-js" : "hooked-nojs");
  await sendInvite(page, js, tenantPath, invitee);
  await expect.poll(() => receivedOn(hookPath).length, { message: "webhook received" }).toBe(1);
  const [first] = receivedOn(hookPath);
  const event = new Webhook(secret.replace(/^whsec_/, "")).verify(first.body, first.headers) as any;
  expect(event.type).toBe("invite.created");
  expect(event.data.invite.email).toBe(invitee);

  // The delivery log shows it; "Retry" sends it again under the same id.
  await page.goto(`${tenantPath}/webhooks`);
  await ready(page, js);
  await page.getByRole("link", { name: `Delivery log of ${url}` }).click();
  const row = page.getByTestId("delivery").first();
  await expect(row).toContainText("invite.created");
  await expect(row).toContainText("Delivered");
  await expect(row).toContainText("204");
  await row.getByRole("button", { name: /^Retry invite.created/ }).click();
  await expect(page.getByText("The delivery is due again")).toBeVisible();
  await expect.poll(() => receivedOn(hookPath).length, { message: "retried webhook received" }).toBe(2);
  const ids = new Set(receivedOn(hookPath).map((r) => r.headers["webhook-id"]));
  expect(ids.size).toBe(1);
  await page.reload();
  await expect(page.getByTestId("delivery").first()).toContainText(/Delivered\s*2/);

  // Disable, then delete with a confirmation step.
  await page.getByRole("button", { name: `Disable ${url}` }).click();
  await expect(page.getByRole("cell", { name: "Disabled", exact: true })).toBeVisible();
  await page.getByRole("link", { name: `Delete ${url}` }).click();
  await page.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page.getByText("The endpoint is deleted.")).toBeVisible();
  await expect(page.locator("code", { hasText: url })).toHaveCount(0);
});

test("a cloud metadata address is refused with the reason", async ({ page, javaScriptEnabled: js }) => {
  const tenantPath = await confirmedManager(page, js, `Hooks Refused ${Date.now()} ${js}`);
  await page.goto(`${tenantPath}/webhooks`);
  await ready(page, js);
  const form = page.getByRole("region", { name: "Add an endpoint" });
  await form.getByLabel("Endpoint URL").fill("https://169.254.169.254/latest/meta-data/");
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText(/Use a domain name/)).toBeVisible();
  await expect(page.getByRole("region", { name: "Endpoints" }).locator("code", { hasText: "169.254" })).toHaveCount(0);
});
