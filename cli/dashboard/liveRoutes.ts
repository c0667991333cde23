import { CustomObjectsApi } from "@kubernetes/client-node";
import { COLORS, type Color } from "../../model/config/schema";
import { LABELS } from "../../model/naming";
import { stackKubeConfig } from "../reports/livePods";
import type { LiveRoutes } from "./view";

const ISTIO = { group: "networking.istio.io", version: "v1", plural: "virtualservices" } as const;

interface WeightedDestination {
  readonly destination?: { readonly subset?: string };
  readonly weight?: number;
}

interface VirtualServiceItem {
  readonly metadata?: { readonly labels?: Record<string, string> };
  readonly spec?: { readonly http?: readonly { readonly name?: string; readonly route?: readonly WeightedDestination[] }[] };
}

/** The weights each switchyard VirtualService of the namespace routes now, by service: what the cluster does, recorded or not. */
export async function readLiveRoutes(kubeconfig: string | undefined, projectDir: string, namespace: string): Promise<LiveRoutes> {
  const custom = stackKubeConfig(kubeconfig, projectDir).makeApiClient(CustomObjectsApi);
  const list = (await custom.listNamespacedCustomObject({ ...ISTIO, namespace, labelSelector: LABELS.name })) as { items?: VirtualServiceItem[] };
  const routes: Record<string, Partial<Record<Color, number>>> = {};
  for (const item of list.items ?? []) {
    const service = item.metadata?.labels?.[LABELS.name];
    // The route the program names `weighted` (model/routing/istioSpecs.ts) carries the split; the header routes pin one color each.
    const weighted = item.spec?.http?.find((route) => route.name === "weighted");
    if (service === undefined || weighted === undefined) continue;
    const weights: Partial<Record<Color, number>> = {};
    for (const { destination, weight } of weighted.route ?? []) {
      const subset = destination?.subset as Color | undefined;
      if (subset !== undefined && COLORS.includes(subset)) weights[subset] = weight ?? 0;
    }
    routes[service] = weights;
  }
  return routes;
}
