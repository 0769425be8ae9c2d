import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// `bench/page-weight`: the same release server and SMTP sink as the specs,
// one Chromium with JavaScript on, and the measurement in ./weight.
export default defineConfig({
  ...base,
  testDir: "./weight",
  fullyParallel: false,
  workers: 1,
  projects: [base.projects![0]],
});
