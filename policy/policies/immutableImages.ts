import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isDigest, isImmutableTag, parseImage } from "../lib/imageReference";
import { field } from "../lib/data";
import { knownData } from "../lib/knownValues";
import { containerName, containersOf, describeResource, podSpecOf } from "../lib/kubernetes";
import { violationMessage } from "../lib/messages";
import { optionsWithDefaults } from "../lib/options";
import { configHint, switchyardColorOf, type ColorOf } from "../lib/switchyard";

interface ImmutableImagesOptions {
  /** Every image must be pinned by digest (prod: what runs is exactly what was tested). */
  readonly requireDigest: boolean;
}

const IMMUTABLE_IMAGES_DEFAULTS: ImmutableImagesOptions = { requireDigest: false };

const RULE =
  "images are immutable: the tag is a semantic version (1.2.3 or v1.2.3) or a build id YYYYMMDD-HHMM-<short sha>, or the image is pinned by digest (@sha256:...); never latest";

interface ImageProblem {
  readonly problem: string;
  readonly fix: (owner: ColorOf | undefined) => string;
}

const retag = (owner: ColorOf | undefined) =>
  "tag the image with its version or build id, or pin it by digest" +
  configHint(owner, (o) => `set services.${o.service}.${o.color}.version, .tag or .digest`);
const pin = (owner: ColorOf | undefined) =>
  "pin the image by the digest the registry reported (repository:tag@sha256:...)" +
  configHint(owner, (o) => `set services.${o.service}.${o.color}.digest`);

/** What is wrong with one image reference, or nothing. */
function imageProblem(image: string, options: ImmutableImagesOptions): ImageProblem | undefined {
  const { tag, digest } = parseImage(image);
  if (tag === "latest") return { problem: "whose tag latest is mutable", fix: retag };
  if (digest !== undefined && !isDigest(digest)) {
    return { problem: `whose digest "${digest}" is malformed (expected sha256:<64 hex characters>)`, fix: pin };
  }
  if (options.requireDigest && digest === undefined) {
    return { problem: "which is not pinned by digest, as this stack requires (option requireDigest)", fix: pin };
  }
  if (digest !== undefined) return undefined;
  if (tag === undefined) return { problem: "which has no tag, so it runs whatever latest points at", fix: retag };
  if (!isImmutableTag(tag)) {
    return { problem: `whose tag "${tag}" is neither a semantic version nor a build id, so it can be moved`, fix: retag };
  }
  return undefined;
}

export const immutableImages: ResourceValidationPolicy = {
  name: "immutable-images",
  description:
    "Containers run immutable images: no latest, no tag-less image; a semver or build-id tag, or a digest pin (required where requireDigest is on).",
  configSchema: {
    properties: {
      requireDigest: {
        type: "boolean",
        default: IMMUTABLE_IMAGES_DEFAULTS.requireDigest,
        description: "Every image must be pinned by digest (@sha256:...).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const props = knownData(args.props);
    const podSpec = podSpecOf(args.type, props);
    if (podSpec === undefined) return;
    const options = optionsWithDefaults(args, IMMUTABLE_IMAGES_DEFAULTS);
    const owner = switchyardColorOf(props);
    for (const { container } of containersOf(podSpec)) {
      const image = field(container, "image");
      // An image a docker build has not pushed yet is unknown during a preview; the update checks it.
      if (typeof image !== "string") continue;
      const found = imageProblem(image, options);
      if (found === undefined) continue;
      reportViolation(
        violationMessage({
          resource: `${describeResource(args.type, props, args.name)} container "${containerName(container)}"`,
          problem: `runs image "${image}", ${found.problem}`,
          rule: RULE,
          fix: found.fix(owner),
        }),
      );
    }
  },
};
