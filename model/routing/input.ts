import type { Color, RawMatch, RawParentRef, RouterName } from "../config/schema";
import type { ServicePlan } from "../plan";
import type { TrafficWeights } from "../traffic";

/** The name of the route (HTTPRoute rule) that carries the weights; the same in every router, so weights are read back by it. */
export const WEIGHTED_ROUTE = "weighted";
/** The name of the route (HTTPRoute rule) that sends A/B-matched requests to the color that is not live. */
export const MATCH_ROUTE = "ab-match";

/** What a router needs to know about one service to route it; every router renders from exactly this. */
export interface RoutingInput {
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
  /** Colors that have a Deployment, in a fixed order (blue before green). */
  readonly colors: readonly Color[];
  readonly weights: TrafficWeights;
  readonly live: Color;
  /** Percent of live requests copied to the idle color (0: none). */
  readonly mirror: number;
  /** A/B conditions whose requests go to the color that is not live. */
  readonly match: readonly RawMatch[];
  readonly router: RouterName;
  /** The Gateways an HTTPRoute attaches to (gateway-api router only). */
  readonly parentRefs: readonly RawParentRef[];
  /**
   * The service is a member of a release group with lanes: each weighted (and
   * A/B) destination sets the color header on the requests it sends, so the
   * services it calls (which forward the header) keep them in that color.
   */
  readonly lanes: boolean;
}

/** What the routing of a planned service is made from. The program and the command's fast path both call this. */
export function routingInput(plan: ServicePlan, namespace: string): RoutingInput {
  const { service } = plan;
  return {
    service: service.name,
    namespace,
    port: service.port,
    colors: plan.colors.map((c) => c.color),
    weights: plan.weights,
    live: service.live,
    mirror: service.mirror,
    match: service.match,
    router: service.router,
    parentRefs: service.parentRefs,
    lanes: service.group?.lanes === true,
  };
}

/** The color that is not live, when it is deployed: where mirrored and A/B-matched requests go. */
export function idleColor(input: Pick<RoutingInput, "colors" | "live">): Color | undefined {
  return input.colors.find((color) => color !== input.live);
}

/**
 * An anchored RE2 pattern that a `Cookie` header matches when it carries the
 * cookie `name` with exactly `value` (cookies are `a=1; b=2`). Both routers
 * match cookies this way: neither has a cookie matcher of its own.
 */
export function cookiePattern(name: string, value: string): string {
  return `^(.*;\\s*)?${escapeRegex(name)}=${escapeRegex(value)}(;.*)?$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
