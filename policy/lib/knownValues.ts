import { UnknownValueError } from "@pulumi/policy";

/**
 * During a preview the engine does not know every value yet (an image that a
 * docker build has not pushed, a name computed from another resource). The
 * policy SDK hands properties over behind a proxy that throws
 * UnknownValueError when such a value is read, and turns that into an
 * advisory "can't run policy during preview" for the whole policy. That
 * would silence every other check of the resource (or, for a stack policy,
 * of the whole stack), so properties are copied once into plain data where
 * each unknown value is this marker instead, and each check skips only what
 * it cannot know. In an update every value is known and nothing is skipped.
 */
export const UNKNOWN: unique symbol = Symbol("unknown until the update");
export type Unknown = typeof UNKNOWN;

/** Plain data read from resource properties: JSON, with UNKNOWN where the engine has no value yet. */
export type Data = string | number | boolean | null | Unknown | readonly Data[] | { readonly [key: string]: Data };

/** A deep copy of the properties, with UNKNOWN for every value that is unknown during a preview. */
export function knownData(properties: unknown): Data {
  if (properties === null || typeof properties !== "object") return properties as Data;
  if (Array.isArray(properties)) {
    return Array.from({ length: properties.length }, (_, index) => readKnown(properties as unknown[], index));
  }
  const copy: Record<string, Data> = {};
  for (const key of Object.keys(properties)) {
    const value = readKnown(properties as Record<string, unknown>, key);
    if (value !== undefined) copy[key] = value;
  }
  return copy;
}

function readKnown(container: Readonly<Record<string | number, unknown>> | readonly unknown[], key: string | number): Data {
  try {
    return knownData((container as Record<string | number, unknown>)[key]);
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

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
