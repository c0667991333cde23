import type { Color } from "./stacks";

/**
 * The floor a rollback is compared with: `kubectl apply` of the same
 * VirtualService change, one API write per service and nothing else.
 */

interface VirtualService {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: { http: { name?: string; route: { destination: { subset: string }; weight?: number }[] }[] };
}

/**
 * The cluster's VirtualServices (a `kubectl get -o json` list) as a List to
 * apply, with all weighted traffic on `live`: only name, namespace and spec,
 * so the write carries nothing but the routes.
 */
export function virtualServicesWithLive(list: { items: VirtualService[] }, live: Color): string {
  const items = list.items.map((item) => ({
    apiVersion: item.apiVersion,
    kind: item.kind,
    metadata: { name: item.metadata.name, namespace: item.metadata.namespace },
    spec: {
      ...item.spec,
      http: item.spec.http.map((route) =>
        route.name !== "weighted"
          ? route
          : { ...route, route: route.route.map((to) => ({ ...to, weight: to.destination.subset === live ? 100 : 0 })) },
      ),
    },
  }));
  return JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 2);
}
