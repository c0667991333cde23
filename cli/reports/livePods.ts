import { COLORS, type Color } from "../../model/config/schema";
import { LABELS } from "../../model/naming";
import { ISTIO_NETWORKING_API_VERSION } from "../../model/routing/istioTypes";
import { weightsOf } from "../../model/routing/istioSpecs";
import type { TrafficWeights } from "../../model/traffic";
import { KubeApi } from "../kube/api";
import { clusterAccess, type KubeconfigSetting } from "../kube/kubeconfig";

/** Ready and desired pods of one color's Deployment, as the API server reports them. */
export interface ColorPods {
  readonly ready: number;
  readonly desired: number;
}

export type LivePods = Record<string, Partial<Record<Color, ColorPods>>>;

/** What the cluster runs now: pods per service and color, and the weights each service's VirtualService holds. */
export interface LiveCluster {
  readonly pods: LivePods;
  readonly weights: Readonly<Record<string, TrafficWeights>>;
}

interface Item {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

/**
 * Reads the switchyard Deployments and VirtualServices of a namespace from
 * the cluster the stack deploys to, both lists at once.
 */
export async function readLiveCluster(setting: KubeconfigSetting, namespace: string): Promise<LiveCluster> {
  const api = new KubeApi(await clusterAccess(setting));
  try {
    const having = (label: string) => `labelSelector=${encodeURIComponent(label)}`;
    const ns = encodeURIComponent(namespace);
    const [deployments, virtualServices] = await Promise.all([
      api.get<{ items: Item[] }>(`/apis/apps/v1/namespaces/${ns}/deployments?${having(LABELS.color)}`),
      api.get<{ items: (Item & { spec?: unknown })[] }>(`/apis/${ISTIO_NETWORKING_API_VERSION}/namespaces/${ns}/virtualservices?${having(LABELS.name)}`),
    ]);
    return { pods: podsOf(deployments?.items ?? []), weights: weightsByService(virtualServices?.items ?? []) };
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

function weightsByService(virtualServices: readonly (Item & { spec?: unknown })[]): Record<string, TrafficWeights> {
  const weights: Record<string, TrafficWeights> = {};
  for (const virtualService of virtualServices) {
    const service = virtualService.metadata?.labels?.[LABELS.name];
    const read = weightsOf(virtualService.spec);
    if (service !== undefined && read !== undefined) weights[service] = read;
  }
  return weights;
}
