import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { OWNERSHIP_ANNOTATIONS, serviceSelector } from "../model/naming";
import { destinationRuleSpec } from "../model/routing/istioSpecs";
import { ISTIO_NETWORKING_API_VERSION } from "../model/routing/istioTypes";
import type { RoutingInput } from "../model/routing/input";
import { routeMetadata, ROUTE_KINDS } from "../model/routing/routeObject";

/**
 * Until issue 20 the routing was a component of this type, named
 * `<service>-routing`, the parent of both objects; they keep their URNs
 * through an alias to it (test/e2e/upgrade.test.ts).
 */
const FORMER_COMPONENT = "switchyard:mesh:IstioRouting";

/** What every router's resources are built from. */
export interface RoutingArgs {
  /** Service, port, deployed colors, weights, mirror and A/B matches; see `RoutingInput`. */
  readonly routing: Omit<RoutingInput, "namespace">;
  /** Namespace of the service and of the routing objects; an Output when the stack creates the namespace. */
  readonly namespace: pulumi.Input<string>;
  /** The Kubernetes Service the routing is for: the routing objects are written after it. */
  readonly service: pulumi.Resource;
  /**
   * Deployments the route sends requests to (weighted, A/B-matched or
   * mirrored). The route object is only written after each of them has
   * rolled out and is ready.
   * @default []
   */
  readonly waitFor?: readonly pulumi.Resource[];
}

/** The routing objects of one service; `route` carries the weights. */
export interface IstioRouting {
  readonly destinationRule: k8s.apiextensions.CustomResource;
  readonly virtualService: k8s.apiextensions.CustomResource;
  readonly route: k8s.apiextensions.CustomResource;
}

/** The routing input with its namespace, which is an Output here. */
export function routingOutput(args: RoutingArgs): pulumi.Output<RoutingInput> {
  return pulumi.output(args.namespace).apply((namespace) => ({ ...args.routing, namespace }));
}

/**
 * Istio routing for one service, as children of `parent`: a DestinationRule
 * with one subset per color and a VirtualService whose default route carries
 * the weights.
 * @see ../model/routing/istioSpecs.ts for the specs
 */
export function istioRouting(parent: pulumi.Resource, args: RoutingArgs): IstioRouting {
  const formerParent = pulumi.createUrn(`${args.routing.service}-routing`, FORMER_COMPONENT, parent);
  const routing = routingOutput(args);
  const metadata = {
    name: args.routing.service,
    namespace: args.namespace,
    labels: serviceSelector(args.routing.service),
    annotations: { ...OWNERSHIP_ANNOTATIONS },
  };

  const destinationRule = new k8s.apiextensions.CustomResource(
    `${args.routing.service}-destinationrule`,
    { apiVersion: ISTIO_NETWORKING_API_VERSION, kind: "DestinationRule", metadata, spec: routing.apply(destinationRuleSpec) },
    { parent, aliases: [{ parent: formerParent }], dependsOn: [args.service] },
  );

  const kind = ROUTE_KINDS.istio;
  const virtualService = new k8s.apiextensions.CustomResource(
    `${args.routing.service}-virtualservice`,
    {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      // The model's metadata, which the command's fast path applies too: it names the shared field manager.
      metadata: { ...routeMetadata(args.routing.service), namespace: args.namespace },
      spec: routing.apply(kind.spec),
    },
    { parent, aliases: [{ parent: formerParent }], dependsOn: [args.service, destinationRule, ...(args.waitFor ?? [])] },
  );

  return { destinationRule, virtualService, route: virtualService };
}
