import { beforeEach, describe, expect, it } from "vitest";
import { BlueGreenService } from "../../resources/blueGreenService";
import { checkout } from "../helpers/fixtures";
import { recordRegistrations, type Recorder } from "../helpers/mocks";

const DOCKER_IMAGE = "docker:index/image:Image";
const DIGEST = `sha256:${"b".repeat(64)}`;

let recorder: Recorder;
beforeEach(() => {
  recorder = recordRegistrations({
    outputs: (type, inputs) => (type === DOCKER_IMAGE ? { repoDigest: `${inputs.imageName}@${DIGEST}` } : {}),
  });
});

describe("a slot with build builds and pushes its image, and pods run it by digest (V3)", () => {
  it("builds the slot's version tag from its context and Dockerfile", async () => {
    new BlueGreenService("checkout", {
      service: checkout((s) => (s.green.build = { context: "services/checkout", dockerfile: "build/Dockerfile" })),
      namespace: "shop",
    });
    await recorder.settle();
    const image = recorder.byName(DOCKER_IMAGE, "checkout-green-image");
    expect(image.inputs.imageName).toBe("registry.example.com/shop/checkout:1.5.0");
    expect(image.inputs.build).toMatchObject({ context: "services/checkout", dockerfile: "services/checkout/build/Dockerfile" });
    expect(image.parent).toBe(recorder.byName("switchyard:image:ServiceImage", "checkout-green-image").urn);

    const container = recorder.byName("kubernetes:apps/v1:Deployment", "checkout-green").inputs.spec.template.spec.containers[0];
    expect(container.image).toBe(`registry.example.com/shop/checkout:1.5.0@${DIGEST}`);
  });

  it("builds nothing for slots without build", async () => {
    new BlueGreenService("checkout", { service: checkout(), namespace: "shop" });
    await recorder.settle();
    expect(recorder.ofType(DOCKER_IMAGE)).toEqual([]);
    expect(recorder.ofType("switchyard:image:ServiceImage")).toEqual([]);
  });
});
