import type { ConfigContext } from "./context";
import { namespacedKey } from "./keys";
import type { ConfigProblem } from "./problems";
import { valueAt } from "./provenance";

/**
 * Changes from one update to the next that would destroy what runs. A new
 * `switchyard:namespace` moves every object: Pulumi would create each one in
 * the new namespace and delete it from the old one, Deployments included.
 * The namespace object itself is never deleted by a config change (it is
 * retained), but its workloads would be, so the rename is refused.
 */
export function continuityProblems(raw: Readonly<Record<string, unknown>>, context: ConfigContext): ConfigProblem[] {
  const before = context.previous?.namespace;
  const now = valueAt(raw, ["namespace"]);
  if (before === undefined || typeof now !== "string" || now === before) return [];
  return [
    {
      key: "namespace",
      value: now,
      allowed:
        `"${before}", the namespace this stack already runs in: renaming ${namespacedKey("namespace")} from "${before}" to "${now}" ` +
        `would delete every Deployment in ${before} and create it anew in ${now}. Set it back to "${before}". ` +
        `To move the services, deploy a new stack into ${now}, then destroy this one; ` +
        `to hand ${before} over to its own owner, set ${namespacedKey("manageNamespace")} to false (the namespace and its workloads stay)`,
    },
  ];
}
