import * as semver from "semver";
import { runsOnSchema } from "../../model/config/rules";
import type { ServiceConfig } from "../../model/config/settings";
import { slotKey } from "../../model/config/keys";
import { ConfigError } from "../../model/config/problems";
import { planService, type ColorPlan } from "../../model/plan";
import { otherColor } from "../../model/traffic";

/** One color as the stack config declares it. */
export interface ColorSide {
  readonly color: string;
  readonly version: string;
  readonly image: string;
  readonly weight: number;
  readonly replicas: number;
  readonly commit?: string;
  readonly note?: string;
  readonly schema?: string;
  /** With `database.schemaVersion` set: whether this build can run on the current schema. */
  readonly runsOnCurrentSchema?: boolean;
}

/** How the `env` of one color becomes the other's. */
export interface EnvChanges {
  readonly added: Readonly<Record<string, string>>;
  readonly removed: readonly string[];
  readonly changed: Readonly<Record<string, { readonly from: string; readonly to: string }>>;
}

/** Secret env compared by name and value, reported by name only. */
export interface SecretChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
}

/**
 * The live color against the other one: what a promotion would change
 * (requirement V4: two versions can be compared). Secret values never
 * appear, only which names differ.
 */
export interface ColorComparison {
  readonly service: string;
  readonly from: ColorSide;
  readonly to: ColorSide;
  /** semver's name for the step from `from` to `to` (`major`, `minor`, `patch`, `prerelease`...), or `same`. */
  readonly versionStep: string;
  readonly direction: "upgrade" | "downgrade" | "same";
  readonly schemaVersion?: number;
  readonly env: EnvChanges;
  readonly secrets: SecretChanges;
}

export function compareColors(service: ServiceConfig): ColorComparison {
  const plan = planService(service);
  const live = plan.colors.find((color) => color.color === service.live)!;
  const otherName = otherColor(service.live);
  const other = plan.colors.find((color) => color.color === otherName);
  if (other === undefined) {
    throw new ConfigError([
      {
        key: slotKey(service.name, otherName),
        value: undefined,
        allowed: `a deployed ${otherName} color to compare with the live ${live.color}: deploy a version to it first (switchyard deploy ${service.name} <version>)`,
      },
    ]);
  }
  const schemaVersion = service.database?.schemaVersion;
  const order = semver.compare(other.slot.version, live.slot.version);
  return {
    service: service.name,
    from: side(live, schemaVersion),
    to: side(other, schemaVersion),
    versionStep: semver.diff(live.slot.version, other.slot.version) ?? "same",
    direction: order > 0 ? "upgrade" : order < 0 ? "downgrade" : "same",
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
    env: envChanges(live.slot.env, other.slot.env),
    secrets: secretChanges(live.slot.secretEnv, other.slot.secretEnv),
  };
}

function side(plan: ColorPlan, schemaVersion: number | undefined): ColorSide {
  const { slot } = plan;
  return {
    color: plan.color,
    version: slot.version,
    image: plan.image,
    weight: plan.weight,
    replicas: plan.replicas,
    ...(slot.commit === undefined ? {} : { commit: slot.commit }),
    ...(slot.note === undefined ? {} : { note: slot.note }),
    ...(slot.schema === undefined ? {} : { schema: slot.schema }),
    ...(schemaVersion === undefined ? {} : { runsOnCurrentSchema: slot.schema !== undefined && runsOnSchema(slot.schema, schemaVersion) }),
  };
}

function envChanges(from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>): EnvChanges {
  const added: Record<string, string> = {};
  const changed: Record<string, { from: string; to: string }> = {};
  for (const [name, value] of Object.entries(to)) {
    if (!(name in from)) added[name] = value;
    else if (from[name] !== value) changed[name] = { from: from[name]!, to: value };
  }
  return { added, removed: Object.keys(from).filter((name) => !(name in to)), changed };
}

function secretChanges(from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>): SecretChanges {
  const names = (record: Readonly<Record<string, unknown>>) => Object.keys(record).sort();
  const env = envChanges(from, to);
  const unchanged = Object.keys(to).filter((name) => from[name] === to[name]);
  return { added: names(env.added), removed: [...env.removed].sort(), changed: names(env.changed), unchanged: unchanged.sort() };
}

