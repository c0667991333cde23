import type { Color } from "../config/schema";
import type { DestinationRuleSpec, HTTPRoute, VirtualServiceSpec } from "./istioTypes";
import { COLOR_HEADER, colorSelector, serviceHost } from "../naming";
import type { TrafficWeights } from "../traffic";

/** What the mesh needs to know about one service to route it. */
export interface RoutingInput {
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
  /** Colors that have a Deployment, in a fixed order (blue before green). */
  readonly colors: readonly Color[];
  readonly weights: TrafficWeights;
}

/** One subset per deployed color, selected by exactly the labels that color's Deployment selects its pods by. */
export function destinationRuleSpec(input: RoutingInput): DestinationRuleSpec {
  return {
    host: serviceHost(input.service, input.namespace),
    subsets: input.colors.map((color) => ({ name: color, labels: colorSelector(input.service, color) })),
  };
}

/**
 * Header routes first (`x-switchyard-color: blue|green` reaches a color
 * directly, for smoke tests of the idle color), then the default route with
 * one weighted destination per deployed color. A 0% destination is kept so
 * the split is always explicit and a diff shows both numbers move.
 */
export function virtualServiceSpec(input: RoutingInput): VirtualServiceSpec {
  const host = serviceHost(input.service, input.namespace);
  const destination = (color: Color) => ({ host, subset: color, port: { number: input.port } });
  const headerRoutes: HTTPRoute[] = input.colors.map((color) => ({
    name: `${color}-by-header`,
    match: [{ name: color, headers: { [COLOR_HEADER]: { exact: color } } }],
    route: [{ destination: destination(color) }],
  }));
  const weightedRoute: HTTPRoute = {
    name: "weighted",
    route: input.colors.map((color) => ({ destination: destination(color), weight: input.weights[color] })),
  };
  return { hosts: [host], http: [...headerRoutes, weightedRoute] };
}
