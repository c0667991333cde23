import { describe, expect, it } from "vitest";
import { warmStandby } from "../../policy/policies/warmStandby";
import { checkout } from "../helpers/fixtures";
import { byName, deploymentProps, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

/** switchyard's resources with blue live and green idle, keeping `idleReplicas` pods. */
const withIdleReplicas = (idleReplicas: number) => switchyardResources(checkout((service) => (service.idleReplicas = idleReplicas)));

describe("warm-standby", () => {
  it("accepts switchyard's default, where the idle color keeps every replica", async () => {
    const resources = await switchyardResources();
    expect(deploymentProps(byName(resources, TYPES.deployment, "checkout-green")).spec!.replicas).toBe(3);
    expect(await checkEachResource(warmStandby, resources)).toEqual([]);
  });

  it("reports an idle color scaled to zero, naming the setting that keeps it warm", async () => {
    expect(await checkEachResource(warmStandby, await withIdleReplicas(0))).toEqual([
      {
        what: "Deployment shop/checkout-green runs 0 replicas of color green",
        rule: "every color keeps at least 1 ready replica(s), so switching traffic back to the idle color is instant and needs no scale-up (option minReplicas)",
        fix: "keep at least 1 replica(s) (switchyard: set services.checkout.idleReplicas to 1 or more)",
      },
    ]);
  });

  it("follows the configured minimum", async () => {
    const resources = await withIdleReplicas(1);
    expect(await checkEachResource(warmStandby, resources)).toEqual([]);
    expect((await checkEachResource(warmStandby, resources, { minReplicas: 2 })).map((v) => v.what)).toEqual([
      "Deployment shop/checkout-green runs 1 replicas of color green",
    ]);
  });

  it("leaves Deployments that are not a switchyard color alone", async () => {
    const green = byName(await withIdleReplicas(0), TYPES.deployment, "checkout-green");
    delete deploymentProps(green).metadata!.labels!["switchyard.dev/color"];
    expect(await checkResource(warmStandby, green)).toEqual([]);
  });

  it("does not judge replicas that are not known during a preview", async () => {
    const green = byName(await withIdleReplicas(0), TYPES.deployment, "checkout-green");
    expect(await checkResource(warmStandby, inPreview(green, (props) => (props.spec.replicas = UNKNOWN_DURING_PREVIEW)))).toEqual([]);
    expect(await checkResource(warmStandby, green)).toHaveLength(1);
  });
});
