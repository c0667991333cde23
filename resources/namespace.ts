import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, OWNERSHIP_ANNOTATIONS, PART_OF } from "../model/naming";

export interface NamespaceArgs {
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
 * The namespace the services live in, joined to the mesh. `name` is an Output
 * of the Namespace when the stack creates it, so every object placed in it
 * waits for it. The class is named after its type token
 * (`switchyard:mesh:Namespace`), which existing stacks' URNs carry.
 */
export class Namespace extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: NamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:mesh:Namespace", name, {}, opts);
    if (args.manage) {
      const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        {
          metadata: {
            name: args.name,
            labels: { "istio-injection": "enabled", [LABELS.partOf]: PART_OF },
            annotations: { ...OWNERSHIP_ANNOTATIONS },
          },
        },
        // Deleting a Namespace deletes everything in it. No config change may do
        // that: with manageNamespace turned to false (or the component gone) the
        // stack forgets the namespace and leaves it, and its workloads, standing.
        // A rename is refused before this point (model/config/continuity.ts).
        { parent: this, retainOnDelete: true },
      );
      this.name = namespace.metadata.name;
    } else {
      this.name = pulumi.output(args.name);
    }
    this.registerOutputs({ name: this.name });
  }
}
