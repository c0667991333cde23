import { describe, expect, it } from "vitest";
import { COLOR_HEADER } from "../../../model/naming";
import { planService } from "../../../model/plan";
import { routingInput } from "../../../model/routing/input";
import { routeObject } from "../../../model/routing/routeObject";
import { checkout, parsed } from "../../helpers/fixtures";

const GATEWAY = [{ name: "shop-gateway", namespace: "gateways" }];
const LANE_SET = (color: string) => ({ request: { set: { [COLOR_HEADER]: color } } });
const LANE_FILTER = (color: string) => [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: COLOR_HEADER, value: color }] } }];

/** checkout at a 25% canary, green matched for beta users, a member of group `cart` with or without lanes. */
function input(lanes: boolean, router: "istio" | "gateway-api" = "istio") {
  const service = checkout((s) => Object.assign(s, { canary: 25, match: [{ header: "x-user-group", exact: "beta" }] }, router === "istio" ? {} : { router, parentRefs: GATEWAY }));
  return routingInput(planService({ ...service, group: { name: "cart", lanes } }), "shop");
}

describe("lanes: a request keeps its color across the call chain", () => {
  it("Istio: each weighted destination, and the A/B route's, sets the lane header to its own color; the header routes stay ahead of the weights", () => {
    const http = (routeObject(input(true)).spec as any).http as any[];
    expect(http.map((route) => route.name)).toEqual(["blue-by-header", "green-by-header", "ab-match", "weighted"]);
    expect(http[0].match).toEqual([{ name: "blue", headers: { [COLOR_HEADER]: { exact: "blue" } } }]);
    expect(http[0].route[0].headers).toBeUndefined();
    expect(http[2].route.map((destination: any) => destination.headers)).toEqual([LANE_SET("green")]);
    expect(http[3].route.map((destination: any) => [destination.destination.subset, destination.weight, destination.headers])).toEqual([
      ["blue", 75, LANE_SET("blue")],
      ["green", 25, LANE_SET("green")],
    ]);
  });

  it("Gateway API: each weighted backend, and the A/B rule's, sets the lane header with a RequestHeaderModifier filter", () => {
    const rules = (routeObject(input(true, "gateway-api")).spec as any).rules as any[];
    expect(rules.map((rule) => rule.name)).toEqual(["blue-by-header", "green-by-header", "ab-match", "weighted"]);
    expect(rules[0].backendRefs[0].filters).toBeUndefined();
    expect(rules[2].backendRefs.map((backend: any) => [backend.name, backend.filters])).toEqual([["checkout-green", LANE_FILTER("green")]]);
    expect(rules[3].backendRefs.map((backend: any) => [backend.name, backend.weight, backend.filters])).toEqual([
      ["checkout-blue", 75, LANE_FILTER("blue")],
      ["checkout-green", 25, LANE_FILTER("green")],
    ]);
  });

  it.each(["istio", "gateway-api"] as const)("%s: without lanes, a group member's route object is exactly that of a service in no group", (router) => {
    const alone = routingInput(planService(checkout((s) => Object.assign(s, { canary: 25, match: [{ header: "x-user-group", exact: "beta" }] }, router === "istio" ? {} : { router, parentRefs: GATEWAY }))), "shop");
    expect(alone.lanes).toBe(false);
    expect(routeObject(input(false, router))).toEqual(routeObject(alone));
  });

  it("the parsed stack config gives a member of a group with lanes its lanes, in the program and the fast path alike (one routing input)", () => {
    const withLanes = parsed((raw) => (raw.groups = { cart: { services: ["checkout"], lanes: true } }));
    expect(routingInput(planService(withLanes.services[0]!), "shop").lanes).toBe(true);
    const withoutLanes = parsed((raw) => (raw.groups = { cart: { services: ["checkout"], lanes: false } }));
    expect(routingInput(planService(withoutLanes.services[0]!), "shop").lanes).toBe(false);
  });
});
