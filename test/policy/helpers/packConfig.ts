import * as fs from "node:fs";
import * as path from "node:path";
import type { Policy } from "./policySdk";

export const POLICY_DIR = path.resolve(__dirname, "../../../policy");

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** A policy pack config file as written: `"all"` or a policy name, to a level or to an object of level and options. */
export type PackConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export function readPackConfig(environment: "dev" | "prod"): PackConfigFile {
  return JSON.parse(fs.readFileSync(path.join(POLICY_DIR, `config.${environment}.json`), "utf8"));
}

export interface EffectivePolicyConfig {
  readonly enforcementLevel: EnforcementLevel;
  readonly options: Record<string, unknown>;
}

/**
 * What each policy runs with, resolved the way the engine does it
 * (pulumi pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig):
 * schema defaults and the policy's own level, then "all", then per policy.
 */
export function effectiveConfig(policies: readonly Policy[], packLevel: EnforcementLevel, file: PackConfigFile): Map<string, EffectivePolicyConfig> {
  const all = typeof file.all === "string" ? file.all : undefined;
  return new Map(
    policies.map((policy) => {
      const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [key, schema.default]));
      const entry = file[policy.name];
      const { enforcementLevel: ownLevel, ...options } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
      const enforcementLevel = ownLevel ?? all ?? policy.enforcementLevel ?? packLevel;
      return [policy.name, { enforcementLevel, options: { ...defaults, ...options } }];
    }),
  );
}
