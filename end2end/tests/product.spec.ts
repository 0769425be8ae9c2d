import { expect, test } from "@playwright/test";
import { PASSWORD, confirmedManager, mailedLink, newPage, ready, uniqueEmail } from "./support";

// Sign in with Portico (SPEC §10), end to end: the product beside the
// server (product.mjs, openid-client 6) is the invitation's redirect_url.
const product = process.env.PORTICO_E2E_PRODUCT_ORIGIN!;

test("a new invitee creates an account, accepts, lands in the product signed in, and signs out through Portico", async ({
  page,
  browser,
  baseURL,
  javaScriptEnabled: js,
}) => {
  const tenant = `Product Co ${Date.now()} ${js}`;
  const managerEmail = uniqueEmail(js ? "pm-js" : "pm-nojs");
  const tenantPath = await confirmedManager(page, js, tenant, managerEmail);
  const tenantId = Number(tenantPath.split("/")[2]);

  // The manager's product invites through the API, naming where to land.
  const tokenRes = await fetch(`${baseURL}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: managerEmail, password: PASSWORD }),
  });
  expect(tokenRes.status).toBe(200);
  const { accessToken } = await tokenRes.json();
  const invitee = uniqueEmail(js ? "pi-js" : "pi-nojs");
  const inviteRes = await fetch(`${baseURL}/auth/invite?workspaceId=${tenantId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ email: invitee, role: "extractor-viewer", redirect_url: `${product}/` }),
  });
  expect(inviteRes.status, await inviteRes.clone().text()).toBeLessThan(300);

  const link = await mailedLink(invitee, "invited you to", "/invite?token=");
  const bob = await newPage(browser, js);
  await bob.goto(link);
  await ready(bob, js);
  await bob.getByLabel("First name").fill("Bob");
  await bob.getByLabel("Last name").fill("Builder");
  await bob.getByLabel("Password").fill(PASSWORD);
  await bob.getByRole("button", { name: "Accept invitation" }).click();

  // In the product, signed in without a second password prompt; what it
  // shows it read from the ID token openid-client verified.
  await expect(bob).toHaveURL(`${product}/`);
  await expect(bob.getByTestId("email")).toHaveText(`Signed in as ${invitee}`);
  await expect(bob.getByTestId("tenant")).toHaveText(`tenant_id: ${tenantId} (${tenant})`);
  await expect(bob.getByTestId("roles")).toHaveText("roles: extractor-viewer");

  // Signing out of the product ends the Portico session too.
  await bob.getByRole("link", { name: "Sign out" }).click();
  await expect(bob).toHaveURL(`${product}/signed-out`);
  await expect(bob.getByRole("heading", { name: "You are signed out of the product" })).toBeVisible();
  // Coming back to the product now asks Portico's sign-in: the Portico
  // session ended too.
  await bob.goto(`${product}/`);
  await expect(bob).toHaveURL(/\/login\?next=/);
  await bob.context().close();
});
