import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type ConfigContext, type StackConfig } from "../model/config/parse";
import { ConfigError } from "../model/config/problems";

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

/**
 * The facts around the `switchyard:*` values that the parser needs, from the
 * whole stack config: which keys hold secrets, and whether it renders to files.
 */
export function configContext(allConfig: Readonly<Record<string, unknown>>, isSecret: (fullKey: string) => boolean): ConfigContext {
  const prefix = `${NAMESPACE}:`;
  return {
    secretKeys: Object.keys(allConfig)
      .filter((key) => key.startsWith(prefix) && isSecret(key))
      .map((key) => key.slice(prefix.length)),
    renderMode: allConfig["kubernetes:renderYamlToDirectory"] !== undefined,
  };
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
  try {
    return parseStackConfig(switchyardKeys(all), configContext(all, isSecret));
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
