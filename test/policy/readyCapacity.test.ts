import { describe, expect, it } from "vitest";
import { trafficOnlyToReadyCapacity } from "../../policy/policies/readyCapacity";
import { checkout } from "../helpers/fixtures";
import {
  byName,
  deploymentProps,
  inPreview,
  switchyardResources,
  TYPES,
  UNKNOWN_DURING_PREVIEW,
  type DestinationRuleProps,
  type FixtureResource,
  type VirtualServiceProps,
} from "./helpers/fixtures";
import { checkStack } from "./helpers/runPolicy";

const READY_RULE =
  "traffic only goes to ready capacity: a subset (with the Gateway API, a Service) with weight above 0, or that requests are mirrored to, is a Deployment with replicas above 0 that the route object depends on and that Pulumi waits for (no pulumi.com/skipAwait), so the weights change only once its pods are ready";
const SENDS_TO_GREEN = 'VirtualService shop/checkout http route "weighted" sends 5% to subset green of checkout.shop.svc.cluster.local';

/** switchyard's resources for checkout with a canary (5% by default: both colors get weighted traffic). */
const stackWithCanary = (canary = 5, mutate: (service: Record<string, any>) => void = () => {}) =>
  switchyardResources(
    checkout((service) => {
      service.canary = canary;
      mutate(service);
    }),
  );

const deployment = (resources: FixtureResource[], color: string) => byName(resources, TYPES.deployment, `checkout-${color}`);
const virtualService = (resources: FixtureResource[]) => byName(resources, TYPES.virtualService, "checkout-virtualservice");
const destinationRule = (resources: FixtureResource[]) => byName(resources, TYPES.destinationRule, "checkout-destinationrule");

/** Replaces one resource of the stack with its preview form (see inPreview). */
function previewing(resources: FixtureResource[], target: FixtureResource, markUnknown: (props: any) => void): FixtureResource[] {
  return resources.map((resource) => (resource === target ? inPreview(resource, markUnknown) : resource));
}

