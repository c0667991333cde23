import * as semver from "semver";
import { ZodObject, ZodOptional, ZodRecord, type z } from "zod";
import { analysisProblems, resolveAnalysis, type AnalysisSettings } from "./analysis";
import { ConfigError, HIDDEN_SECRET, type ConfigProblem } from "./problems";
import {
  Color,
  COLORS,
  RawDefaults,
  RawProbe,
  RawResources,
  RawSecrets,
  RawService,
  RawSlot,
  RawStackConfig,
  stackConfigSchema,
} from "./schema";
import { trafficWeights } from "../traffic";

export { COLORS };
export type { Color };

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
  readonly database?: { readonly schemaVersion: number };
}

export interface StackConfig {
  readonly namespace: string;
  /** Create the namespace (labelled for Istio sidecar injection) rather than expect it. */
  readonly manageNamespace: boolean;
  readonly services: readonly ServiceConfig[];
  /** Canary analysis for `switchyard rollout`; absent when the stack has no `switchyard:analysis`. */
  readonly analysis?: AnalysisSettings;
}

/** Built-in defaults; `switchyard:defaults` overrides them, and each service overrides both. */
export const BUILTIN_DEFAULTS = {
  port: 8080,
  replicas: 2,
  revisionHistoryLimit: 5,
  progressDeadlineSeconds: 600,
  canary: 0,
  manageNamespace: true,
  probes: {
    readiness: { path: "/readyz", initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 },
    liveness: { path: "/healthz", initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
  },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  dockerfile: "Dockerfile",
} as const;

/** Facts about the stack config that live outside the `switchyard:*` values. */
export interface ConfigContext {
  /** Keys (without namespace) whose values were set with `--secret`. */
  readonly secretKeys: readonly string[];
  /** `kubernetes:renderYamlToDirectory` is set: manifests go to files, not to a cluster. */
  readonly renderMode: boolean;
}

const NO_CONTEXT: ConfigContext = { secretKeys: [], renderMode: false };

/**
 * Parses the `switchyard:*` stack config (keys without the namespace) into
 * typed settings with every default resolved. Throws a ConfigError listing
 * every problem found; nothing has been registered at that point.
 */
export function parseStackConfig(raw: Record<string, unknown>, context: ConfigContext = NO_CONTEXT): StackConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(shapeProblems(parsed.error, raw));
  }
  const secretIssues = secretProblems(parsed.data, context);
  if (secretIssues.length > 0) throw new ConfigError(secretIssues);
  const config = resolveStackConfig(parsed.data);
  const problems = [
    ...config.services.flatMap(ruleProblems),
    ...(parsed.data.analysis === undefined ? [] : analysisProblems(parsed.data.analysis)),
  ];
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return config;
}

function resolveStackConfig(raw: RawStackConfig): StackConfig {
  const defaults = raw.defaults ?? {};
  return {
    namespace: raw.namespace,
    manageNamespace: raw.manageNamespace ?? BUILTIN_DEFAULTS.manageNamespace,
    services: Object.entries(raw.services).map(([name, service]) =>
      resolveService(name, service, defaults, raw.secrets?.[name] ?? {}),
    ),
    ...(raw.analysis === undefined ? {} : { analysis: resolveAnalysis(raw.analysis) }),
  };
}

function resolveService(name: string, raw: RawService, defaults: RawDefaults, secrets: RawSecrets[string]): ServiceConfig {
  const replicas = raw.replicas ?? defaults.replicas ?? BUILTIN_DEFAULTS.replicas;
  return {
    name,
    image: raw.image,
    port: raw.port ?? defaults.port ?? BUILTIN_DEFAULTS.port,
    replicas,
    idleReplicas: raw.idleReplicas ?? defaults.idleReplicas ?? replicas,
    revisionHistoryLimit:
      raw.revisionHistoryLimit ?? defaults.revisionHistoryLimit ?? BUILTIN_DEFAULTS.revisionHistoryLimit,
    progressDeadlineSeconds:
      raw.progressDeadlineSeconds ?? defaults.progressDeadlineSeconds ?? BUILTIN_DEFAULTS.progressDeadlineSeconds,
    probes: {
      readiness: resolveProbe(BUILTIN_DEFAULTS.probes.readiness, defaults.probes?.readiness, raw.probes?.readiness),
      liveness: resolveProbe(BUILTIN_DEFAULTS.probes.liveness, defaults.probes?.liveness, raw.probes?.liveness),
    },
    resources: resolveResources(raw.resources ?? defaults.resources),
    slots: resolveSlots(raw, secrets),
    live: raw.live,
    canary: raw.canary ?? BUILTIN_DEFAULTS.canary,
    ...(raw.database === undefined ? {} : { database: raw.database }),
  };
}

