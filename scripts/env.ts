import { pulumiEnvironment } from "./lib/environment";

/**
 * Prints the project's Pulumi environment as shell exports, for running the
 * built `pulumi` by hand: eval "$(npx ts-node --transpile-only scripts/env.ts)"
 */
const KEYS = [
  "PULUMI_HOME",
  "PULUMI_BACKEND_URL",
  "PULUMI_CONFIG_PASSPHRASE",
  "PULUMI_SKIP_UPDATE_CHECK",
  "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
  "PULUMI_NODEJS_TRANSPILE_ONLY",
  "PATH",
];

const { env } = pulumiEnvironment();
for (const key of KEYS) {
  const value = env[key];
  if (value !== undefined) console.log(`export ${key}='${value.replace(/'/g, `'\\''`)}'`);
}
