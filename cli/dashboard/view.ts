import { runsOnSchema } from "../../model/config/rules";
import { COLORS, type Color } from "../../model/config/schema";
import type { ServiceConfig, StackConfig } from "../../model/config/settings";
import type { ServicesOutput } from "../../model/status";
import { compareColors, comparisonRows, type ColorComparison } from "../reports/compare";
import { describeRow, releaseHistory, type HistoryRow, type StackUpdate } from "../reports/history";
import type { ColorPods, LiveCluster, LivePods } from "../reports/livePods";
import { serviceStatuses, type ServiceStatus } from "../reports/status";
import type { RolloutAnalysis } from "../rollout/analysisRecord";

/**
 * The dashboard page's JSON: what `status`, `history`, `compare` and the last
 * `rollout` say, joined per service. Pure: the server reads the sources, this
 * shapes them, the page only draws. Whatever could not be read is marked
 * unavailable with the reason, next to everything that could.
 */

/** One source as read: its value, or why it could not be read. */
export type Reading<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Percent per color of a live VirtualService's weighted route, by service. */
export type LiveRoutes = LiveCluster["weights"];

export interface DashboardSources {
  readonly stack: string;
  /** The stack config, parsed and validated (`switchyard:*`). */
  readonly config: Reading<StackConfig>;
  /** The `services` output of the last update. */
  readonly outputs: Reading<ServicesOutput>;
  readonly history: Reading<readonly StackUpdate[]>;
  readonly pods: Reading<LivePods>;
  readonly routes: Reading<LiveRoutes>;
  readonly rollouts: Reading<readonly RolloutAnalysis[]>;
}

/** A part of the page: its value, or the reason it is not there. */
export type Shown<T> = { readonly value: T } | { readonly unavailable: string };

export interface ColorCard {
  readonly color: Color;
  readonly live: boolean;
  readonly version: string;
  readonly image?: string;
  readonly pods: Shown<ColorPods>;
}

export interface Traffic {
  /** Where the weights come from: the live VirtualService, or the stack's record when the cluster could not be read. */
  readonly source: "cluster" | "stack";
  readonly weights: Readonly<Record<Color, number>>;
}

/** The cluster routes differently from what the stack's last update recorded (a fast-path move not yet recorded, or one whose record failed). */
export interface MovedNotRecorded {
  readonly cluster: Readonly<Record<Color, number>>;
  readonly recorded: Readonly<Record<Color, number>>;
}

/** A history row with its change said as `switchyard history` says it. */
export interface HistoryEntry extends HistoryRow {
  readonly description: string;
}

/** `switchyard compare`'s result and its lines, `[aspect, text]`. */
export interface Comparison extends ColorComparison {
  readonly rows: readonly (readonly [string, string])[];
}

export interface SchemaGate {
  readonly schemaVersion: number;
  readonly colors: readonly { readonly color: Color; readonly schema?: string; readonly runs: boolean }[];
}

export interface ServiceCard {
  readonly service: string;
  readonly live?: Color;
  readonly canary?: number;
  readonly traffic: Shown<Traffic>;
  readonly movedNotRecorded?: MovedNotRecorded;
  readonly colors: Shown<readonly ColorCard[]>;
  readonly schemaGate?: SchemaGate;
  readonly history: Shown<readonly HistoryEntry[]>;
  readonly compare: Shown<Comparison>;
}

export interface DashboardView {
  readonly stack: string;
  readonly readAt: string;
  /** Each source that could not be read, with the reason: the page says so at the top. */
  readonly unavailable: readonly { readonly source: string; readonly reason: string }[];
  readonly services: readonly ServiceCard[];
  /** The last rollout of each service, newest first. */
  readonly rollouts: readonly RolloutAnalysis[];
}

const SOURCE_NAMES: Readonly<Record<Exclude<keyof DashboardSources, "stack">, string>> = {
  config: "stack config",
  outputs: "stack outputs (last update)",
  history: "stack history",
  pods: "pods (API server)",
  routes: "traffic (API server)",
  rollouts: "rollout figures",
};

export function dashboardView(sources: DashboardSources, readAt: Date): DashboardView {
  const unavailable = (Object.keys(SOURCE_NAMES) as (keyof typeof SOURCE_NAMES)[]).flatMap((key) => {
    const reading = sources[key];
    return reading.ok ? [] : [{ source: SOURCE_NAMES[key], reason: reading.reason }];
  });
  const cluster = sources.pods.ok && sources.routes.ok ? { pods: sources.pods.value, weights: sources.routes.value } : undefined;
  const statuses = sources.outputs.ok ? serviceStatuses(sources.outputs.value, cluster) : [];
  const configured = sources.config.ok ? sources.config.value.services : [];
  const names = [...new Set([...statuses.map((status) => status.service), ...configured.map((service) => service.name)])].sort();
  const services = names.map((name) =>
    serviceCard(
      sources,
      name,
      statuses.find((status) => status.service === name),
      configured.find((service) => service.name === name),
    ),
  );
  const rollouts = sources.rollouts.ok ? [...sources.rollouts.value].sort((a, b) => b.startedAt.localeCompare(a.startedAt)) : [];
  return { stack: sources.stack, readAt: readAt.toISOString(), unavailable, services, rollouts };
}