/** Field by field, so a service can change one timing and keep the rest. */
function resolveProbe(builtin: ProbeSettings, shared: RawProbe | undefined, own: RawProbe | undefined): ProbeSettings {
  return {
    path: own?.path ?? shared?.path ?? builtin.path,
    initialDelaySeconds: own?.initialDelaySeconds ?? shared?.initialDelaySeconds ?? builtin.initialDelaySeconds,
    periodSeconds: own?.periodSeconds ?? shared?.periodSeconds ?? builtin.periodSeconds,
    timeoutSeconds: own?.timeoutSeconds ?? shared?.timeoutSeconds ?? builtin.timeoutSeconds,
    failureThreshold: own?.failureThreshold ?? shared?.failureThreshold ?? builtin.failureThreshold,
  };
}

/** Resources are taken whole, not merged: a partial merge could pair a service's limit with another's request. */
function resolveResources(raw: RawResources | undefined): ResourceSettings {
  if (raw === undefined) return BUILTIN_DEFAULTS.resources;
  return { requests: raw.requests ?? {}, limits: raw.limits ?? {} };
}

function resolveSlots(raw: RawService, secrets: RawSecrets[string]): Partial<Record<Color, ColorSlot>> {
  const slots: Partial<Record<Color, ColorSlot>> = {};
  for (const color of COLORS) {
    const slot = raw[color];
    if (slot !== undefined) slots[color] = resolveSlot(slot, secrets[color] ?? {});
  }
  return slots;
}

function resolveSlot(raw: RawSlot, secretEnv: Readonly<Record<string, string>>): ColorSlot {
  const env = Object.fromEntries(Object.entries(raw.env ?? {}).map(([key, value]) => [key, String(value)]));
  const { build, ...rest } = raw;
  return {
    ...rest,
    env,
    secretEnv,
    ...(build === undefined ? {} : { build: { context: build.context, dockerfile: build.dockerfile ?? BUILTIN_DEFAULTS.dockerfile } }),
  };
}

/** Rules that span several keys; each problem names the key the user would change. */
function ruleProblems(service: ServiceConfig): ConfigProblem[] {
  const key = (field: string) => `services.${service.name}.${field}`;
  const other: Color = service.live === "blue" ? "green" : "blue";
  const problems: ConfigProblem[] = [];

  if (service.slots[service.live] === undefined) {
    problems.push({
      key: key("live"),
      value: service.live,
      allowed: `a color with a slot (define ${key(service.live)} with a version, or set live to ${other})`,
    });
  }
  if (service.canary > 0 && service.slots[other] === undefined) {
    problems.push({
      key: key("canary"),
      value: service.canary,
      allowed: `0 while ${key(other)} is not defined (a canary needs both colors)`,
    });
  }
  if (service.replicas === 0) {
    problems.push({
      key: key("replicas"),
      value: 0,
      allowed: `at least 1: the live color ${service.live} receives traffic`,
    });
  }
  if (service.idleReplicas > service.replicas) {
    problems.push({
      key: key("idleReplicas"),
      value: service.idleReplicas,
      allowed: `from 0 to replicas (${service.replicas}): an idle color never needs more pods than a live one`,
    });
  }
  problems.push(...schemaGateProblems(service));
  return problems;
}

/** Whether a build declaring the schema range `schema` (e.g. `>=13 <15`) can run on database schema version `schemaVersion`. */
export function runsOnSchema(schema: string, schemaVersion: number): boolean {
  return semver.satisfies(`${schemaVersion}.0.0`, schema);
}

/**
 * With `database.schemaVersion` set, a color may only receive traffic when its
 * `schema` range contains that version: no rollback onto a build that cannot
 * read the current data (requirement B4).
 */
