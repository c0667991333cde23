import { COLORS, type Color } from "./config/schema";
import { canonicalEnv } from "./naming";

/**
 * What the program remembers between updates, in its own stack outputs (it
 * reads them back through a reference to its own stack): the namespace it
 * ran in, the key that names Secrets, and per color the ConfigMap and Secret
 * contents that kept Deployment revisions may still reference.
 *
 * Why: ConfigMaps and Secrets are immutable and named by content. Each
 * content a color ran with stays until no revision that `kubectl rollout
 * undo` can return to uses it, so an undo never starts pods that reference
 * a deleted ConfigMap, and older ones do not pile up.
 */

/** One ConfigMap's or Secret's data: environment variables by name. */
export type Env = Readonly<Record<string, string>>;

/** Contents of one color, most recently used first. A Secret entry `{}` stands for a revision without a Secret. */
export interface ColorHistory {
  readonly config: readonly Env[];
  readonly secrets: readonly Env[];
}

export type ServiceHistory = Readonly<Partial<Record<Color, ColorHistory>>>;

/** Per service name. */
export type ReleaseHistory = Readonly<Record<string, ServiceHistory>>;

/** The stack outputs this memory lives in; `secretState` is a secret output. */
export const MEMORY_OUTPUTS = { namespace: "namespace", releaseHistory: "releaseHistory", secretState: "secretState" } as const;

/** What the previous update left, each part absent when it left none (a first update, or one by an older switchyard). */
export interface StackMemory {
  readonly namespace?: string;
  readonly history: ReleaseHistory;
  /** Key of the keyed hash that names Secrets (see docs/decisions.md). */
  readonly secretNameKey?: string;
}

type ContentsByColor = Readonly<Record<string, Readonly<Partial<Record<Color, readonly Env[]>>>>>;

/** The history split for the outputs: ConfigMap contents in plain text, Secret contents for the secret output. */
export function historyOutputs(history: ReleaseHistory): { readonly config: ContentsByColor; readonly secrets: ContentsByColor } {
  const pick = (kind: keyof ColorHistory): ContentsByColor =>
    Object.fromEntries(
      Object.entries(history).map(([service, colors]) => [
        service,
        Object.fromEntries(COLORS.flatMap((color) => (colors[color] === undefined ? [] : [[color, colors[color]![kind]]]))),
      ]),
    );
  return { config: pick("config"), secrets: pick("secrets") };
}

/**
 * How many contents a color keeps: one per Deployment revision that can be
 * returned to, the current one plus `revisionHistoryLimit` old ones. The
 * contents of the last N revisions are always among the N most recently
 * used contents, since each revision used one of them when it was made.
 */
export function keptCount(revisionHistoryLimit: number): number {
  return revisionHistoryLimit + 1;
}

/** The current content first, then the previous ones most recent first, without repeats, at most `keep`. */
export function nextContents(current: Env, previous: readonly Env[], keep: number): Env[] {
  const seen = new Set<string>();
  const kept: Env[] = [];
  for (const env of [current, ...previous]) {
    const identity = canonicalEnv(env);
    if (seen.has(identity)) continue;
    seen.add(identity);
    kept.push(env);
    if (kept.length === keep) break;
  }
  return kept;
}


/**
 * Reads the outputs back, tolerating anything malformed (an output written by
 * another version, or edited): what cannot be read is treated as unknown,
 * which at worst starts the history afresh; it never blocks an update.
 */
export function parseStackMemory(outputs: {
  readonly namespace?: unknown;
  readonly releaseHistory?: unknown;
  readonly secretState?: unknown;
}): StackMemory {
  const secretState = isRecord(outputs.secretState) ? outputs.secretState : {};
  const key = secretState.nameKey;
  const config = contentsOf(outputs.releaseHistory);
  const secrets = contentsOf(secretState.history);
  const services = new Set([...Object.keys(config), ...Object.keys(secrets)]);
  const history: Record<string, ServiceHistory> = {};
  for (const service of services) {
    const colors: Partial<Record<Color, ColorHistory>> = {};
    for (const color of COLORS) {
      const [configs, secretEnvs] = [config[service]?.[color], secrets[service]?.[color]];
      if (configs !== undefined || secretEnvs !== undefined) colors[color] = { config: configs ?? [], secrets: secretEnvs ?? [] };
    }
    history[service] = colors;
  }
  return {
    ...(typeof outputs.namespace === "string" ? { namespace: outputs.namespace } : {}),
    history,
    ...(typeof key === "string" && SECRET_NAME_KEY.test(key) ? { secretNameKey: key } : {}),
  };
}

/** 32 random bytes in hex, as the program makes it. */
export const SECRET_NAME_KEY = /^[0-9a-f]{64}$/;

function contentsOf(value: unknown): Record<string, Partial<Record<Color, Env[]>>> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([service, colors]) => [
      service,
      Object.fromEntries(
        COLORS.flatMap((color) => {
          const list = isRecord(colors) ? colors[color] : undefined;
          return Array.isArray(list) ? [[color, list.filter(isEnv)]] : [];
        }),
      ),
    ]),
  );
}

function isEnv(value: unknown): value is Env {
  return isRecord(value) && Object.values(value).every((item) => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
