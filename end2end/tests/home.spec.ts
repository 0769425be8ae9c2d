import { expect, test } from "@playwright/test";

test.describe("home page", () => {
  test("is rendered on the server with live numbers", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Bring people into your product" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    const stats = page.getByTestId("home-stats");
    await expect(stats.getByText("Tenants")).toBeVisible();
    await expect(stats.getByRole("definition").first()).toHaveText(/^\d+$/);
  });

  test("runs a server function from a button once hydrated", async ({ page, javaScriptEnabled }) => {
    test.skip(!javaScriptEnabled, "the button needs the hydrated app");
    await page.goto("/");
    // The WASM bundle attaches the click handler; wait for it to load.
    await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
    const status = page.getByRole("status");
    await expect(status).toHaveText("Not checked yet.");
    await page.getByRole("button", { name: "Check server status" }).click();
    await expect(status).toHaveText(/Server .* is up; database reachable\. Checks run: 1\./);
    await page.getByRole("button", { name: "Check server status" }).click();
    await expect(status).toHaveText(/Checks run: 2\./);
  });

  test("answers unknown pages with the not-found page and status 404", async ({ page }) => {
    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  });
});
