import { COLORS, type Color } from "../../model/config/schema";
import { LABELS } from "../../model/naming";
import { ROUTE_KINDS, type RouteKind } from "../../model/routing/routeObject";
import type { TrafficWeights } from "../../model/traffic";
import { KubeApi } from "../kube/api";
import { clusterAccess, type KubeconfigSetting } from "../kube/kubeconfig";

/** Ready and desired pods of one color's Deployment, as the API server reports them. */
export interface ColorPods {
  readonly ready: number;
  readonly desired: number;
}

export type LivePods = Record<string, Partial<Record<Color, ColorPods>>>;

/** What the cluster runs now: pods per service and color, and the weights each service's route object (VirtualService or HTTPRoute) holds. */
export interface LiveCluster {
  readonly pods: LivePods;
  readonly weights: Readonly<Record<string, TrafficWeights>>;
}

interface Item {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { replicas?: number } & Record<string, unknown>;
  status?: { readyReplicas?: number };
}

/**
 * Reads the switchyard Deployments and route objects (VirtualServices and
 * HTTPRoutes) of a namespace from the cluster the stack deploys to, all
 * lists at once. A route kind whose CRD the cluster lacks reads as none.
 */
export async function readLiveCluster(setting: KubeconfigSetting, namespace: string): Promise<LiveCluster> {
  const api = new KubeApi(await clusterAccess(setting));
  try {
    const having = (label: string) => `labelSelector=${encodeURIComponent(label)}`;
    const ns = encodeURIComponent(namespace);
    const kinds = Object.values(ROUTE_KINDS) as RouteKind<unknown>[];
    const [deployments, ...routes] = await Promise.all([
      api.get<{ items: Item[] }>(`/apis/apps/v1/namespaces/${ns}/deployments?${having(LABELS.color)}`),
      ...kinds.map((kind) => api.get<{ items: Item[] }>(`/apis/${kind.apiVersion}/namespaces/${ns}/${kind.plural}?${having(LABELS.name)}`)),
    ]);
    const weights = Object.assign({}, ...kinds.map((kind, index) => weightsByService(kind, routes[index]?.items ?? [])));
    return { pods: podsOf(deployments?.items ?? []), weights };
  } finally {
    api.close();
  }
}

function podsOf(deployments: readonly Item[]): LivePods {
  const pods: LivePods = {};
  for (const deployment of deployments) {
    const labels = deployment.metadata?.labels ?? {};
    const service = labels[LABELS.name];
    const color = labels[LABELS.color] as Color | undefined;
    if (service === undefined || color === undefined || !COLORS.includes(color)) continue;
    pods[service] = { ...pods[service], [color]: { ready: deployment.status?.readyReplicas ?? 0, desired: deployment.spec?.replicas ?? 0 } };
  }
  return pods;
}

function weightsByService(kind: RouteKind<unknown>, routes: readonly Item[]): Record<string, TrafficWeights> {
  const weights: Record<string, TrafficWeights> = {};
  for (const route of routes) {
    const service = route.metadata?.labels?.[LABELS.name];
    const read = service === undefined ? undefined : kind.weightsOf(route.spec, service);
    if (service !== undefined && read !== undefined) weights[service] = read;
  }
  return weights;
}
