import type { Color, RawDefaults, RawGroup, RawService, RawSlot, RawStackConfig } from "./schema";

/**
 * Config key paths as `pulumi config set --path` spells them under the
 * `switchyard` namespace, e.g. `services.checkout.green.version`. Every
 * message that names a key, and every edit the command makes, builds its
 * path here, so a renamed field is renamed everywhere.
 */

/** The switchyard project's config namespace: its keys are `switchyard:<key>`. */
export const CONFIG_NAMESPACE = "switchyard";

/** A top-level setting as stack history and `PULUMI_CONFIG` name it, e.g. `switchyard:services`. */
export function namespacedKey(key: keyof RawStackConfig): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}

/** `services.<service>[.<field>[.<sub>...]]`, e.g. `services.checkout.probes.readiness.path`. */
export function serviceKey(service: string, field?: keyof RawService, ...sub: readonly string[]): string {
  return joinKey("services", service, field, ...sub);
}

/** `services.<service>.<color>[.<field>[.<sub>...]]`, e.g. `services.checkout.green.env.FEATURE_NEW_CART`. */
export function slotKey(service: string, color: Color, field?: keyof RawSlot, ...sub: readonly string[]): string {
  return joinKey("services", service, color, field, ...sub);
}

/** `defaults.<field>[.<sub>...]`, e.g. `defaults.idleReplicas`: a value every service inherits unless it sets its own. */
export function defaultsKey(field: keyof RawDefaults, ...sub: readonly string[]): string {
  return joinKey("defaults", field, ...sub);
}

/** `groups.<group>[.<field>]`, e.g. `groups.cart.services`. */
export function groupKey(group: string, field?: keyof RawGroup): string {
  return joinKey("groups", group, field);
}

/** `secrets.<service>[.<color>[.<NAME>]]`. */
export function secretKey(service: string, color?: Color, name?: string): string {
  return joinKey("secrets", service, color, name);
}

function joinKey(...segments: readonly (string | undefined)[]): string {
  return segments.filter((segment) => segment !== undefined).join(".");
}
