import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, confirmedManager, newPage, publishTxt, ready } from "./support";

// SSO (SPEC §11) against a real OpenID provider the run starts: idp.mjs,
// oidc-provider from npm with its development sign-in pages (any login
// and password; the login is the address it vouches for).
const idp = process.env.PORTICO_E2E_IDP_ORIGIN!;

/** Signs in at the provider's development pages as `login`, then consents. */
async function signInAtProvider(page: Page, login: string) {
  await expect(page).toHaveURL(new RegExp(`^${idp}/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a tenant signs its people in with its identity provider: discovery on /login, JIT membership, required, Test connection", async ({
  page,
  browser,
  baseURL,
  javaScriptEnabled: js,
}) => {
  const domain = `sso${Date.now()}${js ? "on" : "off"}.test`;
  const tenantName = `SSO Co ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenantName, `ada@${domain}`);

  // The domain, proven by DNS.
  await page.goto(`${tenantPath}/domains`);
  await ready(page, js);
  await page.getByRole("region", { name: "Add a domain" }).getByRole("button", { name: "Add domain" }).click();
  const proof = page.getByRole("region", { name: domain }).getByTestId("domain-proof");
  publishTxt(await proof.locator("dd code").nth(0).innerText(), await proof.locator("dd code").nth(1).innerText());
  await proof.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("region", { name: domain }).getByTestId("domain-proof")).toContainText("Proven by DNS on");

  // The connection: the redirect URI to register, then the provider's details.
  await page.goto(`${tenantPath}/sso`);
  await ready(page, js);
  await expect(page.getByTestId("sso-redirect-uri")).toHaveText(`${baseURL}/sso/callback`);
  const form = page.getByRole("region", { name: "Connect an identity provider" });
  await form.getByLabel("Issuer URL").fill(idp);
  await form.getByLabel("Client ID").fill(process.env.PORTICO_E2E_IDP_CLIENT_ID!);
  await form.getByLabel("Client secret").fill(process.env.PORTICO_E2E_IDP_CLIENT_SECRET!);
  await form.getByRole("checkbox", { name: domain }).check();
  await form.getByRole("radio", { name: "Viewer", exact: true }).check();
  await form.getByRole("checkbox", { name: /^Required/ }).check();
  await form.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByTestId("sso-connection")).toContainText(`domains ${domain}`);
  await expect(page.getByTestId("sso-connection")).toContainText("passwords refused (required)");

  // Test connection: the whole flow, the claims shown, nobody admitted.
  await page.getByRole("link", { name: "Test connection" }).click();
  await signInAtProvider(page, `tester@${domain}`);
  await expect(page).toHaveURL(new RegExp(`${tenantPath}/sso\\?tested=`));
  await expect(page.getByTestId("sso-test-result")).toContainText(`tester@${domain}`);
  await expect(page.getByTestId("sso-test-result")).toContainText("yes");

  // Home-realm discovery: someone at the domain enters their address on
  // /login and is sent to the provider; back, they are a member with the
  // connection's roles.
  const person = await newPage(browser, js);
  await person.goto("/login");
  await ready(person, js);
  await person.getByLabel("Email").fill(`cy@${domain}`);
  await person.getByRole("button", { name: "Sign in" }).click();
  await expect(person.locator('input[name="login"]')).toHaveValue(`cy@${domain}`);
  await signInAtProvider(person, `cy@${domain}`);
  await expect(person).toHaveURL(new RegExp(`${tenantPath}$`));
  await page.goto(`${tenantPath}/members`);
  await ready(page, js);
  const row = page.getByRole("row", { name: new RegExp(`cy@${domain}`) });
  await expect(row).toContainText("Viewer");
  await person.context().close();

  // Required: the manager's own password no longer signs in; the form
  // sends them to the provider instead.
  const again = await newPage(browser, js);
  await again.goto("/login");
  await ready(again, js);
  await again.getByLabel("Email").fill(`ada@${domain}`);
  await again.getByLabel("Password").fill(PASSWORD);
  await again.getByRole("button", { name: "Sign in" }).click();
  await expect(again).toHaveURL(new RegExp(`^${idp}/`));
  await again.context().close();
});
