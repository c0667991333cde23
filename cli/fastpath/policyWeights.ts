import * as fs from "node:fs";
import type { Data } from "../../policy/lib/data";
import { WEIGHTS_DEFAULTS, weightFindings, type WeightsOptions } from "../../policy/lib/weightSplit";
import type { RouteObject } from "../../model/routing/routeObject";

/** The pack's name for the rule, the key of its options in a policy config file. */
const WEIGHTS_POLICY = "weights";

/**
 * The policy pack's weights rule on a route object (VirtualService or HTTPRoute) the fast path is about
 * to apply, run with the pack's own code (policy/lib/weightSplit.ts) and the
 * stack's policy config: the pack itself runs only in the `pulumi up` that
 * records the move, and a split it would refuse must never reach the
 * cluster first. Returns the pack's message when a mandatory rule refuses.
 */
export function refusedSplit(policyConfigFile: string | undefined, object: RouteObject): string | undefined {
  const config = policyConfigFile === undefined ? {} : (JSON.parse(fs.readFileSync(policyConfigFile, "utf8")) as Record<string, unknown>);
  const entry = config[WEIGHTS_POLICY];
  const settings = entry !== null && typeof entry === "object" ? (entry as Partial<WeightsOptions> & { enforcementLevel?: string }) : {};
  // The pack defaults every policy to mandatory; `all` sets the level of those the file does not name.
  const level = typeof entry === "string" ? entry : (settings.enforcementLevel ?? config.all ?? "mandatory");
  if (level !== "mandatory") return undefined;
  const options: WeightsOptions = { ...WEIGHTS_DEFAULTS, ...(settings.allowedCanaryWeights === undefined ? {} : { allowedCanaryWeights: settings.allowedCanaryWeights }) };
  const [refusal] = weightFindings(`kubernetes:${object.apiVersion}:${object.kind}`, object as unknown as Data, object.metadata.name, options);
  return refusal === undefined ? undefined : `the policy pack's ${WEIGHTS_POLICY} rule${policyConfigFile === undefined ? "" : ` (${policyConfigFile})`} refuses it: ${refusal}`;
}