function schemaGateProblems(service: ServiceConfig): ConfigProblem[] {
  if (service.database === undefined) return [];
  const current = service.database.schemaVersion;
  const weights = trafficWeights(service.live, service.canary);
  const problems: ConfigProblem[] = [];
  for (const color of COLORS) {
    const slot = service.slots[color];
    if (slot === undefined || weights[color] === 0) continue;
    if (slot.schema === undefined) {
      problems.push({
        key: `services.${service.name}.${color}.schema`,
        value: undefined,
        allowed: `a schema range containing ${current}: services.${service.name}.database.schemaVersion is set, so every color that receives traffic must declare the schema versions it runs on`,
      });
    } else if (!runsOnSchema(slot.schema, current)) {
      const trafficKey = color === service.live ? "live" : "canary";
      const value = color === service.live ? service.live : service.canary;
      problems.push({
        key: `services.${service.name}.${trafficKey}`,
        value,
        allowed: `a setting that sends no traffic to ${color}: ${color} runs ${slot.version} with schema "${slot.schema}", which cannot run on database schema version ${current}`,
      });
    }
  }
  return problems;
}

/**
 * Secrets must be stored encrypted, belong to a deployed color, and never be
 * rendered: in render mode the provider writes Secret manifests in plain text.
 * Values are never echoed in a message.
 */
function secretProblems(raw: RawStackConfig, context: ConfigContext): ConfigProblem[] {
  if (raw.secrets === undefined) return [];
  const hidden = HIDDEN_SECRET;
  const problems: ConfigProblem[] = [];
  if (!context.secretKeys.includes("secrets")) {
    problems.push({
      key: "secrets",
      value: hidden,
      allowed: "values stored encrypted: set each with pulumi config set --secret --path 'secrets.<service>.<color>.<NAME>' VALUE",
    });
  }
  if (context.renderMode) {
    problems.push({
      key: "secrets",
      value: hidden,
      allowed:
        "no secrets while kubernetes:renderYamlToDirectory is set: rendered Secret manifests would hold them in plain text; deploy to a cluster, or remove switchyard:secrets from this stack",
    });
  }
  for (const [service, colors] of Object.entries(raw.secrets)) {
    for (const color of COLORS) {
      if (colors[color] !== undefined && raw.services[service]?.[color] === undefined) {
        problems.push({
          key: `secrets.${service}.${color}`,
          value: hidden,
          allowed: `secrets for a deployed color: services.${service}.${color} is not defined`,
        });
      }
    }
  }
  return problems;
}

/** One problem per zod issue (one per unknown key), worded with the offending value from the raw input. */
function shapeProblems(error: z.ZodError, raw: Record<string, unknown>): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((unknownKey) => ({
        key: [...path, unknownKey].join("."),
        value: path[0] === "secrets" ? HIDDEN_SECRET : valueAt(raw, [...path, unknownKey]),
        allowed: `no such setting, ${knownKeysAt([...path, unknownKey])}`,
      }));
    }
    if (issue.code === "invalid_key") {
      // A map key (service or variable name) broke its rule: report the key's own rule.
      return [{ key: path.join("."), value: path[path.length - 1], allowed: issue.issues[0]?.message ?? issue.message }];
    }
    const value = path[0] === "secrets" ? HIDDEN_SECRET : valueAt(raw, path);
    return [{ key: path.join("."), value, allowed: issue.message }];
  });
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** The settings valid where an unknown key was found, with the closest one first when it looks like a typo. */
function knownKeysAt(path: readonly string[]): string {
  const known = Object.keys(objectSchemaAt(path.slice(0, -1))?.shape ?? {});
  const typoOf = known.find((candidate) => editDistance(candidate, path[path.length - 1] ?? "") <= 2);
  const list = `known here: ${known.join(", ")}`;
  return typoOf === undefined ? list : `did you mean ${typoOf}? ${list}`;
}

function objectSchemaAt(path: readonly string[]): z.ZodObject | undefined {
  let schema: z.ZodType = stackConfigSchema;
  for (const segment of path) {
    const node = unwrapOptional(schema);
    if (node instanceof ZodObject) schema = node.shape[segment];
    else if (node instanceof ZodRecord) schema = node.valueType as z.ZodType;
    else return undefined;
    if (schema === undefined) return undefined;
  }
  const node = unwrapOptional(schema);
  return node instanceof ZodObject ? node : undefined;
}

function unwrapOptional(schema: z.ZodType): z.ZodType {
  return schema instanceof ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
