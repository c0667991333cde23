import * as semver from "semver";
import type { ServiceConfig, StackConfig } from "../../model/config/settings";
import { ConfigError, type ConfigProblem } from "../../model/config/problems";
import { secretKey, serviceKey, slotKey } from "../../model/config/keys";
import type { Color } from "../../model/config/schema";
import { otherColor } from "../../model/traffic";

/**
 * The four release operations as plain config edits: what `switchyard
 * deploy|canary|promote|rollback` would type with `pulumi config set --path`.
 * They decide from the parsed (valid) config and return key changes; the
 * caller applies them to the raw config and validates the result with the
 * program's own parser, so the rules and messages are the program's.
 */

/**
 * How `pulumi config set` should store a value: `--type` keeps the stack
 * file's types; a secret is stored encrypted (`--secret`).
 */
export type ConfigValue =
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "int"; readonly value: number }
  | { readonly type: "secret"; readonly value: string };

/** One key path under the `switchyard` namespace, e.g. `services.checkout.canary`; no value removes the key. */
export interface ConfigChange {
  readonly key: string;
  readonly set?: ConfigValue;
}

export interface ReleaseEdit {
  readonly service: string;
  /** One line for the operator and the update message, e.g. `checkout: promote green (1.5.0)`. */
  readonly summary: string;
  readonly changes: readonly ConfigChange[];
}

/**
 * What a new version brings besides its number; anything not given is not
 * carried over from the slot's previous version. Its `env` and secret env
 * start from the live color's.
 */
