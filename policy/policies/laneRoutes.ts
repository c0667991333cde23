import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, isUnknown, list, path, type Data, type Unknown } from "../lib/data";
import { httpRouteRulesOf } from "../lib/gatewayApi";
import { destinationOf, routesOf } from "../lib/istio";
import { knownData } from "../lib/knownValues";
import { describeResource, isHTTPRoute, isVirtualService } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { COLOR_HEADER, COLORS, switchyardServiceOf } from "../lib/switchyard";

/**
 * A route object that puts requests into a lane (a destination or backend
 * sets the color header) must route a request that already carries either
 * color by that header: otherwise a request in the green lane falls through
 * to the weights at this service, may land on blue, and the call chain
 * tests a pair of versions nobody released.
 */
export const laneRoutes: ResourceValidationPolicy = {
  name: "lane-header-routes",
  description: `A member of a release group with lanes (its VirtualService or HTTPRoute sets ${COLOR_HEADER}) has a header route to each color, blue and green, ahead of its weighted route.`,
  validateResource: (args, reportViolation) => {
    const props = knownData(args.props);
    const missing = isVirtualService(args.type) ? missingInVirtualService(props) : isHTTPRoute(args.type) ? missingInHTTPRoute(props) : [];
    if (isUnknown(missing) || missing.length === 0) return;
    const service = switchyardServiceOf(props);
    const target = isVirtualService(args.type) ? "the subset of that color" : "the backend that sets that color";
    reportViolation(
      violationMessage({
        resource: describeResource(args.type, props, args.name),
        problem: `sets ${COLOR_HEADER} on the requests it sends but has no header route for ${missing.join(" or ")}`,
        rule: `a member of a lane group routes a request that carries ${COLOR_HEADER}: blue or green to that color before the weights, so a request keeps the color it entered with`,
        fix:
          `add a route matching ${COLOR_HEADER} exact ${missing.join("/")} to ${target}` +
          (service === undefined ? "" : ` (switchyard: deploy services.${service}.${missing[0]} so the service runs both colors, or set its group's lanes to false)`),
      }),
    );
  },
};

/** Colors a lane-setting VirtualService has no header route for; none when it sets no lane. */
function missingInVirtualService(props: Data): readonly string[] | Unknown {
  const routes = routesOf(props);
  if (isUnknown(routes)) return routes;
  const laneHeader = (destination: Data) => path(destination, "headers", "request", "set", COLOR_HEADER);
  const setsLane = routes.some((route) => !isUnknown(route.destinations) && route.destinations.some((destination) => laneHeader(destination) !== undefined));
  if (!setsLane) return [];
  const httpRoutes = list(path(props, "spec", "http"));
  if (isUnknown(httpRoutes)) return httpRoutes;
  return COLORS.filter((color) => !httpRoutes.some((route) => virtualServiceRoutesHeaderTo(route, color)));
}

/** Whether an http route sends requests carrying `color` in the lane header, and only those, to the subset `color`. */
function virtualServiceRoutesHeaderTo(route: Data, color: string): boolean {
  const matches = list(field(route, "match"));
  if (isUnknown(matches) || matches.length === 0) return false;
  const byHeader = matches.some((match) => path(match, "headers", COLOR_HEADER, "exact") === color);
  const destinations = list(field(route, "route"));
  if (isUnknown(destinations)) return false;
  return byHeader && destinations.length > 0 && destinations.every((destination) => destinationOf(destination).subset === color);
}

/**
 * Colors a lane-setting HTTPRoute has no header rule for; none when it sets
 * no lane. An HTTPRoute names Services, not colors: the header rule for a
 * color must send to the very backends whose filters put requests into that
 * color's lane.
 */
function missingInHTTPRoute(props: Data): readonly string[] | Unknown {
  const routes = httpRouteRulesOf(props);
  if (isUnknown(routes)) return routes;
  const laneBackends = new Map<string, Set<Data>>();
  for (const { destinations } of routes) {
    if (isUnknown(destinations)) return destinations;
    for (const backend of destinations) {
      const lane = backendLane(backend);
      if (isUnknown(lane)) return lane;
      if (lane !== undefined) laneBackends.set(lane, (laneBackends.get(lane) ?? new Set()).add(field(backend, "name") ?? null));
    }
  }
  if (laneBackends.size === 0) return [];
  const rules = list(path(props, "spec", "rules"));
  if (isUnknown(rules)) return rules;
  return COLORS.filter((color) => !rules.some((rule) => httpRouteRuleRoutesHeaderTo(rule, color, laneBackends.get(color))));
}

/** The lane a backendRef's RequestHeaderModifier filters set, if any. */
function backendLane(backend: Data): string | Unknown | undefined {
  const filters = list(field(backend, "filters"));
  if (isUnknown(filters)) return filters;
  for (const filter of filters) {
    if (field(filter, "type") !== "RequestHeaderModifier") continue;
    const set = list(path(filter, "requestHeaderModifier", "set"));
    if (isUnknown(set)) return set;
    const header = set.find((entry) => String(field(entry, "name")).toLowerCase() === COLOR_HEADER);
    const value = field(header, "value");
    if (isUnknown(value)) return value;
    if (typeof value === "string") return value;
  }
  return undefined;
}

/** Whether a rule sends requests carrying `color` in the lane header (an exact match) only to the backends of that lane. */
function httpRouteRuleRoutesHeaderTo(rule: Data, color: string, laneBackends: ReadonlySet<Data> | undefined): boolean {
  const matches = list(field(rule, "matches"));
  if (isUnknown(matches) || laneBackends === undefined) return false;
  const byHeader = matches.some((match) => {
    const headers = list(field(match, "headers"));
    if (isUnknown(headers)) return false;
    return headers.some(
      (header) => String(field(header, "name")).toLowerCase() === COLOR_HEADER && (field(header, "type") ?? "Exact") === "Exact" && field(header, "value") === color,
    );
  });
  const backends = list(field(rule, "backendRefs"));
  if (isUnknown(backends)) return false;
  return byHeader && backends.length > 0 && backends.every((backend) => laneBackends.has(field(backend, "name") ?? null));
}
