import { CONFIG_NAMESPACE } from "./keys";

/** Facts about the stack config that live outside the `switchyard:*` values. */
export interface ConfigContext {
  /** Keys (without namespace) whose values were set with `--secret`. */
  readonly secretKeys: readonly string[];
  /** `kubernetes:renderYamlToDirectory` is set: manifests go to files, not to a cluster. */
  readonly renderMode: boolean;
  /**
   * What the stack's last update recorded, when the reader can see it (the
   * program reads its own stack's outputs); rules that guard a change from
   * one update to the next use it.
   * @default nothing known: such rules do not apply
   */
  readonly previous?: PreviousDeployment;
}

/** Facts a previous update of the stack recorded in its outputs. */
export interface PreviousDeployment {
  /** The namespace the services ran in. */
  readonly namespace?: string;
}

export const NO_CONTEXT: ConfigContext = { secretKeys: [], renderMode: false };

/**
 * The `switchyard:*` keys of the stack config, without the namespace, with
 * structured values decoded. Pulumi hands every value over as text; objects
 * and numbers arrive as JSON.
 */
export function switchyardKeys(allConfig: Readonly<Record<string, string>>): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
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
  const prefix = `${CONFIG_NAMESPACE}:`;
  return {
    secretKeys: Object.keys(allConfig)
      .filter((key) => key.startsWith(prefix) && isSecret(key))
      .map((key) => key.slice(prefix.length)),
    renderMode: allConfig["kubernetes:renderYamlToDirectory"] !== undefined,
  };
}
