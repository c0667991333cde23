import { namespacedKey } from "../../model/config/keys";
import { COLORS, serviceSchema, slotSchema, type Color } from "../../model/config/schema";
import { leafValues } from "../edits/staleness";
import { trafficWeights } from "../../model/traffic";

/** One stack update as the history holds it, reduced to plain data. */
export interface StackUpdate {
  readonly startTime: Date;
  readonly kind: string;
  readonly result: string;
  readonly message: string;
  /** The `switchyard:services` config value the update ran with (JSON text). */
  readonly servicesConfig?: string;
}

/** An update as the Automation API lists it (`Stack.history`); its config values are text. */
export interface UpdateSummaryLike {
  readonly startTime: string | Date;
  readonly kind: string;
  readonly result: string;
  readonly message: string;
  readonly config?: Readonly<Record<string, { readonly value: string }>>;
}

const SERVICES_KEY = namespacedKey("services");

/** The stack's updates reduced to what history reads. */
export function stackUpdates(summaries: readonly UpdateSummaryLike[]): StackUpdate[] {
  return summaries.map((update) => ({
    // Typed as a Date by the Automation API, delivered as the JSON text.
    startTime: new Date(update.startTime),
    kind: update.kind,
    result: update.result,
    message: update.message,
    ...(update.config?.[SERVICES_KEY] === undefined ? {} : { servicesConfig: update.config[SERVICES_KEY].value }),
  }));
}

/** What one update ran for one service: the live color, the weights and the version of each color. */
export interface ServiceState {
  readonly live: Color;
  readonly weights: Readonly<Record<Color, number>>;
  readonly versions: Partial<Record<Color, string>>;
}

export interface HistoryRow extends ServiceState {
  /** 1 for the stack's first update. */
  readonly update: number;
  readonly time: string;
  readonly result: string;
  /**
   * What the update changed in the service's config, derived from the config
   * the stack history keeps, e.g. `canary 0 -> 25`: true whoever made the
   * update and however, where the message is whatever its author wrote.
   */
  readonly changes: readonly string[];
  readonly message: string;
}

/**
 * The service's versions and weights over time, oldest first: one row per
 * update that changed them (failed updates always show, they matter most).
 */
export function releaseHistory(updates: readonly StackUpdate[], service: string): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let previous: string | undefined;
  let previousLeaves: ReadonlyMap<string, string> | undefined;
  const chronological = [...updates].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  for (const [index, update] of chronological.entries()) {
    if (update.kind !== "update") continue;
    const state = serviceState(update.servicesConfig, service);
    if (state === undefined) continue;
    const leaves = serviceLeaves(update.servicesConfig!, service);
    const changes = previousLeaves === undefined ? ["first deployed"] : configChanges(previousLeaves, leaves);
    previousLeaves = leaves;
    const key = JSON.stringify(state);
    if (key === previous && update.result === "succeeded") continue;
    previous = key;
    rows.push({ update: index + 1, time: update.startTime.toISOString(), result: update.result, changes, message: update.message, ...state });
  }
  return rows;
}

/**
 * The fields of one service that history shows, validated by the config
 * schema's own rules; other fields are not judged, since an old update may
 * hold settings this version of switchyard no longer knows.
 */
const recordedSlot = slotSchema.pick({ version: true }).loose();
const recordedService = serviceSchema
  .pick({ live: true, canary: true })
  .extend({ blue: recordedSlot.optional(), green: recordedSlot.optional() })
  .loose();

function serviceState(servicesConfig: string | undefined, service: string): ServiceState | undefined {
  if (servicesConfig === undefined) return undefined;
  let services: unknown;
  try {
    services = JSON.parse(servicesConfig);
  } catch {
    return undefined;
  }
  const entry = recordedService.safeParse((services as Record<string, unknown> | null)?.[service]);
  if (!entry.success) return undefined;
  const { live, canary = 0 } = entry.data;
  const versions: Partial<Record<Color, string>> = {};
  for (const color of COLORS) {
    const version = entry.data[color]?.version;
    if (version !== undefined) versions[color] = version;
  }
  return { live, weights: trafficWeights(live, canary), versions };
}

