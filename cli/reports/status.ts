import { COLORS, type Color, type RouterName } from "../../model/config/schema";
import type { GroupConfig } from "../../model/config/settings";
import type { ServicesOutput } from "../../model/status";
import type { TrafficWeights } from "../../model/traffic";
import type { ColorPods, LiveCluster } from "./livePods";

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
  readonly router: RouterName;
  /** Percent of live requests copied to the idle color. */
  readonly mirror: number;
  readonly colors: Partial<Record<Color, ColorStatus>>;
  /**
   * The weights the cluster's route object (VirtualService or HTTPRoute) holds when they differ from
   * what the last update recorded: traffic was moved on the API server (the
   * fast path) and the move is not recorded yet.
   */
  readonly movedNotRecorded?: TrafficWeights;
  /** The release group the service is a member of (`switchyard:groups`), if any. */
  readonly group?: string;
}

/** Joins what the last update recorded (stack output `services`) with what the cluster runs now. */
export function serviceStatuses(outputs: ServicesOutput, cluster: LiveCluster | undefined): ServiceStatus[] {
  const pods = cluster?.pods;
  return Object.keys(outputs)
    .sort()
    .map((service) => {
      const output = outputs[service]!;
      const colors: Partial<Record<Color, ColorStatus>> = {};
      for (const color of COLORS) {
        const version = output.versions[color];
        if (version === undefined) continue;
        const running = pods?.[service]?.[color];
        colors[color] = { version, weight: output.weights[color] ?? 0, ...(running === undefined ? {} : { pods: running }) };
      }
      const live = cluster?.weights[service];
      const moved = live !== undefined && COLORS.some((color) => (live[color] ?? 0) !== (output.weights[color] ?? 0));
      return { service, live: output.live, canary: output.canary, router: output.router, mirror: output.mirror, colors, ...(moved ? { movedNotRecorded: live } : {}) };
    });
}

/** Each status with the group (of the stack config) its service is a member of. */
export function withGroups(statuses: readonly ServiceStatus[], groups: readonly GroupConfig[]): ServiceStatus[] {
  return statuses.map((status) => {
    const group = groups.find((candidate) => candidate.services.includes(status.service));
    return group === undefined ? status : { ...status, group: group.name };
  });
}

/**
 * One row per service: `checkout  blue  istio        blue 1.4.2 100% 2/2 ready   green 1.5.0 0% 2/2 ready`;
 * services in no group first, then each group's heading and its members, indented.
 */
export function formatStatus(statuses: readonly ServiceStatus[], groups: readonly GroupConfig[] = []): string {
  const indent = groups.length === 0 ? 0 : 2;
  const width = Math.max(7, ...statuses.map((status) => status.service.length + (status.group === undefined ? 0 : indent)));
  const header = `${"service".padEnd(width)}  live   router       ${"blue".padEnd(26)}  green`;
  const row = (status: ServiceStatus, pad: string) => {
    const cells = COLORS.map((color) => formatColor(status.colors[color], color !== status.live ? status.mirror : 0));
    const line = `${(pad + status.service).padEnd(width)}  ${status.live.padEnd(5)}  ${status.router.padEnd(11)}  ${cells[0]!.padEnd(26)}  ${cells[1]}`;
    return status.movedNotRecorded === undefined ? line : `${line}\n${" ".repeat(width)}  ${movedNote(status.movedNotRecorded)}`;
  };
  const lines = [header, ...statuses.filter((status) => status.group === undefined).map((status) => row(status, ""))];
  for (const group of groups) {
    const members = group.services.flatMap((name) => statuses.filter((status) => status.service === name && status.group === group.name));
    if (members.length === 0) continue;
    lines.push(`group ${group.name}${group.lanes ? " (lanes)" : ""}: ${group.services.join(", ")}`, ...members.map((status) => row(status, " ".repeat(indent))));
  }
  return lines.join("\n");
}

function formatColor(color: ColorStatus | undefined, mirror: number): string {
  if (color === undefined) return "-";
  const pods = color.pods === undefined ? "pods unknown" : `${color.pods.ready}/${color.pods.desired} ready`;
  return `${color.version} ${color.weight}%${mirror > 0 ? ` +${mirror}% mirrored` : ""} ${pods}`;
}

/** `moved, not recorded: the cluster sends 100% blue, 0% green; the stack records the weights above`. */
function movedNote(weights: TrafficWeights): string {
  const split = COLORS.map((color) => `${weights[color] ?? 0}% ${color}`).join(", ");
  return `moved, not recorded: the cluster sends ${split}; the stack records the weights above (pulumi up records the move)`;
}
