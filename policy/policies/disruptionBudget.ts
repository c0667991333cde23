import type { StackValidationPolicy } from "@pulumi/policy";
import { isUnknown, path, stringMap, UNKNOWN, type Unknown } from "../lib/data";
import { describeResource, formatLabels, replicasOf, TYPES } from "../lib/kubernetes";
import { selects } from "../lib/labelSelector";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { ofType, readStack, sameNamespace, type StackResource } from "../lib/stack";
import { configHint, switchyardColorOf } from "../lib/switchyard";

interface DisruptionBudgetOptions {
  /** Deployments with more replicas than this need a PodDisruptionBudget; a single pod cannot keep one available through an eviction. */
  readonly replicasAbove: number;
}

const DISRUPTION_BUDGET_DEFAULTS: DisruptionBudgetOptions = { replicasAbove: 1 };

/** Whether a budget covers the pods, or UNKNOWN while its namespace or selector is not known. */
function covers(budget: StackResource, deployment: StackResource, podLabels: Readonly<Record<string, string>>): boolean | Unknown {
  const inNamespace = sameNamespace(budget.props, deployment.props);
  const selected = selects(path(budget.props, "spec", "selector"), podLabels);
  if (inNamespace === false) return false;
  if (isUnknown(inNamespace) || isUnknown(selected)) return UNKNOWN;
  return selected;
}

export const disruptionBudget: StackValidationPolicy = {
  name: "disruption-budget",
  description:
    "A PodDisruptionBudget selects the pods of every Deployment with more than one replica, so a node drain never evicts a whole color at once.",
  configSchema: {
    properties: {
      replicasAbove: {
        type: "integer",
        minimum: 0,
        default: DISRUPTION_BUDGET_DEFAULTS.replicasAbove,
        description: "Deployments with more replicas than this need a PodDisruptionBudget.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { replicasAbove } = optionsWithDefaults(args, DISRUPTION_BUDGET_DEFAULTS);
    const stack = readStack(args.resources);
    const budgets = ofType(stack, (type) => type === TYPES.podDisruptionBudget);
    for (const deployment of ofType(stack, (type) => type === TYPES.deployment)) {
      const replicas = replicasOf(deployment.props);
      const podLabels = stringMap(path(deployment.props, "spec", "template", "metadata", "labels"));
      if (isUnknown(replicas) || replicas <= replicasAbove || isUnknown(podLabels)) continue;
      // Covered, or possibly covered by a budget not known yet during a preview.
      if (budgets.some((budget) => covers(budget, deployment, podLabels) !== false)) continue;
      const selector = stringMap(path(deployment.props, "spec", "selector", "matchLabels"));
      reportViolation(
        violationMessage({
          resource: describeResource(deployment.resource.type, deployment.props, deployment.resource.name),
          problem: `runs ${replicas} replicas and no PodDisruptionBudget selects its pods (labelled ${formatLabels(podLabels)})`,
          rule: `a PodDisruptionBudget covers every Deployment with more than ${replicasAbove} replica(s), so a node drain cannot evict all of its pods at once`,
          fix:
            `add a PodDisruptionBudget in the Deployment's namespace with maxUnavailable: 1 and selector.matchLabels ${isUnknown(selector) ? "equal to the Deployment's selector" : formatLabels(selector)}` +
            configHint(switchyardColorOf(deployment.props), () => "it creates one for every color with more than one replica"),
        }),
        deployment.resource.urn,
      );
    }
  },
};
