import { describe, expect, it } from "vitest";
import { weights } from "../../policy/policies/weights";
import { checkout } from "../helpers/fixtures";
import { byName, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource, type VirtualServiceProps } from "./helpers/fixtures";
import { checkResource } from "./helpers/runPolicy";

const SUM_RULE =
  "the weights of every route are integers from 0 to 100 that sum to exactly 100 (Istio no longer rejects other sums; a route's only destination takes 100 when it states no weight)";
const CANARY_HINT = "(switchyard: services.checkout.canary sets the split; the live color gets 100 minus it)";
const WEIGHTED = 'VirtualService shop/checkout http route "weighted"';
const PROD = { allowedCanaryWeights: [0, 5, 25, 50, 100] };

/** switchyard's VirtualService for checkout with the given canary, and its weighted route. */
async function virtualService(canary = 0): Promise<{ resource: FixtureResource; spec: VirtualServiceProps["spec"] }> {
  const resources = await switchyardResources(checkout((service) => (service.canary = canary)));
  const resource = byName(resources, TYPES.virtualService, "checkout-virtualservice");
  return { resource, spec: (resource.props as VirtualServiceProps).spec };
}

const weighted = (spec: VirtualServiceProps["spec"]) => spec.http.find((route) => route.name === "weighted")!;

describe("weights", () => {
  it("accepts switchyard's VirtualService, whose header routes have one destination without a weight (100%)", async () => {
    const { resource, spec } = await virtualService(0);
    expect(spec.http.filter((route) => route.name.endsWith("-by-header")).map((route) => route.route)).toEqual([
      [{ destination: expect.objectContaining({ subset: "blue" }) }],
      [{ destination: expect.objectContaining({ subset: "green" }) }],
    ]);
    expect(weighted(spec).route.map((d) => d.weight)).toEqual([100, 0]);
    expect(await checkResource(weights, resource)).toEqual([]);
  });

  it("reports a split that adds up to more than 100", async () => {
    const { resource, spec } = await virtualService(10);
    weighted(spec).route[0]!.weight = 90;
    weighted(spec).route[1]!.weight = 20;
    expect(await checkResource(weights, resource)).toEqual([
      { what: `${WEIGHTED} sends 90% to subset blue, 20% to subset green, 110% in all`, rule: SUM_RULE, fix: `make the weights sum to 100 ${CANARY_HINT}` },
    ]);
  });

  it("reports a split that adds up to less than 100", async () => {
    const { resource, spec } = await virtualService(10);
    weighted(spec).route[0]!.weight = 80;
    expect((await checkResource(weights, resource)).map((v) => v.what)).toEqual([`${WEIGHTED} sends 80% to subset blue, 10% to subset green, 90% in all`]);
  });

  it("reports a destination of a split without a weight", async () => {
    const { resource, spec } = await virtualService(0);
    delete weighted(spec).route[1]!.weight;
    expect(await checkResource(weights, resource)).toEqual([
      {
        what: `${WEIGHTED} sends 100% to subset blue, no weight to subset green: every destination of a split needs an integer weight from 0 to 100`,
        rule: SUM_RULE,
        fix: `give each destination an integer weight so they sum to 100 ${CANARY_HINT}`,
      },
    ]);
  });

  it("reports weights that are not whole percentages, even when they sum to 100", async () => {
    const { resource, spec } = await virtualService(10);
    weighted(spec).route[0]!.weight = 97.5;
    weighted(spec).route[1]!.weight = 2.5;
    expect((await checkResource(weights, resource)).map((v) => v.what)).toEqual([
      `${WEIGHTED} sends 97.5% to subset blue, 2.5% to subset green: every destination of a split needs an integer weight from 0 to 100`,
    ]);
  });

  it("reports a lone destination whose stated weight is not 100", async () => {
    const { resource, spec } = await virtualService(0);
    spec.http[0]!.route[0]!.weight = 50;
    expect((await checkResource(weights, resource)).map((v) => v.what)).toEqual([
      'VirtualService shop/checkout http route "blue-by-header" sends 50% to subset blue, 50% in all',
    ]);
  });

  it("allows only the configured canary steps, counting the stable side as the rest (prod)", async () => {
    for (const canary of [0, 5, 25, 50]) {
      expect(await checkResource(weights, (await virtualService(canary)).resource, PROD)).toEqual([]);
    }
    expect(await checkResource(weights, (await virtualService(10)).resource, PROD)).toEqual([
      {
        what: `${WEIGHTED} sends 90% to subset blue, 10% to subset green, a step this stack does not allow`,
        rule: "a canary moves in the allowed steps 0, 5, 25, 50, 100% (the other side takes the rest; option allowedCanaryWeights)",
        fix: `use one of the allowed steps ${CANARY_HINT}`,
      },
    ]);
    expect(await checkResource(weights, (await virtualService(10)).resource)).toEqual([]);
  });

  it("checks TCP routes too, naming an unnamed route by position and a destination by host", async () => {
    const resource: FixtureResource = {
      type: "kubernetes:networking.istio.io/v1beta1:VirtualService",
      name: "db",
      urn: "urn:pulumi:test::switchyard::kubernetes:networking.istio.io/v1beta1:VirtualService::db",
      props: {
        metadata: { name: "db", namespace: "shop" },
        spec: { hosts: ["db"], tcp: [{ route: [{ destination: { host: "db-a" }, weight: 60 }, { destination: { host: "db-b" }, weight: 60 }] }] },
      },
      dependencies: [],
    };
    expect(await checkResource(weights, resource)).toEqual([
      { what: "VirtualService shop/db tcp route 1 sends 60% to host db-a, 60% to host db-b, 120% in all", rule: SUM_RULE, fix: "make the weights sum to 100" },
    ]);
  });

  it("does not judge a route while one of its weights is not known during a preview, and reports it in the update", async () => {
    const { resource, spec } = await virtualService(10);
    weighted(spec).route[0]!.weight = 95;
    const previewed = inPreview(resource, (props) => (props.spec.http[2].route[1].weight = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(weights, previewed)).toEqual([]);
    expect(await checkResource(weights, resource)).toHaveLength(1);
  });

  it("does not judge a VirtualService whose spec is not known during a preview", async () => {
    const { resource } = await virtualService(0);
    expect(await checkResource(weights, inPreview(resource, (props) => (props.spec = UNKNOWN_DURING_PREVIEW)))).toEqual([]);
  });
});
