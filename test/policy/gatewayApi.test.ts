import { describe, expect, it } from "vitest";
import { trafficOnlyToReadyCapacity } from "../../policy/policies/readyCapacity";
import { weights } from "../../policy/policies/weights";
import { checkout } from "../helpers/fixtures";
import { byName, deploymentProps, switchyardResources, TYPES, type FixtureResource, type HTTPRouteProps, type ServiceProps, type VirtualServiceProps } from "./helpers/fixtures";
import { checkResource, checkStack } from "./helpers/runPolicy";

const GATEWAY = [{ name: "shop-gateway", namespace: "gateways" }];
const WEIGHTED = 'HTTPRoute shop/checkout rule "weighted"';

/** switchyard's resources for checkout under the Gateway API router. */
const gatewayStack = (mutate: (service: Record<string, any>) => void = () => {}) =>
  switchyardResources(
    checkout((service) => {
      Object.assign(service, { router: "gateway-api", parentRefs: GATEWAY });
      mutate(service);
    }),
  );

const httpRoute = (resources: FixtureResource[]) => byName(resources, TYPES.httpRoute, "checkout-httproute");
const spec = (resources: FixtureResource[]) => (httpRoute(resources).props as HTTPRouteProps).spec;
const weightedRule = (resources: FixtureResource[]) => spec(resources).rules.find((rule) => rule.name === "weighted")!;
const deployment = (resources: FixtureResource[], color: string) => byName(resources, TYPES.deployment, `checkout-${color}`);
const colorService = (resources: FixtureResource[], color: string) => byName(resources, TYPES.service, `checkout-${color}-service`);

describe("the weights policy covers HTTPRoutes as it covers VirtualServices", () => {
  it.each([0, 5, 50])("accepts switchyard's HTTPRoute with a %i%% canary", async (canary) => {
    expect(await checkResource(weights, httpRoute(await gatewayStack((s) => (s.canary = canary))))).toEqual([]);
  });

  it("reports a rule whose weights do not sum to 100", async () => {
    const resources = await gatewayStack((s) => (s.canary = 10));
    weightedRule(resources).backendRefs[1]!.weight = 20;
    expect((await checkResource(weights, httpRoute(resources))).map((v) => v.what)).toEqual([
      `${WEIGHTED} sends 90% to Service checkout-blue, 20% to Service checkout-green, 110% in all`,
    ]);
  });

  it("reports a split outside the allowed steps", async () => {
    const resources = await gatewayStack((s) => (s.canary = 10));
    expect((await checkResource(weights, httpRoute(resources), { allowedCanaryWeights: [0, 5, 25, 50, 100] })).map((v) => v.what)).toEqual([
      `${WEIGHTED} sends 90% to Service checkout-blue, 10% to Service checkout-green, a step this stack does not allow`,
    ]);
  });
});

describe("traffic-only-to-ready-capacity covers HTTPRoutes and mirroring", () => {
  it.each([
    ["all traffic on blue", {}],
    ["a canary", { canary: 5 }],
    ["mirroring", { mirror: 10 }],
    ["an A/B match", { match: [{ header: "x-user-group", exact: "beta" }] }],
  ])("accepts switchyard's stack with %s", async (_label, settings) => {
    expect(await checkStack(trafficOnlyToReadyCapacity, await gatewayStack((s) => Object.assign(s, settings)))).toEqual([]);
  });

  it("reports weight on a color with no replicas", async () => {
    const resources = await gatewayStack((s) => (s.canary = 5));
    deploymentProps(deployment(resources, "green")).spec!.replicas = 0;
    expect((await checkStack(trafficOnlyToReadyCapacity, resources)).map((v) => v.what)).toEqual([
      `${WEIGHTED} sends 5% to Service checkout-green, whose Deployment shop/checkout-green runs 0 replicas`,
    ]);
  });

  it("reports weight on a color the HTTPRoute does not wait for", async () => {
    const resources = await gatewayStack((s) => (s.canary = 5));
    const route = httpRoute(resources);
    route.dependencies = route.dependencies.filter((urn) => urn !== deployment(resources, "green").urn);
    expect((await checkStack(trafficOnlyToReadyCapacity, resources)).map((v) => v.what)).toEqual([
      `${WEIGHTED} sends 5% to Service checkout-green, but does not depend on Deployment shop/checkout-green, so Pulumi may write the weights before its pods are rolled out and ready`,
    ]);
  });

  it("reports a color Service that does not select exactly its Deployment's pods", async () => {
    const resources = await gatewayStack((s) => (s.canary = 5));
    (colorService(resources, "green").props as ServiceProps).spec!.selector = { "app.kubernetes.io/name": "checkout" };
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([
      expect.objectContaining({
        what: `${WEIGHTED} sends 5% to Service checkout-green, which selects pods labelled {"app.kubernetes.io/name":"checkout"}, but no Deployment has exactly these labels as spec.selector.matchLabels (a Service an HTTPRoute sends to selects exactly the labels a Deployment selects its pods by (spec.selector.matchLabels), so the backend is that Deployment's pods and no others)`,
        urn: httpRoute(resources).urn,
      }),
    ]);
  });

  it("reports weight on a Service the stack does not have", async () => {
    const resources = (await gatewayStack((s) => (s.canary = 5))).filter((resource) => resource.name !== "checkout-green-service");
    expect((await checkStack(trafficOnlyToReadyCapacity, resources)).map((v) => v.what)).toEqual([
      `${WEIGHTED} sends 5% to Service checkout-green, but no Service of that name is in the stack`,
    ]);
  });

  it("reports mirroring to a color with no replicas, on either router", async () => {
    const gateway = await gatewayStack((s) => (s.mirror = 10));
    deploymentProps(deployment(gateway, "green")).spec!.replicas = 0;
    expect((await checkStack(trafficOnlyToReadyCapacity, gateway)).map((v) => v.what)).toEqual([
      `${WEIGHTED} mirrors requests to Service checkout-green, whose Deployment shop/checkout-green runs 0 replicas`,
    ]);
    const istio = await switchyardResources(checkout((s) => (s.mirror = 10)));
    deploymentProps(deployment(istio, "green")).spec!.replicas = 0;
    expect((await checkStack(trafficOnlyToReadyCapacity, istio)).map((v) => v.what)).toEqual([
      'VirtualService shop/checkout http route "weighted" mirrors requests to subset green of checkout.shop.svc.cluster.local, whose Deployment shop/checkout-green runs 0 replicas',
    ]);
    const virtualService = byName(istio, TYPES.virtualService, "checkout-virtualservice").props as VirtualServiceProps;
    expect(virtualService.spec.http.at(-1)!.mirrorPercentage).toEqual({ value: 10 });
  });
});
