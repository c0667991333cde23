import { COLORS, type Color } from "../config/schema";
import type { DestinationRuleSpec, Headers, HTTPRoute, VirtualServiceSpec } from "./istioTypes";
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
  /**
   * The service is a member of a release group with lanes: each weighted
   * destination sets the color header on the requests it sends, so the
   * services it calls (which forward the header) keep them in that color.
   * @default false
   */
  readonly lanes?: boolean;
}

/** One subset per deployed color, selected by exactly the labels that color's Deployment selects its pods by. */
export function destinationRuleSpec(input: RoutingInput): DestinationRuleSpec {
  return {
    host: serviceHost(input.service, input.namespace),
    subsets: input.colors.map((color) => ({ name: color, labels: colorSelector(input.service, color) })),
  };
}

/** The name of the default route, the one that carries the weights. */
export const WEIGHTED_ROUTE = "weighted";

/**
 * Header routes first (`x-switchyard-color: blue|green` reaches a color
 * directly, for smoke tests of the idle color, and keeps a request in its
 * lane), then the default route with one weighted destination per deployed
 * color. A 0% destination is kept so the split is always explicit and a diff
 * shows both numbers move. With lanes, the weighted route puts the color it
 * chose into the request's header: the entry service decides the lane, and
 * every member downstream takes its header route.
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
    name: WEIGHTED_ROUTE,
    route: input.colors.map((color) => ({
      destination: destination(color),
      weight: input.weights[color],
      ...(input.lanes === true ? { headers: laneHeaders(color) } : {}),
    })),
  };
  return { hosts: [host], http: [...headerRoutes, weightedRoute] };
}

/** Sets the lane on the request as it goes to `color` (Istio's HTTPRouteDestination.headers.request.set). */
export function laneHeaders(color: Color): Headers {
  return { request: { set: { [COLOR_HEADER]: color } } };
}

/**
 * The weights a VirtualService's default route gives each color, read back
 * from the object the API server holds; undefined when it has no such route
 * (not one switchyard wrote). A color the route does not name gets 0.
 */
export function weightsOf(spec: unknown): TrafficWeights | undefined {
  const routes = (spec as { http?: unknown } | undefined)?.http;
  if (!Array.isArray(routes)) return undefined;
  const weighted = routes.find((route: { name?: unknown }) => route?.name === WEIGHTED_ROUTE) as { route?: unknown } | undefined;
  if (!Array.isArray(weighted?.route)) return undefined;
  const destinations = weighted.route as { destination?: { subset?: unknown }; weight?: unknown }[];
  const weights = Object.fromEntries(COLORS.map((color) => [color, 0])) as Record<Color, number>;
  for (const { destination, weight } of destinations) {
    const subset = destination?.subset as Color;
    // Istio gives a route's only destination everything when it states no weight.
    if (COLORS.includes(subset)) weights[subset] = typeof weight === "number" ? weight : destinations.length === 1 ? 100 : 0;
  }
  return weights;
}
