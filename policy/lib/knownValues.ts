import { UnknownValueError } from "@pulumi/policy";
import { UNKNOWN, type Data } from "./data";

/**
 * During a preview the engine does not know every value yet (an image that a
 * docker build has not pushed, a name computed from another resource). The
 * policy SDK hands properties over behind a proxy that throws
 * UnknownValueError when such a value is read, and turns that into an
 * advisory "can't run policy during preview" for the whole policy. That
 * would silence every other check of the resource (or, for a stack policy,
 * of the whole stack), so properties are copied once into plain data
 * (data.ts) where each unknown value is the UNKNOWN marker instead, and
 * each check skips only what it cannot know. In an update every value is known and nothing is skipped.
 *
 * Returns a deep copy of the properties, with UNKNOWN for every value that is unknown during a preview.
 */
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
