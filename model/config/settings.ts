import type { AnalysisSettings } from "./analysis";
import type { Color, RawMatch, RawParentRef, RouterName } from "./schema";

/**
 * The stack config as the program and the command use it: typed, validated,
 * every default resolved. `parse.ts` produces it from what users write
 * (`schema.ts`); nothing downstream reads raw config.
 */

/** An HTTP probe with every timing resolved. */
export interface ProbeSettings {
  readonly path: string;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export interface ResourceAmounts {
  readonly cpu?: string;
  readonly memory?: string;
}

export interface ResourceSettings {
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

/** One color's release: the version it runs and the config bound to that version. */
export interface ColorSlot {
  readonly version: string;
  /** Immutable build-id tag used instead of the version as the image tag. */
  readonly tag?: string;
  /** `sha256:...` digest pin. */
  readonly digest?: string;
  /** Feature flags and settings that roll forward and back with this version. */
  readonly env: Readonly<Record<string, string>>;
  /** Secret environment (from `switchyard:secrets`), plain here; resources receive it wrapped as a Pulumi secret. */
  readonly secretEnv: Readonly<Record<string, string>>;
  /** Semver range of database schema versions this build can run on. */
  readonly schema?: string;
  readonly commit?: string;
  readonly note?: string;
  /** Build and push the image from sources instead of pulling an existing one. */
  readonly build?: { readonly context: string; readonly dockerfile: string };
}

export interface ServiceConfig {
  readonly name: string;
  /** Image repository, without tag. */
  readonly image: string;
  readonly port: number;
  /** Pods of a color that receives traffic. */
  readonly replicas: number;
  /** Pods of a color that receives no weighted traffic (the warm standby). */
  readonly idleReplicas: number;
  readonly revisionHistoryLimit: number;
  readonly progressDeadlineSeconds: number;
  readonly probes: { readonly readiness: ProbeSettings; readonly liveness: ProbeSettings };
  readonly resources: ResourceSettings;
  readonly slots: Readonly<Partial<Record<Color, ColorSlot>>>;
  readonly live: Color;
  /** Percent of traffic (0..100) sent to the color that is not live. */
  readonly canary: number;
  /** What renders the routing: Istio's VirtualService and DestinationRule, or a Gateway API HTTPRoute. */
  readonly router: RouterName;
  /** The Gateways an HTTPRoute attaches to; empty with the istio router. */
  readonly parentRefs: readonly RawParentRef[];
  /** Percent (0..100) of live requests copied to the idle color, whose responses are discarded. */
  readonly mirror: number;
  /** A/B conditions: matching requests go to the color that is not live, whatever the weights. */
  readonly match: readonly RawMatch[];
  readonly database?: { readonly schemaVersion: number };
  /** The release group the service belongs to, if any (`switchyard:groups`). */
  readonly group?: ServiceGroup;
}

/** A service's membership of a release group. */
export interface ServiceGroup {
  readonly name: string;
  /** Requests keep the color they entered with at every member (the `x-switchyard-color` header). */
  readonly lanes: boolean;
}

/**
 * Services released together (`switchyard:groups.<name>`): one canary, one
 * live color, one analysis, moved by one config change and one update.
 */
export interface GroupConfig {
  readonly name: string;
  /** Members in the order the config lists them; the first is where a lane usually starts. */
  readonly services: readonly string[];
  readonly lanes: boolean;
}

export interface StackConfig {
  readonly namespace: string;
  /** Create the namespace (labelled for Istio sidecar injection) rather than expect it. */
  readonly manageNamespace: boolean;
  readonly services: readonly ServiceConfig[];
  /** Canary analysis for `switchyard rollout`; absent when the stack has no `switchyard:analysis`. */
  readonly analysis?: AnalysisSettings;
  /** Release groups, in the order the config lists them; empty when the stack has none. */
  readonly groups: readonly GroupConfig[];
}

/** Built-in defaults; `switchyard:defaults` overrides them, and each service overrides both. */
export const BUILTIN_DEFAULTS = {
  port: 8080,
  replicas: 2,
  revisionHistoryLimit: 5,
  progressDeadlineSeconds: 600,
  canary: 0,
  router: "istio",
  mirror: 0,
  manageNamespace: true,
  lanes: false,
  probes: {
    readiness: { path: "/readyz", initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 },
    liveness: { path: "/healthz", initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
  },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  dockerfile: "Dockerfile",
} as const;
