import type { ColorSlot, ServiceConfig } from "./config/settings";
import { COLORS, type Color } from "./config/schema";
import { imageReference } from "./images";
import { ANNOTATIONS, colorName, configMapName } from "./naming";
import { colorReplicas, trafficWeights, type TrafficWeights } from "./traffic";

/** Everything that shapes one color's resources, decided from config alone. */
export interface ColorPlan {
  readonly color: Color;
  /** `<service>-<color>`: Deployment, PodDisruptionBudget and component name. */
  readonly name: string;
  readonly slot: ColorSlot;
  /** Percent of weighted traffic this color receives. */
  readonly weight: number;
  /**
   * Whether the route sends this color any requests: weight above 0, or, for
   * the color that is not live, A/B-matched or mirrored requests. The route
   * waits for such a color to be ready; any other color waits for the route.
   */
  readonly receivesRequests: boolean;
  readonly replicas: number;
  /** Image to run unless the slot builds its own (then the built image's digest is used). */
  readonly image: string;
  /** The immutable ConfigMap holding `slot.env`, named by a hash of its content; see `colorContents` for the Secret and the kept ones. */
  readonly configMapName: string;
  /** Version metadata carried on the Deployment and its pods (requirement V4). */
  readonly annotations: Readonly<Record<string, string>>;
}

export interface ServicePlan {
  readonly service: ServiceConfig;
  readonly weights: TrafficWeights;
  /** Deployed colors, blue before green. */
  readonly colors: readonly ColorPlan[];
}

export function planService(service: ServiceConfig): ServicePlan {
  const weights = trafficWeights(service.live, service.canary);
  const colors = COLORS.flatMap((color) => {
    const slot = service.slots[color];
    return slot === undefined ? [] : [planColor(service, color, slot, weights[color])];
  });
  return { service, weights, colors };
}

function planColor(service: ServiceConfig, color: Color, slot: ColorSlot, weight: number): ColorPlan {
  const image = imageReference(service.image, slot);
  const idle = color !== service.live;
  // A/B-matched requests are real traffic of unknown volume: that color runs the full replicas. Mirrored ones are copies.
  const matched = idle && service.match.length > 0;
  return {
    color,
    name: colorName(service.name, color),
    slot,
    weight,
    receivesRequests: weight > 0 || matched || (idle && service.mirror > 0),
    replicas: colorReplicas(matched ? Math.max(weight, 1) : weight, service.replicas, service.idleReplicas),
    image,
    configMapName: configMapName(service.name, color, slot.env),
    annotations: versionAnnotations(service.name, slot, image),
  };
}

function versionAnnotations(service: string, slot: ColorSlot, image: string): Record<string, string> {
  const cause = [`${service} ${slot.version}`, slot.commit, slot.note].filter((part) => part !== undefined).join(" | ");
  return {
    [ANNOTATIONS.version]: slot.version,
    [ANNOTATIONS.image]: image,
    ...(slot.commit === undefined ? {} : { [ANNOTATIONS.commit]: slot.commit }),
    ...(slot.note === undefined ? {} : { [ANNOTATIONS.note]: slot.note }),
    [ANNOTATIONS.changeCause]: cause,
  };
}
