import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { OWNERSHIP_ANNOTATIONS } from "../model/naming";

export interface MeshNamespaceArgs {
  /** Namespace name (`switchyard:namespace`). */
  readonly name: string;
  /**
   * Create the namespace, labelled for Istio sidecar injection. Set false when
   * the namespace is owned elsewhere (a platform team, another stack).
   * @default true
   */
  readonly manage: boolean;
}

/**
 * The namespace the services live in. `name` is an Output of the Namespace
 * when the stack creates it, so every object placed in it waits for it.
 */
export class MeshNamespace extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:mesh:Namespace", name, {}, opts);
    if (args.manage) {
      const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        {
          metadata: {
            name: args.name,
            labels: { "istio-injection": "enabled", "app.kubernetes.io/part-of": "switchyard" },
            annotations: { ...OWNERSHIP_ANNOTATIONS },
          },
        },
        { parent: this },
      );
      this.name = namespace.metadata.name;
    } else {
      this.name = pulumi.output(args.name);
    }
    this.registerOutputs({ name: this.name });
  }
}
