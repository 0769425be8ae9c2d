import { expect, test } from "@playwright/test";
import { confirmedManager, newPage, publishTxt, ready } from "./support";

test("a manager puts their domain on automatic joining; a colleague at it joins from their account page", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  // A domain of this run only, so no other test's people see the tenant.
  const domain = `d${Date.now()}${js ? "on" : "off"}.test`;
  const tenantName = `Domains Co ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenantName, `ada@${domain}`);

  await page.goto(`${tenantPath}/domains`);
  await ready(page, js);
  const add = page.getByRole("region", { name: "Add a domain" });
  // Prefilled with the manager's own domain; a public one is refused with the reason.
  await expect(add.getByRole("textbox", { name: "Domain" })).toHaveValue(domain);
  await add.getByRole("textbox", { name: "Domain" }).fill("gmail.com");
  await add.getByRole("button", { name: "Add domain" }).click();
  await expect(page.getByText("gmail.com is a public mail provider")).toBeVisible();
  await page.goto(`${tenantPath}/domains`);
  await ready(page, js);
  await page.getByRole("region", { name: "Add a domain" }).getByRole("button", { name: "Add domain" }).click();
  const entry = page.getByRole("region", { name: domain });
  await expect(entry.getByTestId("domain-policy")).toHaveText("Automatic joining: off.");

  // Automatic joining needs the DNS proof: refused before, the page shows
  // the TXT record; published at the DNS server, "Verify" proves it.
  await entry.getByText("Everyone with a confirmed address at this domain").click();
  await entry.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(`Prove ${domain} first`)).toBeVisible();
  await page.goto(`${tenantPath}/domains`);
  await ready(page, js);
  const proof = entry.getByTestId("domain-proof");
  const name = await proof.locator("dd code").nth(0).innerText();
  const value = await proof.locator("dd code").nth(1).innerText();
  expect(name).toBe(`_portico-challenge.${domain}`);
  publishTxt(name, value);
  await proof.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("region", { name: domain }).getByTestId("domain-proof")).toContainText("Proven by DNS on");

  // A colleague at the domain sees nothing while it is off.
  const colleague = await newPage(browser, js);
  await confirmedManager(colleague, js, `Own ${Date.now()} ${js}`, `bo@${domain}`);
  await colleague.goto("/account");
  await ready(colleague, js);
  await expect(colleague.getByRole("heading", { name: "Tenants you can join" })).toHaveCount(0);

  await entry.getByText("Everyone with a confirmed address at this domain").click();
  await entry.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("region", { name: domain }).getByTestId("domain-policy")).toHaveText(
    "Automatic joining: on, as Member.",
  );

  await colleague.goto("/account");
  await ready(colleague, js);
  await expect(colleague.getByRole("heading", { name: "Tenants you can join" })).toBeVisible();
  await colleague.getByRole("button", { name: `Join ${tenantName}` }).click();
  await expect(colleague).toHaveURL(new RegExp(`${tenantPath}\\?joined=1$`));
  await page.goto(`${tenantPath}/members`);
  await ready(page, js);
  await expect(page.getByRole("cell", { name: `bo@${domain}` })).toBeVisible();
  await colleague.context().close();
});
