import * as path from "node:path";
import { AppsV1Api, KubeConfig } from "@kubernetes/client-node";
import { COLORS, type Color } from "../../model/config/schema";
import { LABELS } from "../../model/naming";

/** Ready and desired pods of one color's Deployment, as the API server reports them. */
export interface ColorPods {
  readonly ready: number;
  readonly desired: number;
}

export type LivePods = Record<string, Partial<Record<Color, ColorPods>>>;

/** The cluster of the stack's `kubernetes:kubeconfig`: a path relative to the project, the file's content, or (unset) the usual default. */
export function stackKubeConfig(kubeconfig: string | undefined, projectDir: string): KubeConfig {
  const config = new KubeConfig();
  if (kubeconfig === undefined) config.loadFromDefault();
  else if (kubeconfig.includes("\n")) config.loadFromString(kubeconfig);
  else config.loadFromFile(path.resolve(projectDir, kubeconfig));
  return config;
}

/**
 * Reads the switchyard Deployments of a namespace from the cluster the stack
 * deploys to. `kubeconfig` is the stack's `kubernetes:kubeconfig` (a path,
 * relative to the project, or the file's content); unset, the usual default
 * (`KUBECONFIG`, `~/.kube/config`) applies, as for the provider.
 */
export async function readLivePods(kubeconfig: string | undefined, projectDir: string, namespace: string): Promise<LivePods> {
  const apps = stackKubeConfig(kubeconfig, projectDir).makeApiClient(AppsV1Api);
  const list = await apps.listNamespacedDeployment({ namespace, labelSelector: LABELS.color });
  const pods: LivePods = {};
  for (const deployment of list.items) {
    const labels = deployment.metadata?.labels ?? {};
    const service = labels[LABELS.name];
    const color = labels[LABELS.color] as Color | undefined;
    if (service === undefined || color === undefined || !COLORS.includes(color)) continue;
    pods[service] = {
      ...pods[service],
      [color]: { ready: deployment.status?.readyReplicas ?? 0, desired: deployment.spec?.replicas ?? 0 },
    };
  }
  return pods;
}
