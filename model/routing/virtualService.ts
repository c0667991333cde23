import type { ServicePlan } from "../plan";
import { serviceSelector, VIRTUAL_SERVICE_ANNOTATIONS } from "../naming";
import { ISTIO_NETWORKING_API_VERSION, type VirtualServiceSpec } from "./istioTypes";
import { virtualServiceSpec, type RoutingInput } from "./istioSpecs";

/**
 * The whole VirtualService as the program registers it. The program's
 * resource and the command's fast path both build it here: a server-side
 * apply owns exactly the fields it sends, so the fast path must send every
 * field the program sends (labels and annotations included), or the next
 * apply would drop the ones it left out.
 */

export interface ObjectMetadata {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface VirtualServiceObject {
  apiVersion: string;
  kind: "VirtualService";
  metadata: ObjectMetadata & { namespace: string };
  spec: VirtualServiceSpec;
}

/** Name, labels and annotations of a service's VirtualService; the namespace comes separately (an Output in the program). */
export function virtualServiceMetadata(service: string): ObjectMetadata {
  return { name: service, labels: serviceSelector(service), annotations: { ...VIRTUAL_SERVICE_ANNOTATIONS } };
}

/** What the routing of a planned service is made from: its deployed colors, their weights, and whether its group has lanes. */
export function routingInput(plan: ServicePlan, namespace: string): RoutingInput {
  return {
    service: plan.service.name,
    namespace,
    port: plan.service.port,
    colors: plan.colors.map((c) => c.color),
    weights: plan.weights,
    ...(plan.service.group?.lanes === true ? { lanes: true } : {}),
  };
}

export function virtualServiceObject(input: RoutingInput): VirtualServiceObject {
  return {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: "VirtualService",
    metadata: { ...virtualServiceMetadata(input.service), namespace: input.namespace },
    spec: virtualServiceSpec(input),
  };
}
