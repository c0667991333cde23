import { CONFIG_NAMESPACE } from "../../model/config/keys";

/**
 * A clone's stack file against the stack's history in the shared backend.
 * Stack config lives in each clone; state, and the config every update ran
 * with, in the backend. A clone that has not pulled a colleague's change
 * would silently revert it on its next `up`: that is what this finds.
 */

/** One config value as Pulumi reports it: text (JSON for objects and numbers), and whether it is a secret. */
export interface ConfigValue {
  readonly value: string;
  readonly secret?: boolean;
}

/** An update as the stack history keeps it, newest first in a list. */
export interface RecordedUpdate {
  /** 1 for the stack's first update; 0 where the backend does not number them. */
  readonly version: number;
  /** `update`, `refresh`, `destroy`, ... */
  readonly kind: string;
  /** `succeeded`, `failed`, ... */
  readonly result: string;
  readonly message: string;
  readonly startTime: string;
  readonly config: Readonly<Record<string, ConfigValue>>;
}

/** A key where the backend holds a newer value than this clone's file. */
export interface StaleKey {
  /** e.g. `services.checkout.canary`. */
  readonly key: string;
  /** JSON text of the value, or undefined when absent. */
  readonly backend: string | undefined;
  readonly file: string | undefined;
  /** The update that last changed the key in the backend. */
  readonly changedBy: RecordedUpdate;
}

/**
 * The `switchyard:*` config as leaf key paths (`services.checkout.canary`)
 * and the JSON text of each value. Secret values are left out: their
 * ciphertexts differ with every encryption and say nothing.
 */
export function leafValues(config: Readonly<Record<string, ConfigValue>>): Map<string, string> {
  const leaves = new Map<string, string>();
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, { value, secret }] of Object.entries(config)) {
    if (!fullKey.startsWith(prefix) || secret) continue;
    collect(leaves, fullKey.slice(prefix.length), decode(value));
  }
  return leaves;
}

function collect(leaves: Map<string, string>, key: string, value: unknown): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [child, nested] of Object.entries(value)) collect(leaves, `${key}.${child}`, nested);
  } else {
    leaves.set(key, JSON.stringify(value));
  }
}

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Keys whose value in this file is one the backend had before a later
 * update changed it: the file is behind. A file value the history never
 * held is an edit not yet applied, not a stale one; so is a change the
 * backend made at or before `syncedAt`, the newest update this clone is
 * known to be in step with (see cli/pulumi/syncPoint.ts).
 */
export function backendAhead(updates: readonly RecordedUpdate[], file: ReadonlyMap<string, string>, syncedAt?: string): StaleKey[] {
  // A failed or cancelled update's config never took effect: what the backend holds is what the last successful one ran with.
  const [latest, ...older] = updates.filter(tookEffect);
  if (latest === undefined) return [];
  const current = leafValues(latest.config);
  const history = older.map((update) => ({ update, values: leafValues(update.config) }));
  const stale: StaleKey[] = [];
  for (const key of new Set([...current.keys(), ...file.keys()])) {
    const backend = current.get(key);
    const mine = file.get(key);
    if (backend === mine) continue;
    const lastChange = history.findIndex(({ values }) => values.get(key) !== backend);
    if (lastChange === -1) continue;
    const heldBefore = history.slice(lastChange).some(({ values }) => values.get(key) === mine);
    const changedBy = lastChange === 0 ? latest : history[lastChange - 1]!.update;
    const afterSync = syncedAt === undefined || changedBy.startTime > syncedAt;
    if (heldBefore && afterSync) stale.push({ key, backend, file: mine, changedBy });
  }
  return stale.sort((a, b) => a.key.localeCompare(b.key));
}

/** One indented line per stale key, for a refusal's message. */
export function describeStaleKeys(stale: readonly StaleKey[]): string {
  return stale.map((key) => `  ${describeStaleKey(key)}`).join("\n");
}

/** A successful update: the config it ran with is what the stack runs. */
export function tookEffect(update: RecordedUpdate): boolean {
  return update.kind === "update" && update.result === "succeeded";
}

/** `services.checkout.canary: backend 25, this file 0 (update 17, "checkout: canary 25% to green by ann@ci", 2026-11-30T10:00:00Z)`. */
export function describeStaleKey(stale: StaleKey): string {
  const { version, message, startTime } = stale.changedBy;
  const update = version > 0 ? `update ${version}, ` : "";
  return `${stale.key}: backend ${stale.backend ?? "(not set)"}, this file ${stale.file ?? "(not set)"} (${update}"${message}", ${startTime})`;
}

/** This clone's stack file is behind the backend: applying it would undo someone else's release. Nothing was changed. */
export class StaleStackFileError extends Error {
  override name = "StaleStackFileError";
}