export interface DeployOptions {
  readonly tag?: string;
  readonly digest?: string;
  readonly commit?: string;
  readonly note?: string;
  readonly schema?: string;
  /** Overrides of the live color's `env`, which the new version starts from. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Slot fields a deploy sets from its options, and removes when the new version does not have them. */
const CARRIED_FIELDS = ["tag", "digest", "commit", "note", "schema"] as const;

const text = (value: string): ConfigValue => ({ type: "string", value });
const int = (value: number): ConfigValue => ({ type: "int", value });
const secret = (value: string): ConfigValue => ({ type: "secret", value });

export function findService(config: StackConfig, name: string): ServiceConfig {
  const service = config.services.find((candidate) => candidate.name === name);
  if (service === undefined) {
    throw new ConfigError([
      { key: serviceKey(name), value: undefined, allowed: `a service of this stack: ${config.services.map((s) => s.name).join(", ")}` },
    ]);
  }
  return service;
}

/** Puts `version` into the color that is not live; its traffic is unchanged (0% unless a canary is running, which is refused). */
export function deployEdit(service: ServiceConfig, version: string, options: DeployOptions = {}): ReleaseEdit {
  const idle = otherColor(service.live);
  const problems: ConfigProblem[] = [];
  if (service.canary > 0) {
    problems.push({
      key: serviceKey(service.name, "canary"),
      value: service.canary,
      allowed: `0 before deploying to ${idle}, which serves the canary: finish it with promote or stop it with rollback first`,
    });
  }
  if (service.database !== undefined && options.schema === undefined) {
    problems.push({
      key: slotKey(service.name, idle, "schema"),
      value: undefined,
      allowed: `the schema range of ${version} (--schema), since ${serviceKey(service.name, "database", "schemaVersion")} is set and the schema gate needs it`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const previous = service.slots[idle];
  const idleKey = (field: "version" | "env" | (typeof CARRIED_FIELDS)[number]) => slotKey(service.name, idle, field);
  const changes: ConfigChange[] = [{ key: idleKey("version"), set: text(version) }];
  for (const field of CARRIED_FIELDS) {
    const value = options[field];
    if (value !== undefined) changes.push({ key: idleKey(field), set: text(value) });
    else if (previous?.[field] !== undefined) changes.push({ key: idleKey(field) });
  }
  const live = service.slots[service.live];
  const env = { ...(live?.env ?? {}), ...(options.env ?? {}) };
  changes.push(...replaceMap(idleKey("env"), previous?.env ?? {}, env, text));
  // A version that lost the live color's credentials would fail, or run without them, once it gets traffic.
  changes.push(...replaceMap(secretKey(service.name, idle), previous?.secretEnv ?? {}, live?.secretEnv ?? {}, secret));
  return { service: service.name, summary: `${service.name}: deploy ${version} to ${idle}`, changes };
}

/** Turns the map at `key` from `before` into `after`: sets what differs, removes what is gone. */
function replaceMap(
  key: string,
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  store: (value: string) => ConfigValue,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const [name, value] of Object.entries(after)) {
    if (before[name] !== value) changes.push({ key: `${key}.${name}`, set: store(value) });
  }
  for (const name of Object.keys(before)) {
    if (!(name in after)) changes.push({ key: `${key}.${name}` });
  }
  return changes;
}

export function canaryEdit(service: ServiceConfig, percent: number): ReleaseEdit {
  return {
    service: service.name,
    summary: `${service.name}: canary ${percent}% to ${otherColor(service.live)}`,
    changes: [{ key: serviceKey(service.name, "canary"), set: int(percent) }],
  };
}

/**
 * Copies `percent` of live requests to the idle color (0 stops it). The
 * program's rules refuse it on a service with one color, during a canary and
 * to an idle color without replicas, when the caller validates the result.
 */
export function mirrorEdit(service: ServiceConfig, percent: number): ReleaseEdit {
  const idle = otherColor(service.live);
  return {
    service: service.name,
    summary: percent === 0 ? `${service.name}: stop mirroring to ${idle}` : `${service.name}: mirror ${percent}% of requests to ${idle}`,
    changes: [{ key: serviceKey(service.name, "mirror"), set: int(percent) }],
  };
}

/** The other color becomes live with all the traffic; the old live color stays as the warm standby. */
export function promoteEdit(service: ServiceConfig): ReleaseEdit {
  const next = otherColor(service.live);
  const version = service.slots[next]?.version;
  return {
    service: service.name,
    summary: `${service.name}: promote ${next}${version === undefined ? "" : ` (${version})`}`,
    changes: liveChanges(service, next),
  };
}

/**
 * Stops a running canary; without one, sends all traffic back to the other
 * color, which still runs the previous version. Refuses to "roll back" onto
 * a newer version: that is a promotion and should say so.
 */
export function rollbackEdit(service: ServiceConfig): ReleaseEdit {
  const previous = otherColor(service.live);
  if (service.canary > 0) return stopCanaryEdit(service, "roll back");
  const live = service.slots[service.live];
  const target = service.slots[previous];
  if (live !== undefined && target !== undefined && semver.gt(target.version, live.version)) {
    throw new ConfigError([
      {
        key: serviceKey(service.name, "live"),
        value: service.live,
        allowed: `${service.live} while ${previous} runs ${target.version}, newer than the live ${live.version}: a rollback goes back to an older version; use promote to move forward`,
      },
    ]);
  }
  return {
    service: service.name,
    summary: `${service.name}: roll back to ${previous}${target === undefined ? "" : ` (${target.version})`}`,
    changes: liveChanges(service, previous),
  };
}

/** Sends the canary's traffic back to the live color; `action` says who and why, for the stack history. */
export function stopCanaryEdit(service: ServiceConfig, action: string): ReleaseEdit {
  return {
    service: service.name,
    summary: `${service.name}: ${action} the ${service.canary}% canary on ${otherColor(service.live)}`,
    changes: [{ key: serviceKey(service.name, "canary"), set: int(0) }],
  };
}

function liveChanges(service: ServiceConfig, live: Color): ConfigChange[] {
  return [
    { key: serviceKey(service.name, "live"), set: text(live) },
    { key: serviceKey(service.name, "canary"), set: int(0) },
  ];
}

/** The raw `switchyard:*` config with the changes applied; the input is not modified. */
export function applyChanges(raw: Readonly<Record<string, unknown>>, changes: readonly ConfigChange[]): Record<string, unknown> {
  const result = structuredClone(raw) as Record<string, unknown>;
  for (const change of changes) {
    const path = change.key.split(".");
    const leaf = path.pop()!;
    const parent = change.set === undefined ? existingObjectAt(result, path) : objectAt(result, path);
    if (parent === undefined) continue;
    if (change.set === undefined) delete parent[leaf];
    else parent[leaf] = change.set.value;
  }
  return result;
}

function existingObjectAt(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node !== null && typeof node === "object" ? (node as Record<string, unknown>) : undefined;
}

/** Like `pulumi config set --path`, creates the maps on the way. */
function objectAt(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let node = root;
  for (const segment of path) {
    const child = node[segment];
    if (child === null || typeof child !== "object") node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  return node;
}
