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
  { reads: () => ["router", "parentRefs"], check: (service, raw) => gatewayProblems(service, raw) },
  { reads: (service) => ["mirror", "live", "canary", "idleReplicas", otherColor(service.live)], check: (service, raw) => mirrorProblems(service, raw) },
  {
    reads: (service) => ["match", "live", otherColor(service.live)],
    check: (service) =>
      service.match.length === 0 || service.slots[otherColor(service.live)] !== undefined
        ? []
        : [
            {
              key: serviceKey(service.name, "match"),
              value: service.match,
              allowed: `no conditions while ${slotKey(service.name, otherColor(service.live))} is not defined: matching requests go to the color that is not live, so it must exist`,
            },
          ],
  },
  { reads: () => ["database", "live", "canary", "mirror", "match", "blue", "green"], check: (service) => schemaGateProblems(service) },
];

/** An HTTPRoute attaches to a Gateway or routes nothing: the Gateway API router needs its parentRefs. */
function gatewayProblems(service: ServiceConfig, raw: unknown): ConfigProblem[] {
  if (service.router !== "gateway-api" || service.parentRefs.length > 0) return [];
  return [
    {
      key: writtenAt(raw, service.name, "parentRefs"),
      value: undefined,
      allowed: `at least one Gateway, such as [{name: shop-gateway, namespace: gateways}]: ${writtenAt(raw, service.name, "router")} is gateway-api, and an HTTPRoute routes only through the Gateways in its parentRefs`,
    },
  ];
}

/**
 * Mirroring copies live requests to the idle color (requirement issue 18): it
 * needs that color to exist and run pods, and it is not mixed with a canary,
 * where the other color already takes real requests.
 */
function mirrorProblems(service: ServiceConfig, raw: unknown): ConfigProblem[] {
  if (service.mirror === 0) return [];
  const idle = otherColor(service.live);
  const problem = (allowed: string): ConfigProblem[] => [{ key: serviceKey(service.name, "mirror"), value: service.mirror, allowed }];
  if (service.slots[idle] === undefined) {
    return problem(`0 while ${slotKey(service.name, idle)} is not defined: mirroring copies requests to the idle color, and ${service.name} has only ${service.live}`);
  }
  if (service.canary > 0) {
    return problem(
      `0 while a canary is running (${serviceKey(service.name, "canary")} is ${service.canary}): the rule "mirror only to an idle color" keeps shadow traffic apart from real traffic; finish the canary with promote or rollback first`,
    );
  }
  if (service.idleReplicas === 0) {
    return problem(
      `0 while the idle color ${idle} runs no replicas (${writtenAt(raw, service.name, "idleReplicas")} is 0): mirrored requests only go to ready pods; raise idleReplicas first`,
    );
  }
  return [];
}

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

/**
 * The key that sends a color requests, or undefined when none reach it:
 * `live` or `canary` for weighted traffic, else `match` or `mirror` for the
 * color that is not live (A/B-matched and mirrored requests reach it for real).
 */
function trafficKeyOf(service: ServiceConfig, color: Color, weight: number): "live" | "canary" | "match" | "mirror" | undefined {
  if (weight > 0) return color === service.live ? "live" : "canary";
  if (color === service.live) return undefined;
  if (service.match.length > 0) return "match";
  return service.mirror > 0 ? "mirror" : undefined;
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
    const trafficKey = trafficKeyOf(service, color, weights[color]);
    if (slot === undefined || trafficKey === undefined) continue;
    if (slot.schema === undefined) {
      problems.push({
        key: slotKey(service.name, color, "schema"),
        value: undefined,
        allowed: `a schema range containing ${current}: ${serviceKey(service.name, "database", "schemaVersion")} is set, so every color that receives traffic must declare the schema versions it runs on`,
      });
    } else if (!runsOnSchema(slot.schema, current)) {
      const value = service[trafficKey];
      problems.push({
        key: serviceKey(service.name, trafficKey),
        value,
        allowed: `a setting that sends no traffic to ${color}: ${color} runs ${slot.version} with schema "${slot.schema}", which cannot run on database schema version ${current}`,
      });
    }
  }
  return problems;
}
