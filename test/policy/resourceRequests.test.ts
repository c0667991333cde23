import { beforeAll, describe, expect, it } from "vitest";
import { resourceRequests } from "../../policy/policies/resourceRequests";
import { byName, containerOf, copyOf, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

const RULE =
  "every container requests cpu and memory and is limited in memory, so the scheduler reserves what it needs and a leak cannot starve its node";

let program: FixtureResource[];
beforeAll(async () => {
  program = await switchyardResources();
});

const blue = () => byName(copyOf(program), TYPES.deployment, "checkout-blue");

describe("resource-requests", () => {
  it("accepts switchyard's containers, which request 100m/128Mi and are limited to 256Mi", async () => {
    expect(containerOf(blue()).resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } });
    expect(await checkEachResource(resourceRequests, program)).toEqual([]);
  });

  it("reports a container without a memory limit, naming the switchyard setting", async () => {
    const deployment = blue();
    containerOf(deployment).resources = { requests: { cpu: "100m", memory: "128Mi" } };
    expect(await checkResource(resourceRequests, deployment)).toEqual([
      {
        what: 'Deployment shop/checkout-blue container "checkout" sets no resources.limits.memory',
        rule: RULE,
        fix: "set resources.limits.memory (switchyard: services.checkout.resources)",
      },
    ]);
  });

  it("reports every missing request and limit of a container at once", async () => {
    const deployment = blue();
    delete containerOf(deployment).resources;
    expect((await checkResource(resourceRequests, deployment)).map((v) => v.what)).toEqual([
      'Deployment shop/checkout-blue container "checkout" sets no resources.requests.cpu, resources.requests.memory, resources.limits.memory',
    ]);
  });

  it("follows the configured requests and limits", async () => {
    const options = { requests: ["memory"], limits: ["memory", "cpu"] };
    expect((await checkResource(resourceRequests, blue(), options)).map((v) => v.what)).toEqual([
      'Deployment shop/checkout-blue container "checkout" sets no resources.limits.cpu',
    ]);
  });

  it("does not judge resources that are not known during a preview", async () => {
    const deployment = blue();
    delete containerOf(deployment).resources;
    const previewed = inPreview(deployment, (props) => (props.spec.template.spec.containers[0].resources = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(resourceRequests, previewed)).toEqual([]);
  });
});
