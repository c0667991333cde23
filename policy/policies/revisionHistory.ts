import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, path, type Data } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { describeResource, TYPES } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { configHint, switchyardColorOf } from "../lib/switchyard";

interface RevisionHistoryOptions {
  /** Fewest old ReplicaSets kept: `kubectl rollout undo` needs at least one to go back to. */
  readonly minimum: number;
  /** Most old ReplicaSets kept: each one is an object the cluster stores and lists. */
  readonly maximum: number;
}

const REVISION_HISTORY_DEFAULTS: RevisionHistoryOptions = { minimum: 2, maximum: 20 };

/** What is wrong with a Deployment's revisionHistoryLimit, or nothing. */
function limitProblem(limit: Data | undefined, minimum: number, maximum: number): string | undefined {
  if (limit === undefined) return "does not set spec.revisionHistoryLimit (Kubernetes would keep its default of 10 silently)";
  const inRange = typeof limit === "number" && Number.isInteger(limit) && limit >= minimum && limit <= maximum;
  return inRange ? undefined : `sets spec.revisionHistoryLimit to ${JSON.stringify(limit)}`;
}

export const revisionHistory: ResourceValidationPolicy = {
  name: "revision-history",
  description:
    "Every Deployment sets spec.revisionHistoryLimit within the configured range (default 2..20), so recent versions stay runnable with kubectl rollout undo.",
  configSchema: {
    properties: {
      minimum: {
        type: "integer",
        minimum: 0,
        default: REVISION_HISTORY_DEFAULTS.minimum,
        description: "Smallest allowed revisionHistoryLimit.",
      },
      maximum: {
        type: "integer",
        minimum: 0,
        default: REVISION_HISTORY_DEFAULTS.maximum,
        description: "Largest allowed revisionHistoryLimit.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.deployment) return;
    const props = knownData(args.props);
    const limit = path(props, "spec", "revisionHistoryLimit");
    if (isUnknown(limit)) return;
    const { minimum, maximum } = optionsWithDefaults(args, REVISION_HISTORY_DEFAULTS);
    const problem = limitProblem(limit, minimum, maximum);
    if (problem === undefined) return;
    reportViolation(
      violationMessage({
        resource: describeResource(args.type, props, args.name),
        problem,
        rule: `a Deployment keeps between ${minimum} and ${maximum} old revisions, so kubectl rollout undo --to-revision=N can return to a recent version`,
        fix:
          `set spec.revisionHistoryLimit to an integer from ${minimum} to ${maximum}` +
          configHint(switchyardColorOf(props), (o) => `services.${o.service}.revisionHistoryLimit`),
      }),
    );
  },
};
