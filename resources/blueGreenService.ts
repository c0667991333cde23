import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { colorRelease, type ColorRelease } from "./colorRelease";
import type { ServiceConfig } from "../model/config/settings";
import type { Color } from "../model/config/schema";
import { istioRouting, type IstioRouting, type RoutingArgs } from "./istioRouting";
import { gatewayRouting, type GatewayRouting } from "./gatewayRouting";
import { OWNERSHIP_ANNOTATIONS, SERVICE_AWAIT_ANNOTATIONS, serviceSelector } from "../model/naming";
import { planService, type ColorPlan } from "../model/plan";
import { serviceOutput, type ServiceOutput } from "../model/status";
import { ServiceImage } from "./serviceImage";
import { colorContents, type ColorContents } from "../model/contents";
import type { ServiceHistory } from "../model/history";
import { routingInput } from "../model/routing/input";
import type { RouterName } from "../model/config/schema";

/** The chosen router's objects (`router`, per stack in `switchyard:defaults` or per service). */
function routing(router: RouterName, parent: pulumi.Resource, args: RoutingArgs): IstioRouting | GatewayRouting {
  switch (router) {
    case "istio":
      return istioRouting(parent, args);
    case "gateway-api":
      return gatewayRouting(parent, args);
    default: {
      const unknown: never = router;
      throw new Error(`no such router ${String(unknown)}`);
    }
  }
}

/** The routing input without its namespace, which is an Output here. */
function routingInputOf(plan: ReturnType<typeof planService>) {
  const { namespace: _unused, ...input } = routingInput(plan, "");
  return input;
}

export interface BlueGreenServiceArgs {
  /** The service's settings with every default resolved (see `parseStackConfig`). */
  readonly service: ServiceConfig;
  /** Namespace of every object; an Output when the stack creates the namespace. */
  readonly namespace: pulumi.Input<string>;
  /**
   * The stack's key for naming Secrets (64 hex characters, kept as a stack
   * secret by index.ts); only used when a color has secrets, now or in its history.
   * @default none; a service whose colors have secrets needs it
   * @see ../model/naming.ts secretName
   */
  readonly secretNameKey?: string;
  /**
   * The ConfigMap and Secret contents each color used in earlier updates,
   * most recent first (from the stack's own outputs).
   * @default none: a first update keeps only the current contents
   */
  readonly history?: ServiceHistory;
}

/**
 * A microservice as two colors: `<svc>-blue` and `<svc>-green` Deployments
 * (one per defined slot), one Service selecting both, and routing that
 * splits traffic by weight: Istio's VirtualService and DestinationRule, or a
 * Gateway API HTTPRoute with a Service per color.
 *
 * Ordering is the safety mechanism. The route object waits for every
 * Deployment it sends requests to (weighted, A/B-matched or mirrored), so
 * traffic only moves onto pods that have rolled out and are ready. A color
 * with no requests waits for the route instead, so it is scaled down (or
 * rolled) only after traffic has left it. Both cannot hold for one color,
 * which is why the dependency follows the traffic.
 *
 * The one component per service: its colors and routing are plain objects
 * under it (see colorRelease, istioRouting and gatewayRouting).
 */
export class BlueGreenService extends pulumi.ComponentResource {
  readonly releases: Partial<Record<Color, ColorRelease>>;
  readonly service: k8s.core.v1.Service;
  readonly routing: IstioRouting | GatewayRouting;
  /** This service's entry in the `services` stack output. */
  readonly status: ServiceOutput<pulumi.Output<string> | string>;
  /** The contents each deployed color keeps after this update, to record for the next one. */
  readonly history: ServiceHistory;

  constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:service:BlueGreenService", name, {}, opts);
    const { service, namespace } = args;
    const plan = planService(service);
    const images = this.images(plan.colors);

    this.service = new k8s.core.v1.Service(
      `${service.name}-service`,
      {
        metadata: { name: service.name, namespace, labels: serviceSelector(service.name), annotations: { ...OWNERSHIP_ANNOTATIONS, ...SERVICE_AWAIT_ANNOTATIONS } },
        spec: {
          selector: serviceSelector(service.name),
          ports: [{ name: "http", port: service.port, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );

    const contents = Object.fromEntries(
      plan.colors.map((color) => [
        color.color,
        colorContents(service, color, {
          secretNameKey: args.secretNameKey ?? "",
          ...(args.history?.[color.color] === undefined ? {} : { previous: args.history[color.color] }),
        }),
      ]),
    ) as Partial<Record<Color, ColorContents>>;
    const release = (color: ColorPlan, waitFor: pulumi.Resource[]) =>
      colorRelease(this, { service, plan: color, contents: contents[color.color]!, namespace, image: images[color.color], waitFor });

    const releases: Partial<Record<Color, ColorRelease>> = {};
    for (const color of plan.colors.filter((c) => c.receivesRequests)) {
      releases[color.color] = release(color, []);
    }
    this.routing = routing(service.router, this, {
      namespace,
      service: this.service,
      // The command's fast path builds the same input with the same function (model/routing/virtualService.ts).
      routing: routingInputOf(plan),
      waitFor: Object.values(releases).map((r) => r.deployment),
    });
    for (const color of plan.colors.filter((c) => !c.receivesRequests)) {
      releases[color.color] = release(color, [this.routing.route]);
    }
    this.releases = releases;

    this.status = serviceOutput(plan, images);
    this.history = Object.fromEntries(plan.colors.map((color) => [color.color, contents[color.color]!.history]));
    // No outputs recorded on the component: nothing reads them (the status goes out through the stack's outputs), and
    // the weights in them would make every rollback rewrite the checkpoint once more per service.
    this.registerOutputs({});
  }

  /** Built images for slots that build from sources; the others run their tagged reference. */
  private images(colors: readonly ColorPlan[]): Partial<Record<Color, pulumi.Output<string>>> {
    const built: Partial<Record<Color, pulumi.Output<string>>> = {};
    for (const color of colors) {
      const build = color.slot.build;
      if (build === undefined) continue;
      built[color.color] = new ServiceImage(
        `${color.name}-image`,
        { imageName: color.image, context: build.context, dockerfile: build.dockerfile },
        { parent: this },
      ).pinnedReference;
    }
    return built;
  }
}
