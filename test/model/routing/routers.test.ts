import { describe, expect, it } from "vitest";
import { planService } from "../../../model/plan";
import { cookiePattern, routingInput } from "../../../model/routing/input";
import { routeObject, ROUTE_KINDS } from "../../../model/routing/routeObject";
import { checkout } from "../../helpers/fixtures";

const GATEWAY = [{ name: "shop-gateway", namespace: "gateways", sectionName: "http" }];
const gatewayApi = (service: Record<string, any>) => Object.assign(service, { router: "gateway-api", parentRefs: GATEWAY });
const input = (mutate: (service: Record<string, any>) => void = () => {}) => routingInput(planService(checkout(mutate)), "shop");
const rules = (mutate: (service: Record<string, any>) => void = () => {}) =>
  (routeObject(input((s) => mutate(gatewayApi(s)))).spec as any).rules as any[];
const httpRoutes = (mutate: (service: Record<string, any>) => void = () => {}) => (routeObject(input(mutate)).spec as any).http as any[];

describe("the Gateway API router renders one HTTPRoute per service", () => {
  it("attached to the configured Gateways, sending to one Service per color by weight", () => {
    const object = routeObject(input((s) => Object.assign(gatewayApi(s), { canary: 5 })));
    expect(object).toMatchObject({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "checkout", namespace: "shop" } });
    const spec = object.spec as any;
    expect(spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", ...GATEWAY[0] }]);
    expect(spec.rules.at(-1)).toEqual({
      name: "weighted",
      matches: [{ path: { type: "PathPrefix", value: "/" } }],
      backendRefs: [
        { group: "", kind: "Service", name: "checkout-blue", port: 8080, weight: 95 },
        { group: "", kind: "Service", name: "checkout-green", port: 8080, weight: 5 },
      ],
    });
  });

  it("reaches each color directly with the x-switchyard-color header, as the Istio router does", () => {
    const byHeader = rules().filter((rule) => rule.name.endsWith("-by-header"));
    expect(byHeader.map((rule) => [rule.matches[0].headers, rule.backendRefs.map((ref: any) => ref.name)])).toEqual([
      [[{ type: "Exact", name: "x-switchyard-color", value: "blue" }], ["checkout-blue"]],
      [[{ type: "Exact", name: "x-switchyard-color", value: "green" }], ["checkout-green"]],
    ]);
    const istio = httpRoutes().filter((route) => route.name.endsWith("-by-header"));
    expect(istio.map((route) => Object.keys(route.match[0].headers))).toEqual([["x-switchyard-color"], ["x-switchyard-color"]]);
  });

  it("reads back the weights it wrote, and the proportions the Gateway API gives weights that do not sum to 100", () => {
    const kind = ROUTE_KINDS["gateway-api"];
    const spec = routeObject(input((s) => Object.assign(gatewayApi(s), { live: "green", canary: 25 }))).spec;
    expect(kind.weightsOf(spec, "checkout")).toEqual({ blue: 25, green: 75 });
    const proportions = { rules: [{ name: "weighted", backendRefs: [{ name: "checkout-blue", weight: 1 }, { name: "checkout-green", weight: 3 }] }] };
    expect(kind.weightsOf(proportions, "checkout")).toEqual({ blue: 25, green: 75 });
    expect(kind.weightsOf({ rules: [] }, "checkout")).toBeUndefined();
  });

  it("keeps the istio router's VirtualService as it was", () => {
    expect(routeObject(input())).toMatchObject({ apiVersion: "networking.istio.io/v1", kind: "VirtualService" });
    expect(httpRoutes().map((route) => route.name)).toEqual(["blue-by-header", "green-by-header", "weighted"]);
  });
});

