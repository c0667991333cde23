/**
 * What one service serves, read from the API server's objects alone, the
 * same way for both tools: the VirtualService's weighted route names
 * DestinationRule subsets, each subset selects pods by labels, and the pods
 * say which version they run and whether they are Ready. Neither tool's own
 * status or exit code is trusted.
 */

/** The parts of Kubernetes objects this reads; everything else is ignored. */
export interface ObjectMeta {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly deletionTimestamp?: string;
  readonly creationTimestamp?: string;
}

export interface VirtualService {
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly http?: readonly {
      readonly name?: string;
      readonly route?: readonly { readonly destination: { readonly subset?: string }; readonly weight?: number; readonly headers?: { readonly request?: { readonly set?: Readonly<Record<string, string>> } } }[];
    }[];
  };
}

export interface DestinationRule {
  readonly metadata: ObjectMeta;
  readonly spec: { readonly subsets?: readonly { readonly name: string; readonly labels?: Readonly<Record<string, string>> }[] };
}

export interface Pod {
  readonly metadata: ObjectMeta;
  readonly spec?: { readonly containers?: readonly { readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string } }[] }[] };
  readonly status?: { readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
}

/** The route both tools put their weights on; the header routes before it reach one subset each. */
export const WEIGHTED_ROUTE = "weighted";
/** The pod label both tools' pods carry their version in. */
export const VERSION_LABEL = "app.kubernetes.io/version";
/** The label every pod of a service carries (both tools). */
export const SERVICE_LABEL = "app.kubernetes.io/name";

/**
 * Whether the weighted route sets a request header on every destination: a
 * member of a release group with lanes puts the color it chose into the
 * request, so the next member keeps it in that lane.
 */
export function setsLaneHeaders(vs: VirtualService): boolean {
  const route = (vs.spec.http ?? []).find((r) => r.name === WEIGHTED_ROUTE)?.route ?? [];
  return route.length > 0 && route.every((destination) => Object.keys(destination.headers?.request?.set ?? {}).length > 0);
}

/** One weighted destination as it resolves to pods. */
export interface SubsetServing {
  readonly subset: string;
  readonly weight: number;
  /** Ready, not terminating pods the subset selects, by version. */
  readonly readyByVersion: Readonly<Record<string, number>>;
  readonly ready: number;
}

export function isReady(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp === undefined && (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function selects(labels: Readonly<Record<string, string>>, pod: Pod): boolean {
  return Object.entries(labels).every(([key, value]) => pod.metadata.labels?.[key] === value);
}

/**
 * The weighted destinations of a service's VirtualService resolved to pods.
 * A subset the DestinationRule does not define selects nothing.
 */
export function serving(vs: VirtualService, dr: DestinationRule, pods: readonly Pod[]): SubsetServing[] {
  const route = (vs.spec.http ?? []).find((r) => r.name === WEIGHTED_ROUTE)?.route ?? [];
  return route.map((destination) => {
    const subset = destination.destination.subset ?? "";
    const labels = (dr.spec.subsets ?? []).find((s) => s.name === subset)?.labels;
    const selected = labels === undefined ? [] : pods.filter((pod) => isReady(pod) && selects(labels, pod));
    const readyByVersion: Record<string, number> = {};
    for (const pod of selected) {
      const version = pod.metadata.labels?.[VERSION_LABEL] ?? "unknown";
      readyByVersion[version] = (readyByVersion[version] ?? 0) + 1;
    }
    return { subset, weight: destination.weight ?? (route.length === 1 ? 100 : 0), readyByVersion, ready: selected.length };
  });
}

/**
 * Weight of the traffic that lands on `version`: the weights of the subsets
 * whose ready pods all run it. A subset without ready pods, or with pods of
 * mixed versions, counts for no version.
 */
export function weightOn(destinations: readonly SubsetServing[], version: string): number {
  return destinations
    .filter((d) => d.ready > 0 && Object.keys(d.readyByVersion).every((v) => v === version))
    .reduce((sum, d) => sum + d.weight, 0);
}

/** All traffic goes to `version`, which has at least `replicas` ready pods behind it. */
export function fullyServedBy(destinations: readonly SubsetServing[], version: string, replicas: number): boolean {
  const weighted = destinations.filter((d) => d.weight > 0);
  return weightOn(destinations, version) === 100 && weighted.reduce((sum, d) => sum + (d.readyByVersion[version] ?? 0), 0) >= replicas;
}

/** Weight sent to subsets that have no ready pod at all: requests that would fail. */
export function weightOnNothing(destinations: readonly SubsetServing[]): number {
  return destinations.filter((d) => d.ready === 0).reduce((sum, d) => sum + d.weight, 0);
}

export interface ConfigMap {
  readonly metadata: ObjectMeta;
  readonly data?: Readonly<Record<string, string>>;
}

/**
 * The value of one config key (a feature flag) that the serving pods see,
 * with how many pods see each value: for every ready pod behind a weighted
 * destination with weight above 0, the key from the ConfigMaps its container
 * takes its environment from (the last one that has it wins, as in
 * Kubernetes). A pod reads them when it starts, so this is what it runs with
 * as long as the ConfigMaps were not edited after it started.
 */
export function flagSeen(
  vs: VirtualService,
  dr: DestinationRule,
  pods: readonly Pod[],
  configMaps: readonly ConfigMap[],
  key: string,
): Record<string, number> {
  const weightedSubsets = serving(vs, dr, pods).filter((d) => d.weight > 0).map((d) => d.subset);
  const subsetLabels = (dr.spec.subsets ?? []).filter((s) => weightedSubsets.includes(s.name)).map((s) => s.labels ?? {});
  const seen: Record<string, number> = {};
  for (const pod of pods.filter((p) => isReady(p) && subsetLabels.some((labels) => selects(labels, p)))) {
    const refs = (pod.spec?.containers ?? []).flatMap((c) => c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : []));
    const values = refs.map((name) => configMaps.find((cm) => cm.metadata.name === name)?.data?.[key]).filter((v) => v !== undefined);
    const value = values.at(-1) ?? "(unset)";
    seen[value] = (seen[value] ?? 0) + 1;
  }
  return seen;
}
