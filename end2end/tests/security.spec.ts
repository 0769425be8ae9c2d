import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, confirmedManager, mailedLink, ready, uniqueEmail } from "./support";

// SPEC §7: every page sends a strict Content-Security-Policy (a nonce for
// the inline hydration script, no inline styles, no framing), and the
// islands still hydrate under it. Chromium reports each violation as a
// `securitypolicyviolation` event; the spec collects them on every page.

async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy/i.test(msg.text())) seen.push(msg.text());
  });
  await page.exposeFunction("reportViolation", (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportViolation(v: string): void }).reportViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    );
  });
  return seen;
}

test("no page breaks its own Content-Security-Policy, and the islands hydrate under it", async ({
  page,
  javaScriptEnabled,
}) => {
  test.skip(!javaScriptEnabled, "a policy is about scripts: JavaScript on");
  const violations = await watchViolations(page);
  for (const path of ["/", "/login", "/register", "/forgot-password", "/invite?token=nope", "/join?code=nope"]) {
    const res = await page.goto(path);
    expect(res!.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await ready(page, true);
  }
  const tenantPath = await confirmedManager(page, true, `CSP Co ${Date.now()}`, uniqueEmail("csp"));
  for (const sub of ["", "/members", "/invites", "/domains", "/links", "/organisations", "/projects", "/audit", "/webhooks"]) {
    await page.goto(`${tenantPath}${sub}`);
    await ready(page, true);
  }
  await page.goto("/account");
  await ready(page, true);
  // An island at work under the policy: the invite form checks a field as
  // it is typed, before anything is posted.
  await page.goto(`${tenantPath}/invites`);
  await ready(page, true);
  await page.getByRole("region", { name: "Invite someone" }).getByLabel("Email").fill("not an email");
  await page.getByRole("region", { name: "Invite someone" }).getByLabel("Email").blur();
  await expect(page.getByRole("region", { name: "Invite someone" }).locator("#field-email-error")).not.toBeEmpty();
  await page.goto("/api/docs/");
  await expect(page.locator("#swagger-ui")).toBeVisible();
  expect(violations).toEqual([]);
});

test("a squatter's password does not survive the owner's confirmation from another browser", async ({
  page,
  javaScriptEnabled,
  request,
}) => {
  const email = uniqueEmail(javaScriptEnabled ? "squat-js" : "squat-nojs");
  const signup = await request.post("/api/v1/auth/signup", {
    data: { email, password: PASSWORD, firstName: "Mal", lastName: "Lory" },
  });
  expect(signup.status()).toBe(201);
  // The owner opens the genuine mail in their own browser.
  const link = await mailedLink(email, "Confirm your email address", "/verify-email?token=");
  await page.goto(link);
  await ready(page, javaScriptEnabled);
  await expect(page.getByTestId("new-password-needed")).toBeVisible();
  await page.getByLabel("New password").fill("the owner's own words");
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await expect(page.getByText("Your email address is confirmed.")).toBeVisible();
  await page.goto("/account");
  await expect(page.getByText(`${email} (confirmed)`)).toBeVisible();
  // The squatter's password no longer signs in.
  const squatter = await request.post("/api/v1/auth/token", { data: { email, password: PASSWORD } });
  expect(squatter.status()).toBe(401);
});