describe("mirroring copies the configured share of the weighted route's requests to the idle color", () => {
  it("with Istio's mirror and mirrorPercentage", () => {
    const weighted = httpRoutes((s) => (s.mirror = 10)).at(-1);
    expect(weighted.mirror).toEqual({ host: "checkout.shop.svc.cluster.local", subset: "green", port: { number: 8080 } });
    expect(weighted.mirrorPercentage).toEqual({ value: 10 });
    expect(weighted.route.map((d: any) => d.weight)).toEqual([100, 0]);
  });

  it("with the HTTPRoute's RequestMirror filter and its percent, to the idle color after a promotion", () => {
    const weighted = rules((s) => Object.assign(s, { live: "green", mirror: 20 })).at(-1);
    expect(weighted.filters).toEqual([{ type: "RequestMirror", requestMirror: { backendRef: { group: "", kind: "Service", name: "checkout-blue", port: 8080 }, percent: 20 } }]);
  });

  it("without mirror, neither router mirrors", () => {
    expect(httpRoutes().at(-1)).not.toHaveProperty("mirror");
    expect(rules().at(-1)).not.toHaveProperty("filters");
  });
});

describe("A/B matches send requests that meet any condition to the color that is not live", () => {
  const match = [{ header: "x-user-group", exact: "beta" }, { cookie: "beta", exact: "1" }];

  it("as an Istio route before the weighted one", () => {
    const routes = httpRoutes((s) => (s.match = match));
    expect(routes.map((route) => route.name)).toEqual(["blue-by-header", "green-by-header", "ab-match", "weighted"]);
    expect(routes[2]).toEqual({
      name: "ab-match",
      match: [
        { name: "ab-1", headers: { "x-user-group": { exact: "beta" } } },
        { name: "ab-2", headers: { cookie: { regex: cookiePattern("beta", "1") } } },
      ],
      route: [{ destination: { host: "checkout.shop.svc.cluster.local", subset: "green", port: { number: 8080 } } }],
    });
  });

  it("as an HTTPRoute rule whose header matches win over the weighted rule", () => {
    const rule = rules((s) => (s.match = match)).find((candidate) => candidate.name === "ab-match");
    expect(rule).toEqual({
      name: "ab-match",
      matches: [
        { path: { type: "PathPrefix", value: "/" }, headers: [{ type: "Exact", name: "x-user-group", value: "beta" }] },
        { path: { type: "PathPrefix", value: "/" }, headers: [{ type: "RegularExpression", name: "cookie", value: cookiePattern("beta", "1") }] },
      ],
      backendRefs: [{ group: "", kind: "Service", name: "checkout-green", port: 8080, weight: 100 }],
    });
  });

  it("match a cookie anywhere in the Cookie header, and only with exactly that value", () => {
    const pattern = new RegExp(cookiePattern("beta", "1.5"));
    expect(["beta=1.5", "a=b; beta=1.5", "beta=1.5; c=d", "a=b;beta=1.5;c=d"].every((header) => pattern.test(header))).toBe(true);
    expect(["beta=105", "xbeta=1.5", "beta=1.50", "a=beta=1.5"].some((header) => pattern.test(header))).toBe(false);
  });
});

describe("what each color is asked to run", () => {
  it("the color that serves A/B-matched requests runs full replicas and is ready before the route", () => {
    const plan = planService(checkout((s) => Object.assign(s, { idleReplicas: 1, match: [{ header: "x-user-group", exact: "beta" }] })));
    expect(plan.colors.map((c) => [c.color, c.replicas, c.receivesRequests])).toEqual([
      ["blue", 3, true],
      ["green", 3, true],
    ]);
  });

  it("a mirrored idle color keeps idleReplicas, and the route waits for it", () => {
    const plan = planService(checkout((s) => Object.assign(s, { idleReplicas: 1, mirror: 10 })));
    expect(plan.colors.map((c) => [c.color, c.replicas, c.receivesRequests])).toEqual([
      ["blue", 3, true],
      ["green", 1, true],
    ]);
  });

  it("an idle color with no requests waits for the route instead", () => {
    expect(planService(checkout()).colors.map((c) => c.receivesRequests)).toEqual([true, false]);
  });
});
