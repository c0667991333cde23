import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, isUnknown, type Data } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { containerName, containersOf, describeResource, podSpecOf, TYPES } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { configHint, switchyardColorOf, type ColorOf } from "../lib/switchyard";

interface ProbesOptions {
  /** Path every HTTP readiness probe must request. */
  readonly readinessPath: string;
  /** Path every HTTP liveness probe must request. */
  readonly livenessPath: string;
}

/** switchyard's own probe paths (model/config/settings.ts BUILTIN_DEFAULTS), held to them by test/policy/contracts.test.ts. */
export const PROBES_DEFAULTS: ProbesOptions = { readinessPath: "/readyz", livenessPath: "/healthz" };

const RULE =
  "every container of a switchyard Deployment has a readiness probe (no traffic before it passes) and a liveness probe (restart when it hangs), and HTTP probes request the configured paths";

interface ProbeKind {
  readonly field: "readinessProbe" | "livenessProbe";
  /** The policy option holding the path. */
  readonly option: keyof ProbesOptions;
  /** The switchyard stack config key under `services.<name>.probes`. */
  readonly configName: "readiness" | "liveness";
}

const PROBE_KINDS: readonly ProbeKind[] = [
  { field: "readinessProbe", option: "readinessPath", configName: "readiness" },
  { field: "livenessProbe", option: "livenessPath", configName: "liveness" },
];

interface ProbeProblem {
  readonly problem: string;
  readonly fix: string;
}

/** What is wrong with one probe of one container, or nothing; a probe not known yet during a preview is not judged. */
function probeProblem(container: Data, kind: ProbeKind, options: ProbesOptions, owner: ColorOf): ProbeProblem | undefined {
  const probe = field(container, kind.field);
  const expected = options[kind.option];
  if (probe === undefined || probe === null) {
    return { problem: `has no ${kind.field}`, fix: `give the container an HTTP ${kind.field} on ${expected}` };
  }
  const httpGet = field(probe, "httpGet");
  const httpPath = field(httpGet, "path");
  // Exec, TCP and gRPC probes have no path; an HTTP probe without a path requests "/".
  if (httpGet === undefined || isUnknown(httpPath)) return undefined;
  const requested = typeof httpPath === "string" ? httpPath : "/";
  if (requested === expected) return undefined;
  return {
    problem: `has a ${kind.field} on "${requested}" instead of "${expected}"`,
    fix:
      `point the probe at ${expected}` +
      configHint(owner, (o) => `services.${o.service}.probes.${kind.configName}.path`) +
      `, or set the policy option ${kind.option} if your services serve it elsewhere`,
  };
}

export const probes: ResourceValidationPolicy = {
  name: "probes",
  description:
    "Every container of a switchyard Deployment has readiness and liveness probes; HTTP probes request the configured paths (default /readyz and /healthz).",
  configSchema: {
    properties: {
      readinessPath: {
        type: "string",
        pattern: "^/",
        default: PROBES_DEFAULTS.readinessPath,
        description: "Path every HTTP readiness probe must request.",
      },
      livenessPath: {
        type: "string",
        pattern: "^/",
        default: PROBES_DEFAULTS.livenessPath,
        description: "Path every HTTP liveness probe must request.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.deployment) return;
    const props = knownData(args.props);
    const owner = switchyardColorOf(props);
    // Other Deployments in the stack may not serve HTTP at all; this policy is about switchyard's colors.
    if (owner === undefined) return;
    const options = optionsWithDefaults(args, PROBES_DEFAULTS);
    for (const { container, init } of containersOf(podSpecOf(args.type, props))) {
      if (init) continue;
      for (const kind of PROBE_KINDS) {
        const found = probeProblem(container, kind, options, owner);
        if (found === undefined) continue;
        reportViolation(
          violationMessage({
            resource: `${describeResource(args.type, props, args.name)} container "${containerName(container)}"`,
            ...found,
            rule: RULE,
          }),
        );
      }
    }
  },
};

