import type { ResourceValidationPolicy } from "@pulumi/policy";
import { knownData } from "../lib/knownValues";
import { isRoute } from "../lib/kubernetes";
import { optionsWithDefaults } from "../lib/options";
import { WEIGHTS_DEFAULTS, weightFindings } from "../lib/weightSplit";

export const weights: ResourceValidationPolicy = {
  name: "weights",
  description:
    "Every VirtualService route's (HTTPRoute rule's) weights are integers that sum to exactly 100, and a split uses only the allowed canary weights.",
  configSchema: {
    properties: {
      allowedCanaryWeights: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 100 },
        default: [...WEIGHTS_DEFAULTS.allowedCanaryWeights],
        description:
          "Weights a split may use; a weight passes when it or 100 minus it is listed (5 allows 95/5). Default: every integer 0..100.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isRoute(args.type)) return;
    const options = optionsWithDefaults(args, WEIGHTS_DEFAULTS);
    for (const message of weightFindings(args.type, knownData(args.props), args.name, options)) reportViolation(message);
  },
};
