import { field, isUnknown, list, path, stringMap, type Data, type Unknown } from "./data";

/** Pulumi type tokens of the Kubernetes resources the policies read. */
export const TYPES = {
  deployment: "kubernetes:apps/v1:Deployment",
  configMap: "kubernetes:core/v1:ConfigMap",
  podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
  service: "kubernetes:core/v1:Service",
} as const;

/** Istio's routing kinds under any served version (v1, v1beta1, v1alpha3). */
export const isVirtualService = (type: string) => /^kubernetes:networking\.istio\.io\/v[^:]+:VirtualService$/.test(type);
export const isDestinationRule = (type: string) => /^kubernetes:networking\.istio\.io\/v[^:]+:DestinationRule$/.test(type);
/** The Gateway API's HTTPRoute under any served version (v1, v1beta1). */
export const isHTTPRoute = (type: string) => /^kubernetes:gateway\.networking\.k8s\.io\/v[^:]+:HTTPRoute$/.test(type);
/** The objects that carry a switchyard service's weights, of either router. */
export const isRoute = (type: string) => isVirtualService(type) || isHTTPRoute(type);

/** Where each workload kind keeps its pod template's spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  [TYPES.deployment]: ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a workload; undefined for a resource that runs no pods. */
export function podSpecOf(type: string, props: Data): Data | undefined {
  const specPath = POD_SPEC_PATHS[type];
  return specPath === undefined ? undefined : path(props, ...specPath);
}

/** A container of a pod spec, with the list it came from (init containers have no probes). */
export interface ContainerEntry {
  readonly container: Data;
  readonly init: boolean;
}

/** Every container and init container of a pod spec; UNKNOWN entries are left out, since nothing about them can be checked yet. */
export function containersOf(podSpec: Data | undefined): ContainerEntry[] {
  const entries = (key: string, init: boolean) => {
    const containers = list(field(podSpec, key));
    if (isUnknown(containers)) return [];
    return containers.flatMap((container): ContainerEntry[] => (isUnknown(container) ? [] : [{ container, init }]));
  };
  return [...entries("initContainers", true), ...entries("containers", false)];
}

export function containerName(container: Data): string {
  const name = field(container, "name");
  return typeof name === "string" ? name : "(unnamed)";
}

/** "Deployment shop/checkout-blue": the kind and the Kubernetes name, or the Pulumi name while those are not known. */
export function describeResource(type: string, props: Data, pulumiName: string): string {
  const kind = type.split(":").pop() ?? type;
  const name = path(props, "metadata", "name");
  const namespace = path(props, "metadata", "namespace");
  const shownName = typeof name === "string" ? name : pulumiName;
  return typeof namespace === "string" ? `${kind} ${namespace}/${shownName}` : `${kind} ${shownName}`;
}

export function labelsOf(props: Data): Readonly<Record<string, string>> | Unknown {
  return stringMap(path(props, "metadata", "labels"));
}

export function annotationsOf(props: Data): Readonly<Record<string, string>> | Unknown {
  return stringMap(path(props, "metadata", "annotations"));
}

/** `spec.replicas` of a Deployment; Kubernetes runs 1 when it is not set. */
export function replicasOf(deployment: Data): number | Unknown {
  const replicas = path(deployment, "spec", "replicas");
  return typeof replicas === "number" || isUnknown(replicas) ? replicas : 1;
}

/** `{"a": "b"}` in a stable order, for messages. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
}
