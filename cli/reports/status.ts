import { COLORS, type Color } from "../../model/config/schema";
import type { ServicesOutput } from "../../model/status";
import type { ColorPods, LivePods } from "./livePods";

export interface ColorStatus {
  readonly version: string;
  readonly weight: number;
  /** Pods of the color's Deployment in the cluster; absent when the cluster could not be read. */
  readonly pods?: ColorPods;
}

export interface ServiceStatus {
  readonly service: string;
  readonly live: Color;
  readonly canary: number;
  readonly colors: Partial<Record<Color, ColorStatus>>;
}

/** Joins what the last update recorded (stack output `services`) with what the cluster runs now. */
export function serviceStatuses(outputs: ServicesOutput, pods: LivePods | undefined): ServiceStatus[] {
  return Object.keys(outputs)
    .sort()
    .map((service) => {
      const output = outputs[service]!;
      const colors: Partial<Record<Color, ColorStatus>> = {};
      for (const color of COLORS) {
        const version = output.versions[color];
        if (version === undefined) continue;
        const live = pods?.[service]?.[color];
        colors[color] = { version, weight: output.weights[color] ?? 0, ...(live === undefined ? {} : { pods: live }) };
      }
      return { service, live: output.live, canary: output.canary, colors };
    });
}

/** One row per service: `checkout  blue  blue 1.4.2 100% 2/2 ready   green 1.5.0 0% 2/2 ready`. */
export function formatStatus(statuses: readonly ServiceStatus[]): string {
  const width = Math.max(7, ...statuses.map((status) => status.service.length));
  const header = `${"service".padEnd(width)}  live   ${"blue".padEnd(26)}  green`;
  const rows = statuses.map((status) => {
    const cells = COLORS.map((color) => formatColor(status.colors[color]));
    return `${status.service.padEnd(width)}  ${status.live.padEnd(5)}  ${cells[0]!.padEnd(26)}  ${cells[1]}`;
  });
  return [header, ...rows].join("\n");
}

function formatColor(color: ColorStatus | undefined): string {
  if (color === undefined) return "-";
  const pods = color.pods === undefined ? "pods unknown" : `${color.pods.ready}/${color.pods.desired} ready`;
  return `${color.version} ${color.weight}% ${pods}`;
}
