import { isUnknown, type Data } from "./data";
import { labelsOf } from "./kubernetes";

/**
 * Labels switchyard puts on each color's Deployment, pods, ConfigMap and
 * PodDisruptionBudget. A copy of model/naming.ts's, since CrossGuard loads the
 * pack alone; test/policy/contracts.test.ts fails when they differ.
 */
export const SWITCHYARD_LABELS = {
  service: "app.kubernetes.io/name",
  color: "switchyard.dev/color",
} as const;

/**
 * The header that keeps a request in one color (model/naming.ts COLOR_HEADER):
 * header routes match it, a lane member's weighted route sets it. A copy,
 * held to the model's by test/policy/contracts.test.ts.
 */
export const COLOR_HEADER = "x-switchyard-color";

/** switchyard's two colors: a lane exists for each. */
export const COLORS = ["blue", "green"] as const;

/** A switchyard service and one of its colors. */
export interface ColorOf {
  readonly service: string;
  readonly color: string;
}

/** The switchyard service and color a resource belongs to, read from its labels; undefined for anything else. */
export function switchyardColorOf(props: Data): ColorOf | undefined {
  const labels = labelsOf(props);
  if (isUnknown(labels)) return undefined;
  const service = labels[SWITCHYARD_LABELS.service];
  const color = labels[SWITCHYARD_LABELS.color];
  return service === undefined || color === undefined ? undefined : { service, color };
}

/**
 * The stack config key a switchyard user changes to fix a finding, e.g.
 * `services.checkout.green.digest`, as a sentence ending; empty for
 * resources switchyard did not make.
 */
export function configHint(owner: ColorOf | undefined, key: (owner: ColorOf) => string): string {
  return owner === undefined ? "" : ` (switchyard: ${key(owner)})`;
}

/** The switchyard service a VirtualService or DestinationRule routes, from its name label. */
export function switchyardServiceOf(props: Data): string | undefined {
  const labels = labelsOf(props);
  return isUnknown(labels) ? undefined : labels[SWITCHYARD_LABELS.service];
}
