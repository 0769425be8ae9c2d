import { type Browser, type BrowserContext, type Page } from "@playwright/test";
import { confirmedManager, mailedLink, newPage, sendInvite, uniqueEmail } from "./support";

// Bytes on the wire per page (HTML + CSS + JS + WASM, compressed as sent,
// headers included) on a cold cache, as Chromium's network stack counts them
// (CDP `encodedDataLength`), and what a repeat visit to the same page
// transfers for static assets (/pkg). Used by `bench/page-weight` (the table)
// and by budget.spec.ts (the limits).

export type Weight = { page: string; total: number; html: number; css: number; js: number; wasm: number; other: number; repeatStatic: number };

function kind(url: string, mime: string): keyof Omit<Weight, "page" | "total" | "repeatStatic"> {
  if (url.endsWith(".wasm") || mime === "application/wasm") return "wasm";
  if (url.endsWith(".css") || mime === "text/css") return "css";
  if (url.endsWith(".js") || mime.includes("javascript")) return "js";
  if (mime.startsWith("text/html")) return "html";
  return "other";
}

/** Loads `path` in `page` and sums what crossed the network, by kind. */
async function measure(context: BrowserContext, page: Page, path: string) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  // Nothing from Chromium's own caches, as a first visit.
  const responses = new Map<string, { url: string; mime: string }>();
  const sums = { html: 0, css: 0, js: 0, wasm: 0, other: 0, pkg: 0 };
  cdp.on("Network.responseReceived", (e) => responses.set(e.requestId, { url: e.response.url, mime: e.response.mimeType }));
  cdp.on("Network.loadingFinished", (e) => {
    const r = responses.get(e.requestId);
    if (!r) return;
    sums[kind(r.url, r.mime)] += e.encodedDataLength;
    if (new URL(r.url).pathname.startsWith("/pkg/")) sums.pkg += e.encodedDataLength;
  });
  await page.goto(path);
  await page.locator("body[data-hydrated=true]").waitFor();
  await page.waitForLoadState("networkidle");
  await cdp.detach();
  return sums;
}

/** Sets up a tenant with one invitation and weighs the pages of issue 10. */
export async function weighPages(browser: Browser): Promise<Weight[]> {
  // A manager with a tenant and one invitation, made with JavaScript off so
  // nothing is cached before the measurement.
  const setup = await newPage(browser, false);
  const tenantPath = await confirmedManager(setup, false, "Weighed Ltd");
  const invitee = uniqueEmail("weighed");
  await sendInvite(setup, false, tenantPath, invitee);
  const inviteLink = new URL(await mailedLink(invitee, "invited you", "/invite?token="));
  const cookies = await setup.context().cookies();
  await setup.context().close();

  const pages: [string, string, boolean][] = [
    ["/invite?token=…", inviteLink.pathname + inviteLink.search, false],
    ["/register", "/register", false],
    ["/login", "/login", false],
    ["/t/{id}", tenantPath, true],
    ["/t/{id}/members", `${tenantPath}/members`, true],
    ["/t/{id}/invites", `${tenantPath}/invites`, true],
  ];
  const rows: Weight[] = [];
  for (const [label, path, signedIn] of pages) {
    const context = await browser.newContext();
    if (signedIn) await context.addCookies(cookies);
    const page = await context.newPage();
    const cold = await measure(context, page, path);
    const again = await measure(context, page, path);
    await context.close();
    rows.push({
      page: label,
      total: cold.html + cold.css + cold.js + cold.wasm + cold.other,
      html: cold.html, css: cold.css, js: cold.js, wasm: cold.wasm, other: cold.other,
      repeatStatic: again.pkg,
    });
  }
  return rows;
}