function serviceCard(sources: DashboardSources, name: string, status: ServiceStatus | undefined, config: ServiceConfig | undefined): ServiceCard {
  const recorded = status === undefined ? undefined : recordedWeights(status);
  const cluster = sources.routes.ok ? completeWeights(sources.routes.value[name]) : undefined;
  const traffic: Shown<Traffic> =
    cluster !== undefined
      ? { value: { source: "cluster", weights: cluster } }
      : recorded !== undefined
        ? { value: { source: "stack", weights: recorded } }
        : { unavailable: trafficReason(sources, name) };
  const moved = status?.movedNotRecorded !== undefined && recorded !== undefined;
  const gate = config === undefined ? undefined : schemaGate(config);
  const live = status?.live ?? config?.live;
  const canary = status?.canary ?? config?.canary;
  return {
    service: name,
    ...(live === undefined ? {} : { live }),
    ...(canary === undefined ? {} : { canary }),
    traffic,
    ...(moved ? { movedNotRecorded: { cluster: { ...status!.movedNotRecorded! }, recorded: recorded! } } : {}),
    colors: colorCards(sources, name, status),
    ...(gate === undefined ? {} : { schemaGate: gate }),
    history: sources.history.ok
      ? { value: releaseHistory(sources.history.value, name).map((row) => ({ ...row, description: describeRow(row) })) }
      : { unavailable: sources.history.reason },
    compare: comparison(sources, config, name),
  };
}

function recordedWeights(status: ServiceStatus): Record<Color, number> {
  return { blue: status.colors.blue?.weight ?? 0, green: status.colors.green?.weight ?? 0 };
}

/** A VirtualService's weights, 0 for a color it does not route to; undefined when the service has none on the cluster. */
function completeWeights(route: Partial<Record<Color, number>> | undefined): Record<Color, number> | undefined {
  if (route === undefined) return undefined;
  return { blue: route.blue ?? 0, green: route.green ?? 0 };
}

function trafficReason(sources: DashboardSources, name: string): string {
  if (!sources.routes.ok) return sources.routes.reason;
  if (!sources.outputs.ok) return `no VirtualService for ${name} on the cluster, and ${sources.outputs.reason}`;
  return `${name} is not deployed yet (no VirtualService, nothing in the stack's outputs)`;
}

function colorCards(sources: DashboardSources, name: string, status: ServiceStatus | undefined): Shown<readonly ColorCard[]> {
  if (!sources.outputs.ok) return { unavailable: sources.outputs.reason };
  if (status === undefined) return { unavailable: `${name} is in the stack config but not deployed yet (no update has run it)` };
  const images = sources.outputs.value[name]?.images ?? {};
  return {
    value: COLORS.flatMap((color) => {
      const colorStatus = status.colors[color];
      if (colorStatus === undefined) return [];
      const pods: Shown<ColorPods> =
        colorStatus.pods !== undefined
          ? { value: colorStatus.pods }
          : { unavailable: sources.pods.ok ? `no ${color} Deployment of ${name} on the cluster` : sources.pods.reason };
      const image = images[color];
      return [{ color, live: status.live === color, version: colorStatus.version, ...(image === undefined ? {} : { image }), pods }];
    }),
  };
}

/** With `database.schemaVersion` set: whether each deployed color can run on it (the rule that gates traffic). */
function schemaGate(service: ServiceConfig): SchemaGate | undefined {
  const schemaVersion = service.database?.schemaVersion;
  if (schemaVersion === undefined) return undefined;
  const colors = COLORS.flatMap((color) => {
    const slot = service.slots[color];
    if (slot === undefined) return [];
    return [{ color, ...(slot.schema === undefined ? {} : { schema: slot.schema }), runs: slot.schema !== undefined && runsOnSchema(slot.schema, schemaVersion) }];
  });
  return { schemaVersion, colors };
}

function comparison(sources: DashboardSources, config: ServiceConfig | undefined, name: string): Shown<Comparison> {
  if (!sources.config.ok) return { unavailable: sources.config.reason };
  if (config === undefined) return { unavailable: `${name} is no longer in the stack config` };
  try {
    const compared = compareColors(config);
    return { value: { ...compared, rows: comparisonRows(compared) } };
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}
