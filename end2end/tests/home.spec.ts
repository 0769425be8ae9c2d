import { expect, test } from "@playwright/test";

test.describe("home page", () => {
  test("routes a visitor: sign in, create an account, or an invitation; no instance figures", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Bring people into your product" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    const routes = page.getByTestId("home-routes");
    await expect(routes.getByRole("heading", { name: "I have an invitation" })).toBeVisible();
    await expect(page.getByTestId("home-stats")).toHaveCount(0);
    await routes.getByRole("link", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/register$/);
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
