import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, path } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { containerName, containersOf, describeResource, podSpecOf } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { configHint, switchyardColorOf } from "../lib/switchyard";

interface ResourceRequestsOptions {
  /** Resources every container must request, so the scheduler places it where they are free. */
  readonly requests: readonly string[];
  /** Resources every container must be limited in, so one leaking process cannot starve its node. */
  readonly limits: readonly string[];
}

const RESOURCE_REQUESTS_DEFAULTS: ResourceRequestsOptions = { requests: ["cpu", "memory"], limits: ["memory"] };

export const resourceRequests: ResourceValidationPolicy = {
  name: "resource-requests",
  description: "Every container requests CPU and memory and has a memory limit, so resource exhaustion is bounded and visible.",
  configSchema: {
    properties: {
      requests: {
        type: "array",
        items: { type: "string" },
        default: [...RESOURCE_REQUESTS_DEFAULTS.requests],
        description: "Resources every container must request.",
      },
      limits: {
        type: "array",
        items: { type: "string" },
        default: [...RESOURCE_REQUESTS_DEFAULTS.limits],
        description: "Resources every container must be limited in.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const props = knownData(args.props);
    const podSpec = podSpecOf(args.type, props);
    if (podSpec === undefined) return;
    const options = optionsWithDefaults(args, RESOURCE_REQUESTS_DEFAULTS);
    const owner = switchyardColorOf(props);
    for (const { container } of containersOf(podSpec)) {
      const resources = path(container, "resources");
      if (isUnknown(resources)) continue;
      const missing = [
        ...options.requests.filter((name) => path(resources, "requests", name) === undefined).map((name) => `requests.${name}`),
        ...options.limits.filter((name) => path(resources, "limits", name) === undefined).map((name) => `limits.${name}`),
      ];
      if (missing.length === 0) continue;
      reportViolation(
        violationMessage({
          resource: `${describeResource(args.type, props, args.name)} container "${containerName(container)}"`,
          problem: `sets no resources.${missing.join(", resources.")}`,
          rule: `every container requests ${options.requests.join(" and ")} and is limited in ${options.limits.join(" and ")}, so the scheduler reserves what it needs and a leak cannot starve its node`,
          fix: `set resources.${missing.join(", resources.")}` + configHint(owner, (o) => `services.${o.service}.resources`),
        }),
      );
    }
  },
};
