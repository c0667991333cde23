import type { RouterName } from "../config/schema";
import { serviceSelector, ROUTE_ANNOTATIONS } from "../naming";
import type { TrafficWeights } from "../traffic";
import { GATEWAY_API_VERSION, type HTTPRouteSpec } from "./gatewayTypes";
import { httpRouteSpec, httpRouteWeights } from "./gatewaySpecs";
import type { RoutingInput } from "./input";
import { ISTIO_NETWORKING_API_VERSION, type VirtualServiceSpec } from "./istioTypes";
import { virtualServiceSpec, virtualServiceWeights } from "./istioSpecs";

/**
 * The seam between routers: the one object per service that carries the
 * weights (Istio's VirtualService, the Gateway API's HTTPRoute), rendered
 * from the same `RoutingInput`. The program's resources, the command's fast
 * path, `status` and the live-weights reader all go through here, so a
 * router is added (or a rule such as a lane header added to both) in one
 * place. A server-side apply owns exactly the fields it sends, so the fast
 * path sends every field the program sends (labels and annotations
 * included), or the next apply would drop the ones it left out.
 */
export interface RouteKind<Spec> {
  readonly apiVersion: string;
  readonly kind: string;
  /** The resource's plural, for API paths: `/apis/<apiVersion>/namespaces/<ns>/<plural>/<name>`. */
  readonly plural: string;
  spec(input: RoutingInput): Spec;
  /** The weights the object holds on the API server, or undefined when it is not one switchyard wrote. */
  weightsOf(spec: unknown, service: string): TrafficWeights | undefined;
}

export const ROUTE_KINDS: { readonly istio: RouteKind<VirtualServiceSpec>; readonly "gateway-api": RouteKind<HTTPRouteSpec> } = {
  istio: {
    apiVersion: ISTIO_NETWORKING_API_VERSION,
    kind: "VirtualService",
    plural: "virtualservices",
    spec: virtualServiceSpec,
    weightsOf: (spec) => virtualServiceWeights(spec),
  },
  "gateway-api": {
    apiVersion: GATEWAY_API_VERSION,
    kind: "HTTPRoute",
    plural: "httproutes",
    spec: httpRouteSpec,
    weightsOf: httpRouteWeights,
  },
};

export function routeKind(router: RouterName): RouteKind<unknown> {
  return ROUTE_KINDS[router];
}

export interface ObjectMetadata {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The weight-carrying object of one service, whole, as the program registers it and the fast path applies it. */
export interface RouteObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMetadata & { namespace: string };
  spec: unknown;
}

/** Name, labels and annotations of a service's route object; the namespace comes separately (an Output in the program). */
export function routeMetadata(service: string): ObjectMetadata {
  return { name: service, labels: serviceSelector(service), annotations: { ...ROUTE_ANNOTATIONS } };
}

export function routeObject(input: RoutingInput): RouteObject {
  const kind = routeKind(input.router);
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: { ...routeMetadata(input.service), namespace: input.namespace },
    spec: kind.spec(input),
  };
}

/** `VirtualService shop/checkout`, for messages. */
export function describeRoute(object: Pick<RouteObject, "kind" | "metadata">): string {
  return `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
}
