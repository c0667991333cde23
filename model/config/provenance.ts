import { defaultsKey, serviceKey } from "./keys";
import type { RawDefaults } from "./schema";

/** The value at a key path of the raw config, or undefined where the path leaves the objects. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * The key a service's setting was written at, so a problem names the key the
 * user wrote: the service's own, else `switchyard:defaults`. A built-in
 * default is reported at the service's key, where it would be overridden.
 */
export function writtenAt(raw: unknown, service: string, field: keyof RawDefaults, ...sub: readonly string[]): string {
  if (valueAt(raw, ["services", service, field, ...sub]) !== undefined) return serviceKey(service, field, ...sub);
  if (valueAt(raw, ["defaults", field, ...sub]) !== undefined) return defaultsKey(field, ...sub);
  return serviceKey(service, field, ...sub);
}
