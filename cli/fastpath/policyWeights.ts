import * as fs from "node:fs";

/**
 * The policy pack's canary-step rule, checked before traffic moves on the API
 * server: the pack itself runs only inside the `pulumi up` that records the
 * move, and a split it would refuse must never reach the cluster first. The
 * rule is the pack's (`policy/policies/weights.ts`): a weight passes when it,
 * or 100 minus it, is listed in `weights.allowedCanaryWeights`.
 */
export function refusedSplit(policyConfigFile: string | undefined, weights: readonly number[]): string | undefined {
  if (policyConfigFile === undefined || weights.length < 2) return undefined;
  const config = JSON.parse(fs.readFileSync(policyConfigFile, "utf8")) as Record<string, any>;
  const options = config.weights;
  const level = typeof options === "string" ? options : (options?.enforcementLevel ?? config.all);
  const allowed: unknown = options?.allowedCanaryWeights;
  if (level === "disabled" || !Array.isArray(allowed)) return undefined;
  const passes = (weight: number) => allowed.includes(weight) || allowed.includes(100 - weight);
  if (weights.every(passes)) return undefined;
  return `the split ${weights.join("/")} is not among the canary steps ${allowed.join(", ")} that ${policyConfigFile} allows`;
}
