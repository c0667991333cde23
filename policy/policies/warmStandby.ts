import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { describeResource, replicasOf, TYPES } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { configHint, switchyardColorOf } from "../lib/switchyard";

interface WarmStandbyOptions {
  /** Replicas every color keeps, including the one with no traffic. */
  readonly minReplicas: number;
}

const WARM_STANDBY_DEFAULTS: WarmStandbyOptions = { minReplicas: 1 };

export const warmStandby: ResourceValidationPolicy = {
  name: "warm-standby",
  description:
    "Every color of a switchyard service keeps running pods (at least minReplicas), so the idle color is a warm standby and a rollback is one traffic switch.",
  configSchema: {
    properties: {
      minReplicas: {
        type: "integer",
        minimum: 0,
        default: WARM_STANDBY_DEFAULTS.minReplicas,
        description: "Replicas every color keeps, including the idle one.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.deployment) return;
    const props = knownData(args.props);
    const owner = switchyardColorOf(props);
    if (owner === undefined) return;
    const replicas = replicasOf(props);
    const { minReplicas } = optionsWithDefaults(args, WARM_STANDBY_DEFAULTS);
    if (isUnknown(replicas) || replicas >= minReplicas) return;
    reportViolation(
      violationMessage({
        resource: describeResource(args.type, props, args.name),
        problem: `runs ${replicas} replicas of color ${owner.color}`,
        rule: `every color keeps at least ${minReplicas} ready replica(s), so switching traffic back to the idle color is instant and needs no scale-up (option minReplicas)`,
        fix: `keep at least ${minReplicas} replica(s)` + configHint(owner, (o) => `set services.${o.service}.idleReplicas to ${minReplicas} or more`),
      }),
    );
  },
};
