import { keptCount, nextContents, SECRET_NAME_KEY, type ColorHistory, type Env } from "./history";
import { configMapName, secretName } from "./naming";
import type { ServiceConfig } from "./config/settings";
import type { ColorPlan } from "./plan";

/** A ConfigMap or Secret as the cluster will hold it: its content name and its data. */
export interface NamedEnv {
  readonly name: string;
  readonly data: Env;
}

/** The ConfigMaps and Secrets of one color: the ones its pods read now, and the ones kept for its older revisions. */
export interface ColorContents {
  /** The ConfigMap the current pods read. */
  readonly configMap: NamedEnv;
  /** The Secret the current pods read; absent when the color has no secrets now. */
  readonly secret?: NamedEnv;
  /** Every ConfigMap to keep, the current one first. */
  readonly configMaps: readonly NamedEnv[];
  /** Every Secret to keep, the current one first when there is one. */
  readonly secrets: readonly NamedEnv[];
  /** What to record for the next update. */
  readonly history: ColorHistory;
}

/** What the contents depend on beyond the plan: the stack's Secret naming key and what the color used before. */
export interface ContentMemory {
  /** 64 hex characters, kept as a stack secret; see `secretName`. */
  readonly secretNameKey: string;
  /** @default nothing: a first update, or history from an older switchyard */
  readonly previous?: ColorHistory;
}

/**
 * Keeps, per kind, the last `revisionHistoryLimit + 1` contents the color
 * used: exactly enough for every revision `kubectl rollout undo` can
 * return to, so an undo never starts pods referencing a deleted object, and
 * nothing older piles up. Names come from the content, so a kept object's
 * name never changes and a promotion (which changes no content) touches none.
 */
export function colorContents(service: ServiceConfig, plan: ColorPlan, memory: ContentMemory): ColorContents {
  const keep = keptCount(service.revisionHistoryLimit);
  const config = nextContents(plan.slot.env, memory.previous?.config ?? [], keep);
  // `{}` stands for "no Secret" so revisions without one count towards the limit like any other.
  const secrets = nextContents(plan.slot.secretEnv, memory.previous?.secrets ?? [], keep);
  const configMaps = config.map((data) => ({ name: configMapName(service.name, plan.color, data), data }));
  if (secrets.some((data) => Object.keys(data).length > 0) && !SECRET_NAME_KEY.test(memory.secretNameKey)) {
    throw new Error(`${plan.name} has secrets but no Secret naming key was given (64 hex characters): the program passes the stack's`);
  }
  const named = secrets
    .filter((data) => Object.keys(data).length > 0)
    .map((data) => ({ name: secretName(service.name, plan.color, data, memory.secretNameKey), data }));
  const hasSecret = Object.keys(plan.slot.secretEnv).length > 0;
  return {
    configMap: configMaps[0]!,
    ...(hasSecret ? { secret: named[0]! } : {}),
    configMaps,
    secrets: named,
    history: { config, secrets },
  };
}
