import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { confirmedManager, newPage, ready, uniqueEmail } from "./support";

/** The newest mail to `to` whose decoded text contains `text`, raw. */
async function mailWith(to: string, text: string, timeout = 15_000): Promise<string> {
  const dir = process.env.PORTICO_E2E_MAIL_DIR!;
  let found: string | undefined;
  await expect
    .poll(
      () => {
        if (!fs.existsSync(dir)) return undefined;
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".eml")).sort()) {
          const mail = fs.readFileSync(path.join(dir, file), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
          if (mail.includes(`To: ${to}`) && mail.includes(text)) found = mail;
        }
        return found;
      },
      { message: `mail to ${to} saying "${text}"`, timeout },
    )
    .toBeTruthy();
  return found!;
}

test("a German invitation is mailed in German, its page is German with a switch to English, and its reminder is German", async ({
  page,
  browser,
  javaScriptEnabled: js,
}) => {
  test.setTimeout(150_000);
  const tenant = `Sprachen ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenant);
  const invitee = uniqueEmail(js ? "de-js" : "de-nojs");
  await page.goto(`${tenantPath}/invites`);
  await ready(page, js);
  const form = page.getByRole("region", { name: "Invite someone" });
  await form.getByLabel("Email").fill(invitee);
  await form.getByLabel("Language of the invitation").selectOption("de");
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${invitee}.`)).toBeVisible();

  // The mail is German and says so.
  const mail = await mailWith(invitee, "Einladung annehmen");
  expect(mail).toContain("Content-Language: de");
  expect(mail).toContain(`hat Sie eingeladen, ${tenant} auf Portico beizutreten`);
  const link = mail.match(/https?:\/\/[^\s"<]*\/invite\?token=[^\s"<&]*/)![0];

  // Its page is German, and offers English.
  const bob = await newPage(browser, js);
  await bob.goto(link);
  await ready(bob, js);
  await expect(bob.locator("html")).toHaveAttribute("lang", "de");
  await expect(bob.getByRole("heading", { level: 1, name: `${tenant} beitreten` })).toBeVisible();
  await expect(bob.getByRole("button", { name: "Einladung annehmen" })).toBeVisible();
  await bob.getByRole("link", { name: "English" }).click();
  await ready(bob, js);
  await expect(bob.locator("html")).toHaveAttribute("lang", "en");
  await expect(bob.getByRole("heading", { level: 1, name: `Join ${tenant}` })).toBeVisible();
  await expect(bob.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  await bob.context().close();

  // The invitation now expires in 20 hours (as if days had passed): the
  // server's next housekeeping pass (once a minute) mails the reminder,
  // in German.
  const db = path.join(process.env.PORTICO_E2E_RUN_DIR!, "portico.db");
  execFileSync("python3", [
    "-c",
    "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], timeout=30); " +
      "c.execute('UPDATE invites SET expired_at = ? WHERE email = ?', (int(time.time() * 1000) + 20 * 3600 * 1000, sys.argv[2])); c.commit()",
    db,
    invitee,
  ]);
  const reminder = await mailWith(invitee, "Der Link unten ersetzt den aus der ersten E-Mail", 90_000);
  expect(reminder).toContain("Content-Language: de");
  expect(reminder).toContain("Einladung annehmen");
});

test("an account set to Spanish reads Spanish pages", async ({ page, javaScriptEnabled: js }) => {
  const tenant = `Idiomas ${Date.now()} ${js}`;
  const tenantPath = await confirmedManager(page, js, tenant);
  await page.goto("/account");
  await ready(page, js);
  await page.getByLabel("Pages and mails in").selectOption("es");
  await page.getByRole("button", { name: "Save language" }).click();
  await expect(page.getByText("Su idioma está guardado.")).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { level: 1, name: "Su cuenta" })).toBeVisible();

  await page.goto(tenantPath);
  await ready(page, js);
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByTestId("seats")).toHaveText("1 plaza ocupada, 0 reservadas, sin límite.");
  await page.getByRole("link", { name: "Miembros" }).click();
  await ready(page, js);
  await expect(page.getByLabel("Buscar miembros")).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Correo electrónico" })).toBeVisible();
});