describe("traffic-only-to-ready-capacity", () => {
  it.each([
    ["all traffic on blue, green idle", 0],
    ["a 5% canary on green", 5],
    ["a 50/50 split", 50],
  ])("accepts switchyard's stack with %s", async (_, canary) => {
    expect(await checkStack(trafficOnlyToReadyCapacity, await stackWithCanary(canary))).toEqual([]);
  });

  it("accepts switchyard's design for an idle color: its Deployment depends on the VirtualService, not the other way round", async () => {
    const resources = await stackWithCanary(0);
    expect(virtualService(resources).dependencies).not.toContain(deployment(resources, "green").urn);
    expect(deployment(resources, "green").dependencies).toContain(virtualService(resources).urn);
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([]);
  });

  it("accepts a service with one color", async () => {
    expect(await checkStack(trafficOnlyToReadyCapacity, await switchyardResources(checkout((service) => delete service.green)))).toEqual([]);
  });

  it("reports weight on a color the VirtualService does not wait for", async () => {
    const resources = await stackWithCanary();
    const routing = virtualService(resources);
    routing.dependencies = routing.dependencies.filter((urn) => urn !== deployment(resources, "green").urn);
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([
      {
        what: `${SENDS_TO_GREEN}, but does not depend on Deployment shop/checkout-green, so Pulumi may write the weights before its pods are rolled out and ready`,
        rule: READY_RULE,
        fix: "make the route object depend on the Deployment (dependsOn), as switchyard does for every color that receives requests",
        urn: routing.urn,
      },
    ]);
  });

  it("reports weight on a color with no replicas", async () => {
    const resources = await stackWithCanary();
    deploymentProps(deployment(resources, "green")).spec!.replicas = 0;
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([
      {
        what: `${SENDS_TO_GREEN}, whose Deployment shop/checkout-green runs 0 replicas`,
        rule: READY_RULE,
        fix: "scale the Deployment up and let it become ready before it gets weight, or send it no weight",
        urn: virtualService(resources).urn,
      },
    ]);
  });

  it("reports weight on a color Pulumi is told not to wait for", async () => {
    const resources = await stackWithCanary();
    deploymentProps(deployment(resources, "green")).metadata!.annotations!["pulumi.com/skipAwait"] = "true";
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([
      {
        what: `${SENDS_TO_GREEN}, whose Deployment shop/checkout-green carries pulumi.com/skipAwait: "true", so Pulumi does not wait for its pods to be ready`,
        rule: READY_RULE,
        fix: "remove the pulumi.com/skipAwait annotation from the Deployment",
        urn: virtualService(resources).urn,
      },
    ]);
  });

  it("reports a subset that selects other labels than its Deployment's selector, once", async () => {
    const resources = await stackWithCanary();
    const rule = destinationRule(resources);
    (rule.props as DestinationRuleProps).spec.subsets[1]!.labels.version = "1.5.0";
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([
      {
        what: 'DestinationRule shop/checkout subset "green" selects pods labelled {"app.kubernetes.io/name":"checkout","switchyard.dev/color":"green","version":"1.5.0"}, but no Deployment in namespace shop has exactly these labels as spec.selector.matchLabels',
        rule: "a DestinationRule subset selects exactly the labels a Deployment selects its pods by (spec.selector.matchLabels), so the subset is that Deployment's pods and no others",
        fix: "set the subset's labels to the spec.selector.matchLabels of the Deployment that runs this subset",
        urn: rule.urn,
      },
    ]);
  });

  it("reports a subset whose labels match a Deployment of another namespace only", async () => {
    const resources = await stackWithCanary(0);
    deploymentProps(deployment(resources, "green")).metadata!.namespace = "other";
    expect((await checkStack(trafficOnlyToReadyCapacity, resources)).map((v) => v.what)).toEqual([
      expect.stringMatching(/^DestinationRule shop\/checkout subset "green" selects pods labelled .*, but no Deployment in namespace shop has/),
    ]);
  });

  it("reports weight on a subset the DestinationRule does not define", async () => {
    const resources = await stackWithCanary();
    const rule = destinationRule(resources).props as DestinationRuleProps;
    rule.spec.subsets = rule.spec.subsets.filter((subset) => subset.name !== "green");
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([
      {
        what: `${SENDS_TO_GREEN}, but DestinationRule shop/checkout defines no subset green`,
        rule: READY_RULE,
        fix: "add subset green to the DestinationRule, or send it no weight",
        urn: virtualService(resources).urn,
      },
    ]);
  });

  it("reports weighted subsets of a host no DestinationRule defines", async () => {
    const resources = (await stackWithCanary()).filter((resource) => resource.type !== TYPES.destinationRule);
    expect((await checkStack(trafficOnlyToReadyCapacity, resources)).map((v) => v.what)).toEqual([
      'VirtualService shop/checkout http route "weighted" sends 95% to subset blue of checkout.shop.svc.cluster.local, but no DestinationRule in the stack defines that host',
      `${SENDS_TO_GREEN}, but no DestinationRule in the stack defines that host`,
    ]);
  });

  it("resolves a short host name in the VirtualService's namespace", async () => {
    const resources = await stackWithCanary();
    const spec = (virtualService(resources).props as VirtualServiceProps).spec;
    for (const route of spec.http) for (const destination of route.route) destination.destination.host = "checkout";
    deploymentProps(deployment(resources, "green")).spec!.replicas = 0;
    expect((await checkStack(trafficOnlyToReadyCapacity, resources)).map((v) => v.what)).toEqual([
      'VirtualService shop/checkout http route "weighted" sends 5% to subset green of checkout, whose Deployment shop/checkout-green runs 0 replicas',
    ]);
  });

  it("leaves header routes to the idle color alone: they are opt-in smoke tests", async () => {
    const resources = await stackWithCanary(0, (service) => (service.idleReplicas = 0));
    expect(deploymentProps(deployment(resources, "green")).spec!.replicas).toBe(0);
    expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toEqual([]);
  });

  describe("during a preview", () => {
    it("raises no alarm while the VirtualService's spec is not known, and reports the update", async () => {
      const resources = await stackWithCanary();
      deploymentProps(deployment(resources, "green")).spec!.replicas = 0;
      const previewed = previewing(resources, virtualService(resources), (props) => (props.spec = UNKNOWN_DURING_PREVIEW));
      expect(await checkStack(trafficOnlyToReadyCapacity, previewed)).toEqual([]);
      expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toHaveLength(1);
    });

    it("raises no alarm while a Deployment's replicas are not known, and still checks the rest", async () => {
      const resources = await stackWithCanary();
      const green = deployment(resources, "green");
      deploymentProps(green).spec!.replicas = 0;
      deploymentProps(green).metadata!.annotations!["pulumi.com/skipAwait"] = "true";
      const previewed = previewing(resources, green, (props) => (props.spec.replicas = UNKNOWN_DURING_PREVIEW));
      expect((await checkStack(trafficOnlyToReadyCapacity, previewed)).map((v) => v.what)).toEqual([
        `${SENDS_TO_GREEN}, whose Deployment shop/checkout-green carries pulumi.com/skipAwait: "true", so Pulumi does not wait for its pods to be ready`,
      ]);
      expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toHaveLength(2);
    });

    it("raises no alarm while a Deployment's namespace or selector is not known", async () => {
      const resources = await stackWithCanary();
      const green = deployment(resources, "green");
      deploymentProps(green).metadata!.namespace = "other";
      const unknownNamespace = previewing(resources, green, (props) => (props.metadata.namespace = UNKNOWN_DURING_PREVIEW));
      const unknownSelector = previewing(resources, green, (props) => (props.spec.selector = UNKNOWN_DURING_PREVIEW));
      expect(await checkStack(trafficOnlyToReadyCapacity, unknownNamespace)).toEqual([]);
      expect(await checkStack(trafficOnlyToReadyCapacity, unknownSelector)).toHaveLength(1);
      expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toHaveLength(1);
    });

    it("raises no alarm while the DestinationRule is not known", async () => {
      const resources = await stackWithCanary();
      const rule = destinationRule(resources).props as DestinationRuleProps;
      rule.spec.subsets = [];
      const previewed = previewing(resources, destinationRule(resources), (props) => (props.spec = UNKNOWN_DURING_PREVIEW));
      expect(await checkStack(trafficOnlyToReadyCapacity, previewed)).toEqual([]);
      expect(await checkStack(trafficOnlyToReadyCapacity, resources)).toHaveLength(2);
    });
  });
});
