import { describe, expect, it } from "vitest";
import { laneRoutes } from "../../policy/policies/laneRoutes";
import { parsed } from "../helpers/fixtures";
import { byName, switchyardResources, TYPES, type FixtureResource, type HTTPRouteProps, type VirtualServiceProps } from "./helpers/fixtures";
import { checkResource } from "./helpers/runPolicy";

/** checkout's VirtualService as the program renders it, its group `cart` with or without lanes. */
async function virtualService(lanes: boolean): Promise<{ resource: FixtureResource; spec: VirtualServiceProps["spec"] }> {
  const config = parsed((raw) => (raw.groups = { cart: { services: ["checkout"], lanes } }));
  const resources = await switchyardResources(config.services[0]);
  const resource = byName(resources, TYPES.virtualService, "checkout-virtualservice");
  return { resource, spec: (resource.props as VirtualServiceProps).spec };
}

const RULE =
  "a member of a lane group routes a request that carries x-switchyard-color: blue or green to that color before the weights, so a request keeps the color it entered with";

describe("lane-header-routes", () => {
  it("accepts a lane member as the program renders it: the weighted route sets the lane, a header route leads to each color", async () => {
    const { resource, spec } = await virtualService(true);
    const weighted = spec.http.find((route) => route.name === "weighted")!;
    expect(weighted.route.map((destination) => destination.headers)).toEqual([
      { request: { set: { "x-switchyard-color": "blue" } } },
      { request: { set: { "x-switchyard-color": "green" } } },
    ]);
    expect(await checkResource(laneRoutes, resource)).toEqual([]);
  });

  it("does not judge a VirtualService that sets no lane", async () => {
    const { resource, spec } = await virtualService(false);
    spec.http = spec.http.filter((route) => route.name === "weighted");
    expect(await checkResource(laneRoutes, resource)).toEqual([]);
  });

  it("reports a lane member without a header route for green, naming the color and the fix", async () => {
    const { resource, spec } = await virtualService(true);
    spec.http = spec.http.filter((route) => route.name !== "green-by-header");
    expect(await checkResource(laneRoutes, resource)).toEqual([
      {
        what: "VirtualService shop/checkout sets x-switchyard-color on the requests it sends but has no header route for green",
        rule: RULE,
        fix: "add a route matching x-switchyard-color exact green to the subset of that color (switchyard: deploy services.checkout.green so the service runs both colors, or set its group's lanes to false)",
      },
    ]);
  });

  it("does not count a header route that leads to the other color", async () => {
    const { resource, spec } = await virtualService(true);
    const blueByHeader = spec.http.find((route) => route.name === "blue-by-header")!;
    blueByHeader.route[0]!.destination.subset = "green";
    expect((await checkResource(laneRoutes, resource)).map((violation) => violation.what)).toEqual([
      "VirtualService shop/checkout sets x-switchyard-color on the requests it sends but has no header route for blue",
    ]);
  });
});

/** checkout's HTTPRoute (Gateway API router) as the program renders it, its group `cart` with or without lanes. */
async function httpRoute(lanes: boolean): Promise<{ resource: FixtureResource; spec: HTTPRouteProps["spec"] }> {
  const config = parsed((raw) => {
    raw.groups = { cart: { services: ["checkout"], lanes } };
    Object.assign(raw.services.checkout, { router: "gateway-api", parentRefs: [{ name: "shop-gateway", namespace: "gateways" }] });
  });
  const resources = await switchyardResources(config.services[0]);
  const resource = byName(resources, TYPES.httpRoute, "checkout-httproute");
  return { resource, spec: (resource.props as HTTPRouteProps).spec };
}

describe("lane-header-routes on an HTTPRoute", () => {
  it("accepts a lane member as the program renders it: the weighted backends set the lane, a header rule leads to each of them", async () => {
    const { resource, spec } = await httpRoute(true);
    const weighted = spec.rules.find((rule) => rule.name === "weighted")!;
    expect(weighted.backendRefs.map((backend) => backend.filters?.[0]?.requestHeaderModifier.set)).toEqual([
      [{ name: "x-switchyard-color", value: "blue" }],
      [{ name: "x-switchyard-color", value: "green" }],
    ]);
    expect(await checkResource(laneRoutes, resource)).toEqual([]);
  });

  it("does not judge an HTTPRoute that sets no lane", async () => {
    const { resource, spec } = await httpRoute(false);
    spec.rules = spec.rules.filter((rule) => rule.name === "weighted");
    expect(await checkResource(laneRoutes, resource)).toEqual([]);
  });

  it("reports a lane member without a header rule for blue, naming the color and the fix", async () => {
    const { resource, spec } = await httpRoute(true);
    spec.rules = spec.rules.filter((rule) => rule.name !== "blue-by-header");
    expect(await checkResource(laneRoutes, resource)).toEqual([
      {
        what: "HTTPRoute shop/checkout sets x-switchyard-color on the requests it sends but has no header route for blue",
        rule: RULE,
        fix: "add a route matching x-switchyard-color exact blue to the backend that sets that color (switchyard: deploy services.checkout.blue so the service runs both colors, or set its group's lanes to false)",
      },
    ]);
  });

  it("does not count a header rule for green that sends to the Service of the blue lane", async () => {
    const { resource, spec } = await httpRoute(true);
    spec.rules.find((rule) => rule.name === "green-by-header")!.backendRefs[0]!.name = "checkout-blue";
    expect((await checkResource(laneRoutes, resource)).map((violation) => violation.what)).toEqual([
      "HTTPRoute shop/checkout sets x-switchyard-color on the requests it sends but has no header route for green",
    ]);
  });
});
