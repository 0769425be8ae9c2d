import { expect, test } from "@playwright/test";
import { confirmedManager, mailedLink, newPage, publishTxt, ready } from "./support";

test("a domain on requests: a colleague asks, a manager approves with other roles, the colleague is a member and mailed", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  const domain = `r${Date.now()}${js ? "on" : "off"}.test`;
  const tenantName = `Requests Co ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenantName, `ada@${domain}`);

  // The domain, proven by DNS, on "requests".
  await page.goto(`${tenantPath}/domains`);
  await ready(page, js);
  await page.getByRole("region", { name: "Add a domain" }).getByRole("button", { name: "Add domain" }).click();
  const entry = page.getByRole("region", { name: domain });
  const proof = entry.getByTestId("domain-proof");
  publishTxt(await proof.locator("dd code").nth(0).innerText(), await proof.locator("dd code").nth(1).innerText());
  await proof.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("region", { name: domain }).getByTestId("domain-proof")).toContainText("Proven by DNS on");
  await entry.getByText("People at this domain ask to join").click();
  await entry.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("region", { name: domain }).getByTestId("domain-policy")).toContainText("Join requests");

  // A colleague at the domain asks, with a message.
  const colleague = await newPage(browser, js);
  await confirmedManager(colleague, js, `Own ${Date.now()} ${js}`, `bo@${domain}`);
  await colleague.goto("/account");
  await ready(colleague, js);
  await colleague.getByLabel("Message (optional)").fill("Bo from the Berlin office");
  await colleague.getByRole("button", { name: `Ask to join ${tenantName}` }).click();
  await expect(colleague.getByText("Your request is sent.")).toBeVisible();
  await expect(colleague.getByTestId("request-pending")).toBeVisible();

  // The manager is mailed, and approves as Viewer instead of Member.
  const digest = await mailedLink(`ada@${domain}`, "People ask to join", "/requests");
  await page.goto(digest);
  await ready(page, js);
  const request = page.getByRole("region", { name: `bo@${domain}` });
  await expect(request.getByTestId("request-message")).toHaveText("Bo from the Berlin office");
  await expect(request.getByRole("radio", { name: "Member", exact: true })).toBeChecked();
  await request.getByRole("radio", { name: "Viewer", exact: true }).check();
  await request.getByRole("button", { name: /^Approve/ }).click();
  await expect(page.getByText("Approved: they are a member now.")).toBeVisible();
  await expect(page.getByTestId("no-requests")).toBeVisible();

  const welcome = await mailedLink(`bo@${domain}`, "You have joined", tenantPath);
  await colleague.goto(welcome);
  await expect(colleague.getByRole("heading", { level: 1, name: tenantName })).toBeVisible();
  await expect(colleague.getByText("Your roles: Viewer")).toBeVisible();
  await colleague.context().close();

  await page.goto(`${tenantPath}/members`);
  const row = page.getByRole("row").filter({ hasText: `bo@${domain}` });
  await expect(row.getByRole("cell").nth(2)).toHaveText("Viewer");
});
