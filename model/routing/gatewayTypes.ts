/**
 * The parts of the Gateway API's gateway.networking.k8s.io/v1 HTTPRoute that
 * switchyard writes, standard channel only. Field names and nesting follow
 * the CRD (sigs.k8s.io/gateway-api config/crd/standard), which the API
 * server validates them against on a real cluster. Every field the CRD
 * would default is written out, so the object the API server holds equals
 * the one rendered here and the command's fast path can compare the two.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproute
 */

export const GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1";
export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export interface ParentReference {
  group: typeof GATEWAY_GROUP;
  kind: "Gateway";
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** A Service of the route's namespace (group "" is the core API group). */
export interface BackendObjectReference {
  group: "";
  kind: "Service";
  name: string;
  port: number;
}

export interface HTTPBackendRef extends BackendObjectReference {
  /** Proportional share of the rule's requests; switchyard's weights of one rule sum to 100. */
  weight: number;
  /** Filters applied only to the requests sent to this backend (lanes of a release group). */
  filters?: HTTPBackendFilter[];
}

export interface HTTPHeader {
  name: string;
  value: string;
}

/** Sets request headers on the requests one backend receives. */
export interface HTTPBackendFilter {
  type: "RequestHeaderModifier";
  requestHeaderModifier: { set: HTTPHeader[] };
}

export interface HTTPHeaderMatch {
  type: "Exact" | "RegularExpression";
  name: string;
  value: string;
}

export interface HTTPPathMatch {
  type: "PathPrefix";
  value: "/";
}

export interface HTTPRouteMatch {
  path: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
}

export interface HTTPRequestMirrorFilter {
  backendRef: BackendObjectReference;
  /** Percent of requests mirrored (0..100). */
  percent: number;
}

export interface HTTPRouteFilter {
  type: "RequestMirror";
  requestMirror: HTTPRequestMirrorFilter;
}

export interface HTTPRouteRule {
  name: string;
  matches: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs: HTTPBackendRef[];
}

export interface HTTPRouteSpec {
  parentRefs: ParentReference[];
  rules: HTTPRouteRule[];
}
