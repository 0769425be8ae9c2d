import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// The API contract checks (issue 11): the same release server and SMTP sink
// as the browser specs, without rate limits (a fuzzer is one busy client;
// the limits have their own tests), one worker, the specs in ./contract.
export default defineConfig({
  ...base,
  testDir: "./contract",
  fullyParallel: false,
  workers: 1,
  timeout: 15 * 60_000,
  projects: [base.projects![1]],
  webServer: (base.webServer as any[]).map((server) =>
    server.env ? { ...server, env: { ...server.env, PORTICO_RATE_LIMITS: "off", PORTICO_WEBHOOK_ALLOW_PRIVATE: "false" } } : server,
  ),
});
