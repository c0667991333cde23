import { beforeAll, describe, expect, it } from "vitest";
import { revisionHistory } from "../../policy/policies/revisionHistory";
import { checkout } from "../helpers/fixtures";
import { byName, copyOf, deploymentProps, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

const DEPLOYMENT = "Deployment shop/checkout-blue";

let program: FixtureResource[];
beforeAll(async () => {
  program = await switchyardResources();
});

function blueWithLimit(limit: number | undefined): FixtureResource {
  const blue = byName(copyOf(program), TYPES.deployment, "checkout-blue");
  const spec = deploymentProps(blue).spec!;
  if (limit === undefined) delete spec.revisionHistoryLimit;
  else spec.revisionHistoryLimit = limit;
  return blue;
}

describe("revision-history", () => {
  it("accepts switchyard's Deployments, which keep 5 revisions by default", async () => {
    expect(deploymentProps(byName(program, TYPES.deployment, "checkout-blue")).spec!.revisionHistoryLimit).toBe(5);
    expect(await checkEachResource(revisionHistory, program)).toEqual([]);
  });

  it("reports a Deployment that leaves the limit to Kubernetes", async () => {
    expect(await checkResource(revisionHistory, blueWithLimit(undefined))).toEqual([
      {
        what: `${DEPLOYMENT} does not set spec.revisionHistoryLimit (Kubernetes would keep its default of 10 silently)`,
        rule: "a Deployment keeps between 2 and 20 old revisions, so kubectl rollout undo --to-revision=N can return to a recent version",
        fix: "set spec.revisionHistoryLimit to an integer from 2 to 20 (switchyard: services.checkout.revisionHistoryLimit)",
      },
    ]);
  });

  it.each([[0], [1], [21], [100]])("reports a limit of %i, outside 2..20", async (limit) => {
    expect((await checkResource(revisionHistory, blueWithLimit(limit))).map((v) => v.what)).toEqual([
      `${DEPLOYMENT} sets spec.revisionHistoryLimit to ${limit}`,
    ]);
  });

  it.each([[2], [20]])("accepts the bound %i", async (limit) => {
    expect(await checkResource(revisionHistory, blueWithLimit(limit))).toEqual([]);
  });

  it("follows the configured range", async () => {
    const options = { minimum: 10, maximum: 30 };
    expect(await checkResource(revisionHistory, blueWithLimit(25), options)).toEqual([]);
    expect(await checkResource(revisionHistory, blueWithLimit(5), options)).toEqual([
      {
        what: `${DEPLOYMENT} sets spec.revisionHistoryLimit to 5`,
        rule: expect.stringContaining("between 10 and 30"),
        fix: expect.stringContaining("an integer from 10 to 30"),
      },
    ]);
  });

  it("reports the value switchyard's config produces", async () => {
    const resources = await switchyardResources(checkout((service) => (service.revisionHistoryLimit = 1)));
    expect((await checkEachResource(revisionHistory, resources)).map((v) => v.what)).toEqual([
      `${DEPLOYMENT} sets spec.revisionHistoryLimit to 1`,
      "Deployment shop/checkout-green sets spec.revisionHistoryLimit to 1",
    ]);
  });

  it("does not judge a limit that is not known during a preview", async () => {
    const previewed = inPreview(blueWithLimit(1), (props) => (props.spec.revisionHistoryLimit = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(revisionHistory, previewed)).toEqual([]);
  });
});
