import { beforeEach, describe, expect, it } from "vitest";
import { recordRegistrations, type Recorder } from "../helpers/mocks";
import { checkout } from "../helpers/fixtures";
import { BlueGreenService } from "../../resources/blueGreenService";
import type { ServiceConfig } from "../../model/config/settings";
import { planService } from "../../model/plan";
import { routingInput } from "../../model/routing/input";
import { routeObject } from "../../model/routing/routeObject";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const GATEWAY = [{ name: "shop-gateway", namespace: "gateways" }];

let recorder: Recorder;
beforeEach(() => {
  recorder = recordRegistrations();
});

const gatewayApi = (mutate: (service: Record<string, any>) => void = () => {}) =>
  checkout((s) => {
    Object.assign(s, { router: "gateway-api", parentRefs: GATEWAY });
    mutate(s);
  });

async function deploy(service: ServiceConfig): Promise<Recorder> {
  new BlueGreenService(service.name, { service, namespace: "shop" });
  await recorder.settle();
  return recorder;
}

const route = (r: Recorder) => r.byName(HTTP_ROUTE, "checkout-httproute");
const deploymentUrn = (r: Recorder, color: string) => r.byName(DEPLOYMENT, `checkout-${color}`).urn;

describe("a service under the Gateway API router", () => {
  it("gets a Service per color and an HTTPRoute instead of Istio's objects, all under its component", async () => {
    const r = await deploy(gatewayApi());
    const routing = r.registrations.filter((x) => x.type.includes("istio") || x.type === HTTP_ROUTE || x.type === SERVICE).map((x) => `${x.type} ${x.name}`);
    expect(routing.sort()).toEqual([`${SERVICE} checkout-blue-service`, `${SERVICE} checkout-green-service`, `${SERVICE} checkout-service`, `${HTTP_ROUTE} checkout-httproute`].sort());
    const component = r.byName("switchyard:service:BlueGreenService", "checkout").urn;
    expect(route(r).parent).toBe(component);
    expect(r.byName(SERVICE, "checkout-green-service").parent).toBe(component);
  });

  it("each color's Service selects exactly the labels its Deployment selects its pods by, under a name that never changes", async () => {
    for (const live of ["blue", "green"]) {
      recorder = recordRegistrations();
      const r = await deploy(gatewayApi((s) => (s.live = live)));
      for (const color of ["blue", "green"]) {
        const colorService = r.byName(SERVICE, `checkout-${color}-service`).inputs;
        expect(colorService.metadata.name).toBe(`checkout-${color}`);
        expect(colorService.spec.selector).toEqual(r.byName(DEPLOYMENT, `checkout-${color}`).inputs.spec.selector.matchLabels);
      }
    }
  });

  it("registers exactly the HTTPRoute the command's fast path applies", async () => {
    const service = gatewayApi((s) => Object.assign(s, { live: "green", canary: 25 }));
    const r = await deploy(service);
    expect(route(r).inputs).toEqual(routeObject(routingInput(planService(service), "shop")));
    expect(route(r).inputs.metadata.annotations["pulumi.com/patchFieldManager"]).toBe("switchyard");
  });

  it("the HTTPRoute waits for the live color, the color Services, and the idle color waits for the HTTPRoute", async () => {
    const r = await deploy(gatewayApi((s) => (s.idleReplicas = 1)));
    expect(route(r).dependencies).toEqual(expect.arrayContaining([deploymentUrn(r, "blue"), r.byName(SERVICE, "checkout-blue-service").urn, r.byName(SERVICE, "checkout-green-service").urn]));
    expect(route(r).dependencies).not.toContain(deploymentUrn(r, "green"));
    expect(r.byName(DEPLOYMENT, "checkout-green").dependencies).toContain(route(r).urn);
  });

  it.each([
    ["a canary", { canary: 5 }],
    ["mirroring", { mirror: 10 }],
    ["an A/B match", { match: [{ header: "x-user-group", exact: "beta" }] }],
  ])("with %s the HTTPRoute also waits for the idle color to be ready", async (_label, settings) => {
    const r = await deploy(gatewayApi((s) => Object.assign(s, settings)));
    expect(route(r).dependencies).toEqual(expect.arrayContaining([deploymentUrn(r, "blue"), deploymentUrn(r, "green")]));
    expect(r.byName(DEPLOYMENT, "checkout-green").dependencies).not.toContain(route(r).urn);
  });

  it("the Istio router's VirtualService also waits for a mirrored idle color", async () => {
    const r = await deploy(checkout((s) => (s.mirror = 10)));
    const virtualService = r.byName("kubernetes:networking.istio.io/v1:VirtualService", "checkout-virtualservice");
    expect(virtualService.dependencies).toContain(deploymentUrn(r, "green"));
  });

  it("status names the router", async () => {
    const component = new BlueGreenService("checkout", { service: gatewayApi(), namespace: "shop" });
    await recorder.settle();
    expect(component.status.router).toBe("gateway-api");
  });
});
