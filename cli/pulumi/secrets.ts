import * as fs from "node:fs";
import { UsageError } from "../context/errors";

/**
 * Outside the sandbox, switchyard never supplies a passphrase: a stack whose
 * file says it uses the passphrase secrets provider (`encryptionsalt:`) needs
 * the operator's own, or the command stops before running anything.
 */
export function requireSecretsProvider(stackFile: string, stack: string, env: NodeJS.ProcessEnv): void {
  if (!fs.existsSync(stackFile)) return;
  const text = fs.readFileSync(stackFile, "utf8");
  const passphraseProvider = /^encryptionsalt:/m.test(text) || /^secretsprovider:\s*["']?passphrase/m.test(text);
  if (!passphraseProvider || env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) return;
  throw new UsageError(
    `stack ${stack} uses the passphrase secrets provider (encryptionsalt in ${stackFile}): set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE ` +
      "to your team's passphrase, or move the stack to another provider with pulumi stack change-secrets-provider",
  );
}
