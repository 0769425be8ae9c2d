import { defineConfig } from "@playwright/test";
import * as path from "node:path";

// Every run starts the release binary on a fresh SQLite database, and a
// real SMTP server (smtp-sink.js) that receives Portico's mail over SMTP and
// writes each message to a directory the specs read. Each spec runs twice:
// with JavaScript (hydrated app) and without (server-rendered HTML, forms).
const port = Number(process.env.PORTICO_E2E_PORT ?? 3100);
const smtpPort = Number(process.env.PORTICO_E2E_SMTP_PORT ?? 3125);
const hookPort = Number(process.env.PORTICO_E2E_HOOK_PORT ?? 3126);
const dnsPort = Number(process.env.PORTICO_E2E_DNS_PORT ?? 3153);
const productPort = Number(process.env.PORTICO_E2E_PRODUCT_PORT ?? 3127);
const idpPort = Number(process.env.PORTICO_E2E_IDP_PORT ?? 3128);
const baseURL = `http://127.0.0.1:${port}`;
// The instance operator's token (PORTICO_ADMIN_TOKEN) for the seat specs.
process.env.PORTICO_E2E_ADMIN_TOKEN ??= "e2e-operator-token-of-at-least-32-characters";

// Set once by the runner; workers inherit it, so all agree on the paths.
process.env.PORTICO_E2E_RUN_DIR ??= path.join(__dirname, ".tmp", `run-${Date.now()}`);
const runDir = process.env.PORTICO_E2E_RUN_DIR;
const mailDir = path.join(runDir, "mail");
process.env.PORTICO_E2E_MAIL_DIR = mailDir;
const hookDir = path.join(runDir, "hooks");
// TXT records the domain specs publish (dns-server.js serves them).
const dnsDir = path.join(runDir, "dns");
process.env.PORTICO_E2E_DNS_DIR = dnsDir;
process.env.PORTICO_E2E_HOOK_DIR = hookDir;
process.env.PORTICO_E2E_HOOK_ORIGIN = `http://127.0.0.1:${hookPort}`;
// The product people are onboarded into (product.mjs): it signs them in
// with Portico through openid-client.
process.env.PORTICO_E2E_PRODUCT_ORIGIN = `http://127.0.0.1:${productPort}`;
// A company's identity provider (idp.mjs, oidc-provider) for the SSO spec.
process.env.PORTICO_E2E_IDP_ORIGIN = `http://127.0.0.1:${idpPort}`;
process.env.PORTICO_E2E_IDP_CLIENT_ID ??= "portico-sso";
process.env.PORTICO_E2E_IDP_CLIENT_SECRET ??= "portico-sso-secret-for-the-e2e-run";

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  timeout: 60_000,
  // CI machines have two cores shared by the server, the SMTP sink and two
  // browsers: give assertions room.
  expect: { timeout: 10_000 },
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    { name: "js-on", use: { ...chromium, javaScriptEnabled: true } },
    { name: "js-off", use: { ...chromium, javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: `node smtp-sink.js ${smtpPort} "${mailDir}"`,
      cwd: __dirname,
      port: smtpPort,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `node hook-receiver.js ${hookPort} "${hookDir}"`,
      cwd: __dirname,
      port: hookPort,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      // A real DNS server (UDP and TCP): the port check sees its TCP side.
      command: `node dns-server.js ${dnsPort} "${dnsDir}"`,
      cwd: __dirname,
      port: dnsPort,
      reuseExistingServer: false,
      stdout: "pipe",
    },
    {
      command: `node product.mjs ${productPort} ${baseURL}`,
      cwd: __dirname,
      url: `http://127.0.0.1:${productPort}/healthz`,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `node idp.mjs ${idpPort} ${baseURL}`,
      cwd: __dirname,
      url: `http://127.0.0.1:${idpPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `mkdir -p "${runDir}" && ${process.env.PORTICO_E2E_BIN ?? "../target/release/portico"}`,
      cwd: __dirname,
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        DATABASE_URL: `sqlite://${runDir}/portico.db?mode=rwc`,
        PORTICO_ADDR: `127.0.0.1:${port}`,
        PORTICO_BASE_URL: baseURL,
        PORTICO_MAIL: `smtp://127.0.0.1:${smtpPort}`,
        LEPTOS_SITE_ROOT: path.join(__dirname, "..", "target", "site"),
        RUST_LOG: "warn",
        // Every spec signs up and in from 127.0.0.1: the per-address limits
        // are raised for the run, the others stay as shipped.
        PORTICO_RATE_LIMITS: "sign_up_ip=1000/10m,sign_in_ip=1000/1m",
        // Webhooks go to the receiver on this machine (hook-receiver.js).
        PORTICO_WEBHOOK_ALLOW_PRIVATE: "true",
        PORTICO_ALLOWED_ORIGINS: `http://127.0.0.1:${hookPort},http://127.0.0.1:${productPort},http://127.0.0.1:${idpPort}`,
        PORTICO_ADMIN_TOKEN: process.env.PORTICO_E2E_ADMIN_TOKEN,
        PORTICO_DNS_RESOLVER: `127.0.0.1:${dnsPort}`,
      },
    },
  ],
});
