import { resolveAnalysis } from "./analysis";
import { COLORS, type Color, type RawDefaults, type RawProbe, type RawResources, type RawSecrets, type RawService, type RawSlot, type RawStackConfig } from "./schema";
import { BUILTIN_DEFAULTS, type ColorSlot, type GroupConfig, type ProbeSettings, type ResourceSettings, type ServiceConfig, type StackConfig } from "./settings";

/**
 * Default resolution, in one place: a service's own value, else
 * `switchyard:defaults`, else the built-in default (`??`, never `||`: 0 and
 * false are values).
 */
export function resolveStackConfig(raw: RawStackConfig): StackConfig {
  const defaults = raw.defaults ?? {};
  const groups = resolveGroups(raw.groups);
  return {
    namespace: raw.namespace,
    manageNamespace: raw.manageNamespace ?? BUILTIN_DEFAULTS.manageNamespace,
    services: Object.entries(raw.services).map(([name, service]) =>
      withGroup(resolveService(name, service, defaults, raw.secrets?.[name] ?? {}), groups),
    ),
    ...(raw.analysis === undefined ? {} : { analysis: resolveAnalysis(raw.analysis) }),
    groups,
  };
}

export function resolveGroups(raw: RawStackConfig["groups"]): GroupConfig[] {
  return Object.entries(raw ?? {}).map(([name, group]) => ({
    name,
    services: [...new Set(group.services)],
    lanes: group.lanes ?? BUILTIN_DEFAULTS.lanes,
  }));
}

/** The service with the group that lists it (the first, should the config wrongly list it in two). */
export function withGroup(service: ServiceConfig, groups: readonly GroupConfig[]): ServiceConfig {
  const group = groups.find((candidate) => candidate.services.includes(service.name));
  return group === undefined ? service : { ...service, group: { name: group.name, lanes: group.lanes } };
}

export function resolveService(name: string, raw: RawService, defaults: RawDefaults, secrets: RawSecrets[string]): ServiceConfig {
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
    router: raw.router ?? defaults.router ?? BUILTIN_DEFAULTS.router,
    parentRefs: raw.parentRefs ?? defaults.parentRefs ?? [],
    mirror: raw.mirror ?? BUILTIN_DEFAULTS.mirror,
    match: raw.match ?? [],
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
