import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Color } from "../model/config/schema";
import { LABELS, OWNERSHIP_ANNOTATIONS, SERVICE_AWAIT_ANNOTATIONS } from "../model/naming";
import { colorServiceName, colorServiceSelector } from "../model/routing/gatewaySpecs";
import { routeMetadata, ROUTE_KINDS } from "../model/routing/routeObject";
import { routingOutput, type RoutingArgs } from "./istioRouting";

/** The routing objects of one service under the Gateway API router; `route` carries the weights. */
export interface GatewayRouting {
  /** `<svc>-<color>` per deployed color: the HTTPRoute's backends. */
  readonly colorServices: Readonly<Partial<Record<Color, k8s.core.v1.Service>>>;
  readonly httpRoute: k8s.apiextensions.CustomResource;
  readonly route: k8s.apiextensions.CustomResource;
}

/**
 * Gateway API routing for one service, as children of `parent`: a Service
 * per deployed color selecting exactly that color's pods, and an HTTPRoute
 * (attached to the Gateways in `parentRefs`) whose weighted rule sends to
 * them. The HTTPRoute waits for the color Services and for every Deployment
 * it sends requests to, as the VirtualService does.
 * @see ../model/routing/gatewaySpecs.ts for the spec
 */
export function gatewayRouting(parent: pulumi.Resource, args: RoutingArgs): GatewayRouting {
  const { service, port, colors } = args.routing;
  const colorServices: Partial<Record<Color, k8s.core.v1.Service>> = {};
  for (const color of colors) {
    const selector = colorServiceSelector(service, color);
    colorServices[color] = new k8s.core.v1.Service(
      `${colorServiceName(service, color)}-service`,
      {
        metadata: {
          name: colorServiceName(service, color),
          namespace: args.namespace,
          labels: { [LABELS.name]: service, [LABELS.color]: color },
          // No waiting on the Service's endpoints: the HTTPRoute waits for the ready Deployment instead (see SERVICE_AWAIT_ANNOTATIONS).
          annotations: { ...OWNERSHIP_ANNOTATIONS, ...SERVICE_AWAIT_ANNOTATIONS },
        },
        spec: { selector, ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
      },
      { parent },
    );
  }

  const kind = ROUTE_KINDS["gateway-api"];
  const httpRoute = new k8s.apiextensions.CustomResource(
    `${service}-httproute`,
    {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      // The model's metadata, which the command's fast path applies too: it names the shared field manager.
      metadata: { ...routeMetadata(service), namespace: args.namespace },
      spec: routingOutput(args).apply(kind.spec),
    },
    { parent, dependsOn: [args.service, ...Object.values(colorServices), ...(args.waitFor ?? [])] },
  );
  return { colorServices, httpRoute, route: httpRoute };
}
