import { beforeAll, describe, expect, it } from "vitest";
import { immutableImages } from "../../policy/policies/immutableImages";
import { byName, containerOf, copyOf, inPreview, switchyardResources, TYPES, UNKNOWN_DURING_PREVIEW, type FixtureResource } from "./helpers/fixtures";
import { checkEachResource, checkResource } from "./helpers/runPolicy";

const REPOSITORY = "registry.example.com/shop/checkout";
const DIGEST = "sha256:5d41402abc4b2a76b9719d911017c592ae3f8c8e0a1b2c3d4e5f60718293a4b5";
const RETAG = "tag the image with its version or build id, or pin it by digest (switchyard: set services.checkout.blue.version, .tag or .digest)";
const PIN = "pin the image by the digest the registry reported (repository:tag@sha256:...) (switchyard: set services.checkout.blue.digest)";

let program: FixtureResource[];
beforeAll(async () => {
  program = await switchyardResources();
});

/** switchyard's blue Deployment running `image` instead of its own. */
function blueRunning(image: string): FixtureResource {
  const blue = byName(copyOf(program), TYPES.deployment, "checkout-blue");
  containerOf(blue).image = image;
  return blue;
}

const runs = (image: string) => `Deployment shop/checkout-blue container "checkout" runs image "${image}"`;

describe("immutable-images", () => {
  it("accepts switchyard's own Deployments", async () => {
    expect(containerOf(byName(program, TYPES.deployment, "checkout-blue")).image).toBe(`${REPOSITORY}:1.4.2`);
    expect(await checkEachResource(immutableImages, program)).toEqual([]);
  });

  it("reports latest, stating the rule, the resource, the image and the fix", async () => {
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:latest`))).toEqual([
      {
        what: `${runs(`${REPOSITORY}:latest`)}, whose tag latest is mutable`,
        rule: "images are immutable: the tag is a semantic version (1.2.3 or v1.2.3) or a build id YYYYMMDD-HHMM-<short sha>, or the image is pinned by digest (@sha256:...); never latest",
        fix: RETAG,
      },
    ]);
  });

  it("reports latest even when a digest pins it", async () => {
    const [violation] = await checkResource(immutableImages, blueRunning(`${REPOSITORY}:latest@${DIGEST}`));
    expect(violation?.what).toBe(`${runs(`${REPOSITORY}:latest@${DIGEST}`)}, whose tag latest is mutable`);
  });

  it("reports an image without a tag, and does not mistake a registry port for one", async () => {
    const image = "registry.example.com:5000/shop/checkout";
    expect(await checkResource(immutableImages, blueRunning(image))).toEqual([
      { what: `${runs(image)}, which has no tag, so it runs whatever latest points at`, rule: expect.any(String), fix: RETAG },
    ]);
  });

  it("reports a tag that is neither a semantic version nor a build id", async () => {
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:main`))).toEqual([
      { what: `${runs(`${REPOSITORY}:main`)}, whose tag "main" is neither a semantic version nor a build id, so it can be moved`, rule: expect.any(String), fix: RETAG },
    ]);
  });

  it.each([
    ["a semantic version", "1.4.2"],
    ["a v-prefixed semantic version", "v1.4.2"],
    ["a pre-release", "1.5.0-rc.1"],
    ["a build id", "20240520-1423-abc7f9d"],
  ])("accepts %s as the tag", async (_, tag) => {
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:${tag}`))).toEqual([]);
  });

  it.each([["1.4"], ["20240520-1423"], ["1.4.2.7"]])("reports the almost-immutable tag %s", async (tag) => {
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:${tag}`))).toHaveLength(1);
  });

  it("accepts any tag when a digest pins the image, and reports a malformed digest", async () => {
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:main@${DIGEST}`))).toEqual([]);
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:1.4.2@sha256:abc`))).toEqual([
      { what: `${runs(`${REPOSITORY}:1.4.2@sha256:abc`)}, whose digest "sha256:abc" is malformed (expected sha256:<64 hex characters>)`, rule: expect.any(String), fix: PIN },
    ]);
  });

  it("requires a digest when requireDigest is on (prod)", async () => {
    const options = { requireDigest: true };
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:1.4.2`), options)).toEqual([
      { what: `${runs(`${REPOSITORY}:1.4.2`)}, which is not pinned by digest, as this stack requires (option requireDigest)`, rule: expect.any(String), fix: PIN },
    ]);
    expect(await checkResource(immutableImages, blueRunning(`${REPOSITORY}:1.4.2@${DIGEST}`), options)).toEqual([]);
  });

  it("checks init containers and the pod templates of other workload kinds, without switchyard hints", async () => {
    const cronJob: FixtureResource = {
      type: "kubernetes:batch/v1:CronJob",
      name: "report",
      urn: "urn:pulumi:test::switchyard::kubernetes:batch/v1:CronJob::report",
      props: {
        metadata: { name: "report", namespace: "shop" },
        spec: {
          schedule: "0 * * * *",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  initContainers: [{ name: "migrate", image: "registry.example.com/shop/migrate" }],
                  containers: [{ name: "report", image: `${REPOSITORY}:1.4.2` }],
                },
              },
            },
          },
        },
      },
      dependencies: [],
    };
    expect(await checkResource(immutableImages, cronJob)).toEqual([
      {
        what: 'CronJob shop/report container "migrate" runs image "registry.example.com/shop/migrate", which has no tag, so it runs whatever latest points at',
        rule: expect.any(String),
        fix: "tag the image with its version or build id, or pin it by digest",
      },
    ]);
  });

  it("raises no alarm during a preview while an image is not known (a docker build's), and reports it in the update", async () => {
    const blue = blueRunning(`${REPOSITORY}:latest`);
    const previewed = inPreview(blue, (props) => (props.spec.template.spec.containers[0].image = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(immutableImages, previewed)).toEqual([]);
    expect(await checkResource(immutableImages, blue)).toHaveLength(1);
  });

  it("still checks the known images of a resource while another is unknown", async () => {
    const blue = blueRunning(`${REPOSITORY}:latest`);
    const previewed = inPreview(blue, (props) => (props.metadata.namespace = UNKNOWN_DURING_PREVIEW));
    expect(await checkResource(immutableImages, previewed)).toEqual([
      { what: `Deployment checkout-blue container "checkout" runs image "${REPOSITORY}:latest", whose tag latest is mutable`, rule: expect.any(String), fix: RETAG },
    ]);
  });
});
