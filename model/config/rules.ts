import * as semver from "semver";
import { serviceKey, slotKey } from "./keys";
import { writtenAt } from "./provenance";
import { quantityValue } from "./quantity";
import type { ConfigProblem } from "./problems";
import { COLORS, type Color, type RawService } from "./schema";
import type { ServiceConfig } from "./settings";
import { trafficWeights } from "../traffic";

/** A rule across keys of one service, with the fields it reads. */
interface Rule {
  /** The fields whose values decide the outcome (the slots it looks at may depend on the live color). */
  reads(service: ServiceConfig): readonly (keyof RawService)[];
  check(service: ServiceConfig, raw: unknown): ConfigProblem[];
}

/**
 * Rules that span several keys; each problem names the key the user would
 * change, which is where the value was written (`raw`): the service's own
 * key or `switchyard:defaults`. Fields in `unreliable` had shape problems of
 * their own (and hold a stand-in); rules reading them are skipped rather
 * than report on a value the user did not write.
 */
export function ruleProblems(service: ServiceConfig, raw: unknown, unreliable: ReadonlySet<string> = new Set()): ConfigProblem[] {
  return RULES.filter((rule) => !rule.reads(service).some((field) => unreliable.has(field))).flatMap((rule) => rule.check(service, raw));
}

const otherColor = (color: Color): Color => (color === "blue" ? "green" : "blue");

const RULES: readonly Rule[] = [
  {
    reads: (service) => ["live", service.live],
    check: (service) =>
      service.slots[service.live] !== undefined
        ? []
        : [
            {
              key: serviceKey(service.name, "live"),
              value: service.live,
              allowed: `a color with a slot (define ${slotKey(service.name, service.live)} with a version, or set live to ${otherColor(service.live)})`,
            },
          ],
  },
  {
    reads: (service) => ["live", "canary", otherColor(service.live)],
    check: (service) => {
      const other = otherColor(service.live);
      if (service.canary === 0 || service.slots[other] !== undefined) return [];
      return [
        {
          key: serviceKey(service.name, "canary"),
          value: service.canary,
          allowed: `0 while ${slotKey(service.name, other)} is not defined (a canary needs both colors)`,
        },
      ];
    },
  },
  {
    reads: () => ["replicas"],
    check: (service, raw) =>
      service.replicas !== 0
        ? []
        : [
            {
              key: writtenAt(raw, service.name, "replicas"),
              value: 0,
              allowed: `at least 1: the live color ${service.live} of ${service.name} receives traffic`,
            },
          ],
  },
  {
    reads: () => ["replicas", "idleReplicas"],
    check: (service, raw) => {
      if (service.idleReplicas <= service.replicas) return [];
      const idleKey = writtenAt(raw, service.name, "idleReplicas");
      const ownKey = serviceKey(service.name, "idleReplicas");
      const fix = idleKey === ownKey ? "" : `; set ${ownKey} for ${service.name}, or lower ${idleKey}`;
      return [
        {
          key: idleKey,
          value: service.idleReplicas,
          allowed: `from 0 to replicas (${service.replicas}, at ${writtenAt(raw, service.name, "replicas")}): an idle color never needs more pods than a live one${fix}`,
        },
      ];
    },
  },
  { reads: () => ["resources"], check: (service, raw) => requestAboveLimitProblems(service, raw) },
  { reads: () => ["database", "live", "canary", "blue", "green"], check: (service) => schemaGateProblems(service) },
];

/** Kubernetes refuses a container whose request exceeds its limit, so the rollout would fail only once it reached the cluster. */
function requestAboveLimitProblems(service: ServiceConfig, raw: unknown): ConfigProblem[] {
  const { requests, limits } = service.resources;
  return (["cpu", "memory"] as const).flatMap((resource): ConfigProblem[] => {
    const request = requests[resource];
    const limit = limits[resource];
    if (request === undefined || limit === undefined) return [];
    const [requested, limited] = [quantityValue(request), quantityValue(limit)];
    if (requested === undefined || limited === undefined || requested <= limited) return [];
    // Resources are taken whole from one place, so the request and the limit were written side by side.
    const requestKey = writtenAt(raw, service.name, "resources", "requests", resource);
    const limitKey = writtenAt(raw, service.name, "resources", "limits", resource);
    return [
      {
        key: requestKey,
        value: request,
        allowed: `at most the limit ${limitKey} (${limit}): Kubernetes refuses a request above its limit; raise the limit or lower the request`,
      },
    ];
  });
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
        key: slotKey(service.name, color, "schema"),
        value: undefined,
        allowed: `a schema range containing ${current}: ${serviceKey(service.name, "database", "schemaVersion")} is set, so every color that receives traffic must declare the schema versions it runs on`,
      });
    } else if (!runsOnSchema(slot.schema, current)) {
      const trafficKey = color === service.live ? "live" : "canary";
      const value = color === service.live ? service.live : service.canary;
      problems.push({
        key: serviceKey(service.name, trafficKey),
        value,
        allowed: `a setting that sends no traffic to ${color}: ${color} runs ${slot.version} with schema "${slot.schema}", which cannot run on database schema version ${current}`,
      });
    }
  }
  return problems;
}