/** The service's own config keys (`canary`, `green.version`, ...) and their values in one update. */
function serviceLeaves(servicesConfig: string, service: string): Map<string, string> {
  const prefix = `services.${service}.`;
  const leaves = leafValues({ [namespacedKey("services")]: { value: servicesConfig } });
  return new Map([...leaves].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
}

/** `canary 0 -> 25`, one per key that differs, in key order. */
function configChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const shown = (value: string | undefined) => (value === undefined ? "(none)" : value.replace(/^"(.*)"$/, "$1"));
  return keys.filter((key) => before.get(key) !== after.get(key)).map((key) => `${key} ${shown(before.get(key))} -> ${shown(after.get(key))}`);
}

export function formatHistory(rows: readonly HistoryRow[]): string {
  const header = `${"#".padEnd(4)}  ${"time".padEnd(20)}  ${"result".padEnd(10)}  ${"blue".padEnd(14)}  ${"green".padEnd(14)}  change (message)`;
  const lines = rows.map((row) => {
    const cells = COLORS.map((color) => (row.versions[color] === undefined ? "-" : `${row.versions[color]} ${row.weights[color]}%`));
    return `${String(row.update).padEnd(4)}  ${row.time.slice(0, 19).replace("T", " ").padEnd(20)}  ${row.result.padEnd(10)}  ${cells[0]!.padEnd(14)}  ${cells[1]!.padEnd(14)}  ${describeRow(row)}`;
  });
  return [header, ...lines].join("\n");
}

/** The derived change first; the recorded message, which may be anything (a git commit's subject, say), beside it. */
export function describeRow(row: HistoryRow): string {
  const change = row.changes.length === 0 ? "no config change" : row.changes.join(", ");
  return row.message === "" ? change : `${change} (message: ${row.message})`;
}

/** One update of a release group: every member's state after it, and what it changed in any of them. */
export interface GroupHistoryRow {
  readonly update: number;
  readonly time: string;
  readonly result: string;
  /** By member; absent for a member the update did not yet run. */
  readonly members: Readonly<Record<string, ServiceState>>;
  /** `checkout: canary 0 -> 25`, member by member. */
  readonly changes: readonly string[];
  readonly message: string;
}

/**
 * A group's history, oldest first: one row per update that changed any
 * member's versions or weights, with every member's state after it, so a
 * group move reads as one row and a member moved alone stands out.
 */
export function groupHistory(updates: readonly StackUpdate[], members: readonly string[]): GroupHistoryRow[] {
  const perMember = members.map((member) => ({ member, rows: releaseHistory(updates, member) }));
  const numbers = [...new Set(perMember.flatMap(({ rows }) => rows.map((row) => row.update)))].sort((a, b) => a - b);
  return numbers.map((update) => {
    const states: Record<string, ServiceState> = {};
    const changes: string[] = [];
    let at: HistoryRow | undefined;
    for (const { member, rows } of perMember) {
      const last = rows.filter((row) => row.update <= update).at(-1);
      if (last === undefined) continue;
      states[member] = { live: last.live, weights: last.weights, versions: last.versions };
      if (last.update === update) {
        at = last;
        changes.push(...last.changes.map((change) => `${member}: ${change}`));
      }
    }
    return { update, time: at!.time, result: at!.result, members: states, changes, message: at!.message };
  });
}

export function formatGroupHistory(rows: readonly GroupHistoryRow[], members: readonly string[]): string {
  const cell = (state: ServiceState | undefined) =>
    state === undefined ? "-" : COLORS.map((color) => (state.versions[color] === undefined ? "-" : `${state.versions[color]} ${state.weights[color]}%`)).join(" | ");
  const width = Math.max(24, ...members.map((member) => `${member} (blue | green)`.length));
  const header = `${"#".padEnd(4)}  ${"time".padEnd(20)}  ${"result".padEnd(10)}  ${members.map((member) => `${member} (blue | green)`.padEnd(width)).join("  ")}  change (message)`;
  const lines = rows.map((row) => {
    const cells = members.map((member) => cell(row.members[member]).padEnd(width)).join("  ");
    const change = row.changes.length === 0 ? "no config change" : row.changes.join(", ");
    return `${String(row.update).padEnd(4)}  ${row.time.slice(0, 19).replace("T", " ").padEnd(20)}  ${row.result.padEnd(10)}  ${cells}  ${row.message === "" ? change : `${change} (message: ${row.message})`}`;
  });
  return [header, ...lines].join("\n");
}
