/**
 * The parts of Istio's networking.istio.io/v1 API that switchyard writes.
 * Field names and nesting follow Istio's CRD schema (istio.io/api
 * kubernetes/customresourcedefinitions.gen.yaml), which the API server
 * validates them against on a real cluster.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */

export const ISTIO_NETWORKING_API_VERSION = "networking.istio.io/v1";

export interface PortSelector {
  number: number;
}

export interface Destination {
  host: string;
  subset: string;
  port: PortSelector;
}

/** Header changes Istio makes to the requests a destination receives. */
export interface HeaderOperations {
  set?: Record<string, string>;
}

export interface Headers {
  request?: HeaderOperations;
}

export interface HTTPRouteDestination {
  destination: Destination;
  /** Percent of the route's traffic; the weights of one route sum to 100. */
  weight?: number;
  /** Request headers set on the traffic sent to this destination (lanes of a release group). */
  headers?: Headers;
}

/** Exactly one of the two. */
export type StringMatch = { exact: string } | { regex: string };

export interface HTTPMatchRequest {
  name?: string;
  headers?: Record<string, StringMatch>;
}

export interface Percent {
  value: number;
}

export interface HTTPRoute {
  name: string;
  match?: HTTPMatchRequest[];
  route: HTTPRouteDestination[];
  /** Copies requests to this destination; its responses are discarded. */
  mirror?: Destination;
  /** Share of requests mirrored; 100 when absent. */
  mirrorPercentage?: Percent;
}

export interface VirtualServiceSpec {
  hosts: string[];
  http: HTTPRoute[];
}

export interface Subset {
  name: string;
  labels: Record<string, string>;
}

export interface DestinationRuleSpec {
  host: string;
  subsets: Subset[];
}
