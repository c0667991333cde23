import { createHash, createHmac } from "node:crypto";
import type { Color } from "./config/schema";

/**
 * Names and labels. Kubernetes names are fixed per service and color and
 * never depend on which color is live, so a promotion or rollback never
 * renames, and therefore never replaces, anything.
 */

export const LABELS = {
  name: "app.kubernetes.io/name",
  version: "app.kubernetes.io/version",
  partOf: "app.kubernetes.io/part-of",
  color: "switchyard.dev/color",
  /** Istio's telemetry keys on `app` and `version`. */
  istioApp: "app",
  istioVersion: "version",
} as const;

/** Value of `LABELS.partOf` on everything switchyard makes. */
export const PART_OF = "switchyard";

export const ANNOTATIONS = {
  version: "switchyard.dev/version",
  commit: "switchyard.dev/git-commit",
  note: "switchyard.dev/change-note",
  image: "switchyard.dev/image",
  /** Shown by `kubectl rollout history`, so the Deployment's own history tells which version each revision ran. */
  changeCause: "kubernetes.io/change-cause",
} as const;

/**
 * Every object switchyard manages carries this: the stack config is the
 * source of truth, so `pulumi up` takes fields back from a manual
 * `kubectl scale` or `kubectl edit` (server-side apply would otherwise stop on
 * the field conflict) and drift is repaired rather than stuck.
 */
export const OWNERSHIP_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/patchForce": "true" };

/**
 * The one server-side-apply field manager of each route object (VirtualService or HTTPRoute). The
 * provider takes it from this annotation (provider v4.25.0, `fieldManagerName`)
 * and the command's fast path applies with it too: with one manager, an
 * apply by either side owns the same fields, so neither removes what the
 * other set and neither conflicts with the other.
 */
export const ROUTING_FIELD_MANAGER = "switchyard";

/** On the route object (VirtualService or HTTPRoute): ownership as everywhere, plus the shared field manager. */
export const ROUTE_ANNOTATIONS: Readonly<Record<string, string>> = {
  ...OWNERSHIP_ANNOTATIONS,
  "pulumi.com/patchFieldManager": ROUTING_FIELD_MANAGER,
};

/**
 * On the Service only. The provider would otherwise wait, on every update of
 * the Service, until every pod it selects is ready; it selects both colors,
 * and one of them may be rolling out or deliberately failing readiness, so
 * the update would hang for the provider's 10-minute timeout. Readiness
 * gates traffic where it matters: the VirtualService waits for the ready
 * Deployments it routes to.
 */
export const SERVICE_AWAIT_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/skipAwait": "true" };

/**
 * Header that reaches one color directly, whatever the weights: for smoke
 * tests, and the lane of a release group with lanes (set by the entry
 * service's weighted route, followed by every member downstream). The one
 * name of it: both routers, the policy pack (a copy, held to this) and docs use it.
 */
export const COLOR_HEADER = "x-switchyard-color";

export function colorName(service: string, color: Color): string {
  return `${service}-${color}`;
}

/** Labels that select one service's pods of one color; Deployment selectors and DestinationRule subsets use exactly these. */
export function colorSelector(service: string, color: Color): Record<string, string> {
  return { [LABELS.name]: service, [LABELS.color]: color };
}

/** Selects both colors: the Service sends to every ready pod and Istio splits by subset. */
export function serviceSelector(service: string): Record<string, string> {
  return { [LABELS.name]: service };
}

export function podLabels(service: string, color: Color, version: string): Record<string, string> {
  return {
    ...colorSelector(service, color),
    [LABELS.version]: version,
    [LABELS.partOf]: PART_OF,
    [LABELS.istioApp]: service,
    [LABELS.istioVersion]: version,
  };
}

/**
 * `<service>-<color>-<hash of the data>`: a change of config is a new
 * ConfigMap (they are immutable) that the color's pods roll onto, and the old
 * one stays untouched until they have.
 */
export function configMapName(service: string, color: Color, data: Readonly<Record<string, string>>): string {
  return `${colorName(service, color)}-${contentHash(data)}`;
}

/**
 * `<service>-<color>-secret-<keyed hash of the data>`. Like a ConfigMap's, the
 * name changes with the content, but the hash is keyed with the stack's own
 * secret key: Secret names are visible in pod specs, state and previews, and
 * a plain hash of a short password could be checked offline against guesses.
 * Without the key the name says nothing about the values (docs/decisions.md).
 * @param key the stack's Secret naming key, 64 hex characters
 */
export function secretName(service: string, color: Color, data: Readonly<Record<string, string>>, key: string): string {
  return `${colorName(service, color)}-secret-${keyedContentHash(data, key)}`;
}

/** First 10 hex characters of the SHA-256 of the data with keys sorted, so key order never matters. */
export function contentHash(data: Readonly<Record<string, string>>): string {
  return createHash("sha256").update(canonicalEnv(data)).digest("hex").slice(0, 10);
}

/** First 10 hex characters of the HMAC-SHA256 of the data (keys sorted) under `key` (hex). */
export function keyedContentHash(data: Readonly<Record<string, string>>, key: string): string {
  return createHmac("sha256", Buffer.from(key, "hex")).update(canonicalEnv(data)).digest("hex").slice(0, 10);
}

/** The same variables and values are the same content, in any key order. */
export function canonicalEnv(data: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
}

/** Fully qualified in-mesh host of a service. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}
