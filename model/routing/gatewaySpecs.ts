import { COLORS, type Color, type RawMatch, type RawParentRef } from "../config/schema";
import { colorName, colorSelector, COLOR_HEADER } from "../naming";
import type { TrafficWeights } from "../traffic";
import { GATEWAY_GROUP, type BackendObjectReference, type HTTPBackendFilter, type HTTPRouteMatch, type HTTPRouteRule, type HTTPRouteSpec, type ParentReference } from "./gatewayTypes";
import { cookiePattern, idleColor, MATCH_ROUTE, WEIGHTED_ROUTE, type RoutingInput } from "./input";

/**
 * An HTTPRoute sends to Services, not to subsets: each color gets a Service
 * of its own, `<svc>-<color>`, selecting exactly that color's pods (the
 * labels its Deployment selects by). The name never changes on promotion.
 */
export function colorServiceName(service: string, color: Color): string {
  return colorName(service, color);
}

/** The selector of a color's Service: exactly its Deployment's pod selector. */
export function colorServiceSelector(service: string, color: Color): Record<string, string> {
  return colorSelector(service, color);
}

const EVERY_PATH = { type: "PathPrefix", value: "/" } as const;

/**
 * The same routes as the Istio router's VirtualService, as HTTPRoute rules:
 * one rule per color matching `x-switchyard-color`, the A/B rule (any
 * condition sends a request to the color that is not live), and the
 * weighted rule, whose RequestMirror filter copies `mirror` percent of its
 * requests to the idle color. The Gateway API picks the rule with the most
 * header matches first, so the header and A/B rules win over the weighted one.
 * With lanes, each weighted and A/B backend sets the color header on the
 * requests it receives, as the Istio router does.
 */
export function httpRouteSpec(input: RoutingInput): HTTPRouteSpec {
  const backend = (color: Color): BackendObjectReference => ({ group: "", kind: "Service", name: colorServiceName(input.service, color), port: input.port });
  const headerRules: HTTPRouteRule[] = input.colors.map((color) => ({
    name: `${color}-by-header`,
    matches: [{ path: EVERY_PATH, headers: [{ type: "Exact", name: COLOR_HEADER, value: color }] }],
    backendRefs: [{ ...backend(color), weight: 100 }],
  }));
  const lane = (color: Color) => (input.lanes ? { filters: [laneFilter(color)] } : {});
  const idle = idleColor(input);
  const matchRules: HTTPRouteRule[] =
    idle === undefined || input.match.length === 0
      ? []
      : [{ name: MATCH_ROUTE, matches: input.match.map(gatewayMatch), backendRefs: [{ ...backend(idle), weight: 100, ...lane(idle) }] }];
  const mirror = idle === undefined || input.mirror === 0 ? {} : { filters: [{ type: "RequestMirror" as const, requestMirror: { backendRef: backend(idle), percent: input.mirror } }] };
  const weightedRule: HTTPRouteRule = {
    name: WEIGHTED_ROUTE,
    matches: [{ path: EVERY_PATH }],
    ...mirror,
    backendRefs: input.colors.map((color) => ({ ...backend(color), weight: input.weights[color], ...lane(color) })),
  };
  return { parentRefs: input.parentRefs.map(parentReference), rules: [...headerRules, ...matchRules, weightedRule] };
}

/** Sets the lane on the requests a color's backend receives, as the Istio router's destination headers do. */
function laneFilter(color: Color): HTTPBackendFilter {
  return { type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: COLOR_HEADER, value: color }] } };
}

function parentReference(ref: RawParentRef): ParentReference {
  return { group: GATEWAY_GROUP, kind: "Gateway", ...ref };
}

function gatewayMatch(condition: RawMatch): HTTPRouteMatch {
  if (condition.header !== undefined) return { path: EVERY_PATH, headers: [{ type: "Exact", name: condition.header, value: condition.exact }] };
  return { path: EVERY_PATH, headers: [{ type: "RegularExpression", name: "cookie", value: cookiePattern(condition.cookie!, condition.exact) }] };
}

/**
 * The weights an HTTPRoute's weighted rule gives each color, read back from
 * the object the API server holds; undefined when it has no such rule. Each
 * color's share is its weight over the rule's total (the Gateway API's
 * weights are proportions), rounded to a percent.
 */
export function httpRouteWeights(spec: unknown, service: string): TrafficWeights | undefined {
  const rules = (spec as { rules?: unknown } | undefined)?.rules;
  if (!Array.isArray(rules)) return undefined;
  const weighted = rules.find((rule: { name?: unknown }) => rule?.name === WEIGHTED_ROUTE) as { backendRefs?: unknown } | undefined;
  if (!Array.isArray(weighted?.backendRefs)) return undefined;
  const refs = weighted.backendRefs as { name?: unknown; weight?: unknown }[];
  // The CRD defaults a missing weight to 1.
  const weightOf = (ref: { weight?: unknown }) => (typeof ref.weight === "number" ? ref.weight : 1);
  const total = refs.reduce((sum, ref) => sum + weightOf(ref), 0);
  const weights = Object.fromEntries(COLORS.map((color) => [color, 0])) as Record<Color, number>;
  for (const color of COLORS) {
    const ref = refs.find((candidate) => candidate.name === colorServiceName(service, color));
    if (ref !== undefined && total > 0) weights[color] = Math.round((weightOf(ref) * 100) / total);
  }
  return weights;
}
