import * as pulumi from "@pulumi/pulumi";
import { configContext, switchyardKeys, type PreviousDeployment } from "../model/config/context";
import { parseStackConfig } from "../model/config/parse";
import type { StackConfig } from "../model/config/settings";
import { ConfigError } from "../model/config/problems";

/** `isConfigSecret` is marked internal in the SDK's types but is what `Config.getSecret` relies on. */
function isSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
  return runtime.isConfigSecret(fullKey);
}

/**
 * Reads and validates the stack config once, at the edge. A config problem
 * becomes a RunError, so the user sees the list of problems and no stack trace.
 * @param previous what the stack's last update recorded, for the rules that guard a change between updates
 */
export function loadStackConfig(previous?: PreviousDeployment): StackConfig {
  const all = pulumi.runtime.allConfig();
  try {
    const context = configContext(all, isSecret);
    return parseStackConfig(switchyardKeys(all), previous === undefined ? context : { ...context, previous });
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
