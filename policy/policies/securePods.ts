import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknown, list, path, type Data } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { containerName, containersOf, describeResource, podSpecOf } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";

interface SecurePodsOptions {
  /** Seccomp profile types a pod or container may run with. */
  readonly allowedSeccompProfiles: readonly string[];
}

const SECURE_PODS_DEFAULTS: SecurePodsOptions = { allowedSeccompProfiles: ["RuntimeDefault"] };

const RULE =
  "containers run locked down: non-root, read-only root filesystem, no privilege escalation, not privileged, all capabilities dropped, an allowed seccomp profile";

/** One security setting: where it is read and what it must be. */
interface Setting {
  /** The setting as written in the manifest, for messages. */
  readonly name: string;
  /** The effective value: the container's securityContext, falling back to the pod's where Kubernetes does. */
  readonly read: (container: Data, pod: Data | undefined) => Data | undefined;
  readonly accepts: (value: Data | undefined, options: SecurePodsOptions) => boolean;
  readonly fix: (options: SecurePodsOptions) => string;
}

const inContainer = (...keys: string[]) => (container: Data) => path(container, "securityContext", ...keys);
const inContainerOrPod = (...keys: string[]) => (container: Data, pod: Data | undefined) => {
  const own = path(container, "securityContext", ...keys);
  return own === undefined ? path(pod, "securityContext", ...keys) : own;
};

const SETTINGS: readonly Setting[] = [
  {
    name: "runAsNonRoot",
    read: inContainerOrPod("runAsNonRoot"),
    accepts: (value) => value === true,
    fix: () => "set securityContext.runAsNonRoot: true on the pod or the container",
  },
  {
    name: "readOnlyRootFilesystem",
    read: inContainer("readOnlyRootFilesystem"),
    accepts: (value) => value === true,
    fix: () => "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (such as /tmp)",
  },
  {
    name: "allowPrivilegeEscalation",
    read: inContainer("allowPrivilegeEscalation"),
    accepts: (value) => value === false,
    fix: () => "set securityContext.allowPrivilegeEscalation: false",
  },
  {
    name: "privileged",
    read: inContainer("privileged"),
    accepts: (value) => value !== true,
    fix: () => "remove securityContext.privileged or set it to false",
  },
  {
    name: "capabilities.drop",
    read: inContainer("capabilities", "drop"),
    accepts: (value) => {
      const dropped = list(value);
      return !isUnknown(dropped) && dropped.includes("ALL");
    },
    fix: () => 'set securityContext.capabilities.drop: ["ALL"]',
  },
  {
    name: "seccompProfile.type",
    read: inContainerOrPod("seccompProfile", "type"),
    accepts: (value, options) => typeof value === "string" && options.allowedSeccompProfiles.includes(value),
    fix: (options) => `set securityContext.seccompProfile.type to ${options.allowedSeccompProfiles.join(" or ")} on the pod or the container`,
  },
];

/** Values shown in messages as the manifest would hold them. */
function shown(value: Data | undefined): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

/** A value that is not known yet, anywhere inside it, is not judged. */
function containsUnknown(value: Data | undefined): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  return false;
}

export const securePods: ResourceValidationPolicy = {
  name: "secure-pods",
  description:
    "Containers run non-root with a read-only root filesystem, no privilege escalation, all capabilities dropped and a RuntimeDefault seccomp profile.",
  configSchema: {
    properties: {
      allowedSeccompProfiles: {
        type: "array",
        items: { type: "string", enum: ["RuntimeDefault", "Localhost"] },
        minItems: 1,
        default: [...SECURE_PODS_DEFAULTS.allowedSeccompProfiles],
        description: "Seccomp profile types a pod or container may use.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const props = knownData(args.props);
    const podSpec = podSpecOf(args.type, props);
    if (podSpec === undefined) return;
    const options = optionsWithDefaults(args, SECURE_PODS_DEFAULTS);
    for (const { container } of containersOf(podSpec)) {
      for (const setting of SETTINGS) {
        const value = setting.read(container, podSpec);
        if (containsUnknown(value) || setting.accepts(value, options)) continue;
        reportViolation(
          violationMessage({
            resource: `${describeResource(args.type, props, args.name)} container "${containerName(container)}"`,
            problem: `has ${setting.name} ${shown(value)}`,
            rule: RULE,
            fix: setting.fix(options),
          }),
        );
      }
    }
  },
};
