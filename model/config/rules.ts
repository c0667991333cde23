import * as semver from "semver";
import { secretKey, serviceKey, slotKey } from "./keys";
import { HIDDEN_SECRET, type ConfigProblem } from "./problems";
import { COLORS, type Color, type RawStackConfig } from "./schema";
import type { ServiceConfig } from "./settings";
import type { ConfigContext } from "./context";
import { trafficWeights } from "../traffic";

/** Rules that span several keys; each problem names the key the user would change. */
export function ruleProblems(service: ServiceConfig): ConfigProblem[] {
  const other: Color = service.live === "blue" ? "green" : "blue";
  const problems: ConfigProblem[] = [];

  if (service.slots[service.live] === undefined) {
    problems.push({
      key: serviceKey(service.name, "live"),
      value: service.live,
      allowed: `a color with a slot (define ${slotKey(service.name, service.live)} with a version, or set live to ${other})`,
    });
  }
  if (service.canary > 0 && service.slots[other] === undefined) {
    problems.push({
      key: serviceKey(service.name, "canary"),
      value: service.canary,
      allowed: `0 while ${slotKey(service.name, other)} is not defined (a canary needs both colors)`,
    });
  }
  if (service.replicas === 0) {
    problems.push({
      key: serviceKey(service.name, "replicas"),
      value: 0,
      allowed: `at least 1: the live color ${service.live} receives traffic`,
    });
  }
  if (service.idleReplicas > service.replicas) {
    problems.push({
      key: serviceKey(service.name, "idleReplicas"),
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

/**
 * Secrets must be stored encrypted, belong to a deployed color, and never be
 * rendered: in render mode the provider writes Secret manifests in plain text.
 * Values are never echoed in a message.
 */
export function secretProblems(raw: RawStackConfig, context: ConfigContext): ConfigProblem[] {
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
          key: secretKey(service, color),
          value: hidden,
          allowed: `secrets for a deployed color: ${slotKey(service, color)} is not defined`,
        });
      }
    }
  }
  return problems;
}
