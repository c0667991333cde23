import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "./config";
import { ConfigError } from "./configProblems";

const NAMESPACE = "switchyard";

/**
 * The `switchyard:*` keys of the stack config, without the namespace, with
 * structured values decoded. Pulumi hands every value over as text; objects
 * and numbers arrive as JSON.
 */
export function switchyardKeys(allConfig: Readonly<Record<string, string>>): Record<string, unknown> {
  const prefix = `${NAMESPACE}:`;
  const keys: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(allConfig)) {
    if (fullKey.startsWith(prefix)) keys[fullKey.slice(prefix.length)] = decode(text);
  }
  return keys;
}

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `isConfigSecret` is marked internal in the SDK's types but is what `Config.getSecret` relies on. */
function isSecret(fullKey: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
  return runtime.isConfigSecret(fullKey);
}

/**
 * Reads and validates the stack config once, at the edge. A config problem
 * becomes a RunError, so the user sees the list of problems and no stack trace.
 */
export function loadStackConfig(): StackConfig {
  const all = pulumi.runtime.allConfig();
  const prefix = `${NAMESPACE}:`;
  const context = {
    secretKeys: Object.keys(all)
      .filter((key) => key.startsWith(prefix) && isSecret(key))
      .map((key) => key.slice(prefix.length)),
    renderMode: all["kubernetes:renderYamlToDirectory"] !== undefined,
  };
  try {
    return parseStackConfig(switchyardKeys(all), context);
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
