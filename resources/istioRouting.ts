import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ISTIO_NETWORKING_API_VERSION } from "../model/routing/istioTypes";
import { OWNERSHIP_ANNOTATIONS, serviceSelector } from "../model/naming";
import { destinationRuleSpec, virtualServiceSpec, type RoutingInput } from "../model/routing/istioSpecs";
import { virtualServiceMetadata } from "../model/routing/virtualService";

export interface IstioRoutingArgs {
  /** Service, port, deployed colors and weights; see `RoutingInput`. */
  readonly routing: Omit<RoutingInput, "namespace">;
  /** Namespace of the service and of the routing objects; an Output when the stack creates the namespace. */
  readonly namespace: pulumi.Input<string>;
  /**
   * Deployments the weighted route sends traffic to. The VirtualService is
   * only written after each of them has rolled out and is ready.
   * @default []
   */
  readonly waitFor?: readonly pulumi.Resource[];
}

/**
 * Istio routing for one service: a DestinationRule with one subset per color
 * and a VirtualService whose default route carries the weights.
 * @see ../model/routing/istioSpecs.ts for the specs
 */
export class IstioRouting extends pulumi.ComponentResource {
  readonly destinationRule: k8s.apiextensions.CustomResource;
  readonly virtualService: k8s.apiextensions.CustomResource;

  constructor(name: string, args: IstioRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:mesh:IstioRouting", name, {}, opts);
    const routing = pulumi.output(args.namespace).apply((namespace) => ({ ...args.routing, namespace }));
    const metadata = {
      name: args.routing.service,
      namespace: args.namespace,
      labels: serviceSelector(args.routing.service),
      annotations: { ...OWNERSHIP_ANNOTATIONS },
    };

    this.destinationRule = new k8s.apiextensions.CustomResource(
      `${args.routing.service}-destinationrule`,
      { apiVersion: ISTIO_NETWORKING_API_VERSION, kind: "DestinationRule", metadata, spec: routing.apply(destinationRuleSpec) },
      { parent: this },
    );

    this.virtualService = new k8s.apiextensions.CustomResource(
      `${args.routing.service}-virtualservice`,
      {
        apiVersion: ISTIO_NETWORKING_API_VERSION,
        kind: "VirtualService",
        // The model's metadata, which the command's fast path applies too: it names the shared field manager.
        metadata: { ...virtualServiceMetadata(args.routing.service), namespace: args.namespace },
        spec: routing.apply(virtualServiceSpec),
      },
      { parent: this, dependsOn: [this.destinationRule, ...(args.waitFor ?? [])] },
    );

    this.registerOutputs({ destinationRule: this.destinationRule, virtualService: this.virtualService });
  }
}
