import { COLORS, type Color, type RawMatch } from "../config/schema";
import type { DestinationRuleSpec, Headers, HTTPMatchRequest, HTTPRoute, VirtualServiceSpec } from "./istioTypes";
import { COLOR_HEADER, colorSelector, serviceHost } from "../naming";
import type { TrafficWeights } from "../traffic";
import { cookiePattern, idleColor, MATCH_ROUTE, WEIGHTED_ROUTE, type RoutingInput } from "./input";

/** One subset per deployed color, selected by exactly the labels that color's Deployment selects its pods by. */
export function destinationRuleSpec(input: RoutingInput): DestinationRuleSpec {
  return {
    host: serviceHost(input.service, input.namespace),
    subsets: input.colors.map((color) => ({ name: color, labels: colorSelector(input.service, color) })),
  };
}

/**
 * Header routes first (`x-switchyard-color: blue|green` reaches a color
 * directly, for smoke tests of the idle color, and keeps a request in its
 * lane), then the A/B route (any of the `match` conditions sends a request
 * to the color that is not live), then the default route with one weighted
 * destination per deployed color and, with `mirror`, a copy of that share
 * of requests to the idle color. A 0% destination is kept so the split is
 * always explicit and a diff shows both numbers move. With lanes, the
 * weighted and A/B routes put the color they chose into the request's
 * header: the entry service decides the lane, and every member downstream
 * takes its header route.
 */
export function virtualServiceSpec(input: RoutingInput): VirtualServiceSpec {
  const host = serviceHost(input.service, input.namespace);
  const destination = (color: Color) => ({ host, subset: color, port: { number: input.port } });
  const headerRoutes: HTTPRoute[] = input.colors.map((color) => ({
    name: `${color}-by-header`,
    match: [{ name: color, headers: { [COLOR_HEADER]: { exact: color } } }],
    route: [{ destination: destination(color) }],
  }));
  const lane = (color: Color) => (input.lanes ? { headers: laneHeaders(color) } : {});
  const idle = idleColor(input);
  const matchRoutes: HTTPRoute[] =
    idle === undefined || input.match.length === 0
      ? []
      : [{ name: MATCH_ROUTE, match: input.match.map(istioMatch), route: [{ destination: destination(idle), ...lane(idle) }] }];
  const mirror = idle === undefined || input.mirror === 0 ? {} : { mirror: destination(idle), mirrorPercentage: { value: input.mirror } };
  const weightedRoute: HTTPRoute = {
    name: WEIGHTED_ROUTE,
    route: input.colors.map((color) => ({ destination: destination(color), weight: input.weights[color], ...lane(color) })),
    ...mirror,
  };
  return { hosts: [host], http: [...headerRoutes, ...matchRoutes, weightedRoute] };
}

function istioMatch(condition: RawMatch, index: number): HTTPMatchRequest {
  const name = `ab-${index + 1}`;
  if (condition.header !== undefined) return { name, headers: { [condition.header.toLowerCase()]: { exact: condition.exact } } };
  return { name, headers: { cookie: { regex: cookiePattern(condition.cookie!, condition.exact) } } };
}

/** Sets the lane on the request as it goes to `color` (Istio's HTTPRouteDestination.headers.request.set). */
function laneHeaders(color: Color): Headers {
  return { request: { set: { [COLOR_HEADER]: color } } };
}

/**
 * The weights a VirtualService's default route gives each color, read back
 * from the object the API server holds; undefined when it has no such route
 * (not one switchyard wrote). A color the route does not name gets 0.
 */
export function virtualServiceWeights(spec: unknown): TrafficWeights | undefined {
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
