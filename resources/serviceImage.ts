import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface ServiceImageArgs {
  /**
   * Full reference to build and push, tagged with the slot's version or build id
   * (never `latest`), e.g. `registry.example.com/shop/checkout:1.5.0`.
   */
  readonly imageName: string;
  /** Directory holding the sources, relative to the project. */
  readonly context: string;
  /**
   * Dockerfile path, relative to the context.
   * @default "Dockerfile"
   */
  readonly dockerfile: string;
}

/**
 * Builds and pushes one color's image (requirement V3: images come from
 * automation and stay in the registry). Pods run the pushed image by digest,
 * so what runs is exactly what was built, even if someone re-pushes the tag.
 */
export class ServiceImage extends pulumi.ComponentResource {
  readonly image: docker.Image;
  /** `repository:tag@sha256:...` of the pushed image. */
  readonly pinnedReference: pulumi.Output<string>;

  constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:image:ServiceImage", name, {}, opts);
    this.image = new docker.Image(
      name,
      {
        imageName: args.imageName,
        // The provider resolves the Dockerfile from the working directory, not from the context.
        build: { context: args.context, dockerfile: path.join(args.context, args.dockerfile) },
      },
      { parent: this },
    );
    this.pinnedReference = this.image.repoDigest;
    this.registerOutputs({ image: this.image, pinnedReference: this.pinnedReference });
  }
}
