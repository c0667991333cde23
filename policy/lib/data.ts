/**
 * Resource properties as plain data. During a preview the engine does not
 * know every value yet; such a value is the UNKNOWN marker here, and each
 * check skips only what it cannot know (see knownValues.ts for how the
 * policy SDK's properties become this data). Nothing here depends on the
 * policy SDK, so the switchyard command runs the pack's pure rules too.
 */
export const UNKNOWN: unique symbol = Symbol("unknown until the update");
export type Unknown = typeof UNKNOWN;

/** Plain data read from resource properties: JSON, with UNKNOWN where the engine has no value yet. */
export type Data = string | number | boolean | null | Unknown | readonly Data[] | { readonly [key: string]: Data };

export type DataObject = { readonly [key: string]: Data };

export function isObject(value: Data | undefined): value is DataObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/** The field of an object; undefined when the object is missing, UNKNOWN when it (or the field) is unknown. */
export function field(value: Data | undefined, key: string): Data | undefined {
  if (value === UNKNOWN) return UNKNOWN;
  return isObject(value) ? value[key] : undefined;
}

/** Follows a path of object fields. */
export function path(value: Data | undefined, ...keys: string[]): Data | undefined {
  return keys.reduce<Data | undefined>((node, key) => field(node, key), value);
}

/** The elements of a list; an absent list is empty, an unknown list is UNKNOWN. */
export function list(value: Data | undefined): readonly Data[] | Unknown {
  if (value === UNKNOWN) return UNKNOWN;
  return Array.isArray(value) ? value : [];
}

/** A string map such as labels or annotations, or UNKNOWN if it or any of its values is unknown. */
export function stringMap(value: Data | undefined): Readonly<Record<string, string>> | Unknown {
  if (value === UNKNOWN) return UNKNOWN;
  if (!isObject(value)) return {};
  const entries = Object.entries(value);
  if (entries.some(([, entry]) => entry === UNKNOWN)) return UNKNOWN;
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
