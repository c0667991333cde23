/**
 * The weights rule on one route object (a VirtualService, or an HTTPRoute
 * whose rules are its routes): every route's weights are integers
 * that sum to 100, and a split uses only the allowed canary steps. Pure (no
 * policy SDK), so the switchyard command checks a move it makes on the API
 * server with this very code before the pack sees the move in `pulumi up`.
 */
import { destinationOf, routesOf, weightOf, type Route } from "./istio";
import { field, isUnknown, type Data, type Unknown } from "./data";
import { httpRouteRulesOf } from "./gatewayApi";
import { describeResource, isHTTPRoute } from "./kubernetes";
import { violationMessage, type Finding } from "./messages";
import { switchyardServiceOf } from "./switchyard";

export interface WeightsOptions {
  /**
   * Canary steps a split may use. A weight passes when it, or 100 minus it,
   * is listed, so listing 5 allows a 95/5 split. Include 0 and 100 for
   * splits that keep a 0% destination.
   */
  readonly allowedCanaryWeights: readonly number[];
}

/** Every integer percentage: no restriction beyond the sum. */
export const WEIGHTS_DEFAULTS: WeightsOptions = { allowedCanaryWeights: Array.from({ length: 101 }, (_, weight) => weight) };

const SUM_RULE =
  "the weights of every route are integers from 0 to 100 that sum to exactly 100 (Istio no longer rejects other sums; a route's only destination takes 100 when it states no weight)";

function describeDestination(destination: Data, index: number): string {
  const backend = field(destination, "name");
  if (typeof backend === "string") return `Service ${backend}`;
  const { host, subset } = destinationOf(destination);
  if (typeof subset === "string") return `subset ${subset}`;
  return typeof host === "string" ? `host ${host}` : `destination ${index + 1}`;
}

function allKnown<T>(values: readonly (T | Unknown)[]): values is readonly T[] {
  return !values.some(isUnknown);
}

/** The sentence ending that tells a switchyard user which setting makes the split. */
function canaryHint(service: string | undefined): string {
  return service === undefined ? "" : ` (switchyard: services.${service}.canary sets the split; the live color gets 100 minus it)`;
}

/** What is wrong with one route's weights, or nothing; a route with a weight not known yet is not judged. */
function routeFinding(route: Route, options: WeightsOptions, service: string | undefined): Omit<Finding, "resource"> | undefined {
  const destinations = route.destinations;
  if (isUnknown(destinations) || destinations.length === 0) return undefined;
  const weights = destinations.map((destination) => weightOf(destination, destinations));
  if (!allKnown(weights)) return undefined;
  const share = (weight: number | undefined) => (weight === undefined ? "no weight" : `${weight}%`);
  const split = destinations.map((d, i) => `${share(weights[i])} to ${describeDestination(d, i)}`).join(", ");
  const numbers = weights.filter((w): w is number => typeof w === "number" && Number.isInteger(w) && w >= 0 && w <= 100);
  if (numbers.length < weights.length) {
    return {
      problem: `sends ${split}: every destination of a split needs an integer weight from 0 to 100`,
      rule: SUM_RULE,
      fix: `give each destination an integer weight so they sum to 100${canaryHint(service)}`,
    };
  }
  const sum = numbers.reduce((total, w) => total + w, 0);
  if (sum !== 100) {
    return { problem: `sends ${split}, ${sum}% in all`, rule: SUM_RULE, fix: `make the weights sum to 100${canaryHint(service)}` };
  }
  const allowed = options.allowedCanaryWeights;
  const isAllowed = (w: number) => allowed.includes(w) || allowed.includes(100 - w);
  if (numbers.length < 2 || numbers.every(isAllowed)) return undefined;
  return {
    problem: `sends ${split}, a step this stack does not allow`,
    rule: `a canary moves in the allowed steps ${allowed.join(", ")}% (the other side takes the rest; option allowedCanaryWeights)`,
    fix: `use one of the allowed steps${canaryHint(service)}`,
  };
}

/** Every route of a VirtualService, or every rule of an HTTPRoute. */
export function routesOfResource(type: string, props: Data): readonly Route[] | Unknown {
  return isHTTPRoute(type) ? httpRouteRulesOf(props) : routesOf(props);
}

/** One violation message per route of the VirtualService (rule of the HTTPRoute) whose weights break the rule. */
export function weightFindings(type: string, props: Data, pulumiName: string, options: WeightsOptions): string[] {
  const routes = routesOfResource(type, props);
  if (isUnknown(routes)) return [];
  const service = switchyardServiceOf(props);
  return routes.flatMap((route) => {
    const finding = routeFinding(route, options, service);
    return finding === undefined ? [] : [violationMessage({ resource: `${describeResource(type, props, pulumiName)} ${route.label}`, ...finding })];
  });
}
