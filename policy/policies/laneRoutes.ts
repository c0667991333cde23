import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, isUnknown, list, path, type Data } from "../lib/data";
import { destinationOf, routesOf } from "../lib/istio";
import { knownData } from "../lib/knownValues";
import { describeResource, isVirtualService } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { COLOR_HEADER, COLORS, switchyardServiceOf } from "../lib/switchyard";

/**
 * A VirtualService that puts requests into a lane (a destination sets the
 * color header) must route a request that already carries either color by
 * that header: otherwise a request in the green lane falls through to the
 * weights at this service, may land on blue, and the call chain tests a
 * pair of versions nobody released.
 */
export const laneRoutes: ResourceValidationPolicy = {
  name: "lane-header-routes",
  description: `A member of a release group with lanes (its routes set ${COLOR_HEADER}) has a header route to each color, blue and green, ahead of its weighted route.`,
  validateResource: (args, reportViolation) => {
    if (!isVirtualService(args.type)) return;
    const props = knownData(args.props);
    const routes = routesOf(props);
    if (isUnknown(routes)) return;
    const setsLane = routes.some((route) => !isUnknown(route.destinations) && route.destinations.some((destination) => laneSetBy(destination) !== undefined));
    if (!setsLane) return;
    const httpRoutes = list(path(props, "spec", "http"));
    if (isUnknown(httpRoutes)) return;
    const missing = COLORS.filter((color) => !httpRoutes.some((route) => routesHeaderTo(route, color)));
    if (missing.length === 0) return;
    const service = switchyardServiceOf(props);
    reportViolation(
      violationMessage({
        resource: describeResource(args.type, props, args.name),
        problem: `sets ${COLOR_HEADER} on the requests it sends but has no header route for ${missing.join(" or ")}`,
        rule: `a member of a lane group routes a request that carries ${COLOR_HEADER}: blue or green to that color before the weights, so a request keeps the color it entered with`,
        fix:
          `add a route matching ${COLOR_HEADER} exact ${missing.join("/")} to the subset of that color` +
          (service === undefined ? "" : ` (switchyard: deploy services.${service}.${missing[0]} so the service runs both colors, or set its group's lanes to false)`),
      }),
    );
  },
};

/** The color a destination puts into the lane header, if it sets one. */
function laneSetBy(destination: Data): Data | undefined {
  return path(destination, "headers", "request", "set", COLOR_HEADER);
}

/** Whether an http route sends requests carrying `color` in the lane header, and only those, to the subset `color`. */
function routesHeaderTo(route: Data, color: string): boolean {
  const matches = list(field(route, "match"));
  if (isUnknown(matches) || matches.length === 0) return false;
  const byHeader = matches.some((match) => path(match, "headers", COLOR_HEADER, "exact") === color);
  const destinations = list(field(route, "route"));
  if (isUnknown(destinations)) return false;
  return byHeader && destinations.length > 0 && destinations.every((destination) => destinationOf(destination).subset === color);
}
