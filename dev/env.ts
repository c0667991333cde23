import * as path from "node:path";
import { clusterTools } from "./lib/cluster";
import { localPassphraseFile, pulumiEnvironment } from "./lib/environment";

/**
 * Prints the project's Pulumi environment as shell exports, for running the
 * built `pulumi` (and `kubectl`, once the cluster tools are built) by hand:
 * eval "$(npx ts-node --transpile-only dev/env.ts)"
 */
const KEYS = [
  "PULUMI_HOME",
  "PULUMI_BACKEND_URL",
  "PULUMI_CONFIG_PASSPHRASE_FILE",
  "PULUMI_SKIP_UPDATE_CHECK",
  "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
  "PULUMI_NODEJS_TRANSPILE_ONLY",
  "PATH",
];

const { env } = pulumiEnvironment();
// A passphrase is never printed: the sandbox's goes through a file, and one of the user's own is already in their shell.
if (process.env.PULUMI_CONFIG_PASSPHRASE === undefined && process.env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
  env.PULUMI_CONFIG_PASSPHRASE_FILE = localPassphraseFile();
}
try {
  env.PATH = `${path.dirname(clusterTools().kubectl)}${path.delimiter}${env.PATH}`;
} catch {
  // Cluster tools not built yet: pulumi alone is still useful.
}
for (const key of KEYS) {
  const value = env[key];
  if (value !== undefined) console.log(`export ${key}='${value.replace(/'/g, `'\\''`)}'`);
}