/** The comparison as an operator reads it, one aspect a line, unchanged aspects said once. */
export function formatComparison(comparison: ColorComparison): string {
  const { from, to } = comparison;
  const header = `${comparison.service}: ${from.color} (live, ${from.weight}%) -> ${to.color} (${to.weight}%)`;
  return [header, ...comparisonRows(comparison).map(([label, text]) => `  ${label.padEnd(9)}${text}`)].join("\n");
}

/** Each aspect of the comparison and what a promote does to it, e.g. `["version", "1.4.2 -> 1.5.0 (minor upgrade)"]`. */
export function comparisonRows(comparison: ColorComparison): [string, string][] {
  const { from, to } = comparison;
  const step = comparison.direction === "same" ? "same version" : `${comparison.versionStep} ${comparison.direction}`;
  // semver's promise: a new major version may break its callers, so moving traffic across one needs them ready for it.
  const majorStep = comparison.versionStep === "major" || comparison.versionStep === "premajor";
  const apiWarning = majorStep ? "; the API may be incompatible: check every caller first" : "";
  return [
    ["version", `${from.version} -> ${to.version} (${step}${apiWarning})`],
    ["image", pair(from.image, to.image)],
    ["replicas", pair(String(from.replicas), String(to.replicas))],
    ["commit", pair(from.commit, to.commit)],
    ["note", pair(from.note, to.note)],
    ["schema", schemaLine(comparison)],
    ["env", envLine(comparison.env)],
    ["secrets", secretsLine(comparison.secrets)],
  ];
}

function pair(from: string | undefined, to: string | undefined): string {
  if (from === to) return from === undefined ? "(none)" : `${from} (same)`;
  return `${from ?? "(none)"} -> ${to ?? "(none)"}`;
}

function schemaLine(comparison: ColorComparison): string {
  const ranges = pair(comparison.from.schema, comparison.to.schema);
  if (comparison.schemaVersion === undefined) return ranges;
  const runs = comparison.to.runsOnCurrentSchema ? "can run on" : "cannot run on";
  return `${ranges}; ${comparison.to.color} ${runs} the database's schema ${comparison.schemaVersion}`;
}

function envLine(env: EnvChanges): string {
  const parts = [
    ...Object.entries(env.changed).map(([name, { from, to }]) => `${name} ${from} -> ${to}`),
    ...Object.entries(env.added).map(([name, value]) => `+${name}=${value}`),
    ...env.removed.map((name) => `-${name}`),
  ];
  return parts.length === 0 ? "same" : parts.join(", ");
}

function secretsLine(secrets: SecretChanges): string {
  const parts = [...secrets.changed.map((name) => `${name} changed`), ...secrets.added.map((name) => `+${name}`), ...secrets.removed.map((name) => `-${name}`)];
  if (parts.length > 0) return `${parts.join(", ")} (values not shown)`;
  return secrets.unchanged.length === 0 ? "none" : `same: ${secrets.unchanged.join(", ")} (values not shown)`;
}

/** Every member of a release group compared, and whether the schema gate lets the group's promote through. */
export interface GroupComparison {
  readonly group: string;
  readonly members: readonly ColorComparison[];
  /** Members whose other color cannot run on their database's schema: a promote of the group is refused for them. */
  readonly schemaRefuses: readonly string[];
}

/** Compares each member; a member that cannot be compared (one color) is a problem, all of them reported together. */
export function compareGroup(group: string, members: readonly ServiceConfig[]): GroupComparison {
  const comparisons: ColorComparison[] = [];
  const problems = members.flatMap((member) => {
    try {
      comparisons.push(compareColors(member));
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const schemaRefuses = comparisons.filter((c) => c.schemaVersion !== undefined && c.to.runsOnCurrentSchema !== true).map((c) => c.service);
  return { group, members: comparisons, schemaRefuses };
}

export function formatGroupComparison(comparison: GroupComparison): string {
  const gate =
    comparison.schemaRefuses.length === 0
      ? "schema gate: every member's other color can run on its database's schema (or it has no schema gate)"
      : `schema gate: promote --group ${comparison.group} would be refused: ${comparison.schemaRefuses.join(", ")} cannot run on the database's schema`;
  return [`group ${comparison.group}: ${comparison.members.map((member) => member.service).join(", ")}`, ...comparison.members.map(formatComparison), gate].join("\n");
}
