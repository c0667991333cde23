import type { GroupConfig, ServiceConfig, StackConfig } from "../../model/config/settings";
import { ConfigError, formatProblem } from "../../model/config/problems";
import { groupKey } from "../../model/config/keys";
import { UsageError } from "../context/errors";
import type { CurrentConfig } from "../pulumi/session";
import { checkEdits, type CheckedEdit } from "./apply";
import { findService, type ReleaseEdit } from "./releaseEdits";

/**
 * The services a release verb acts on: named on the command line, `--all`,
 * or `--group <group>` (its members; `only` narrows it, as a group deploy
 * naming a version for some members does).
 */
export type ServiceSelection =
  | { readonly names: readonly string[] }
  | { readonly all: true }
  | { readonly group: string; readonly only?: readonly string[] };

/**
 * The verb's edits for the selected services, checked together with the
 * program's parser. A named service the verb cannot apply to is an error
 * (nothing is changed); with `--all`, such a service is left out and said
 * in `skipped` (a one-color service has nothing to roll back), and only no
 * service at all is an error. With `--all`, a group's members are taken or
 * left out together, since the config refuses members that disagree.
 */
export function selectEdits(
  current: Pick<CurrentConfig, "raw" | "context" | "config">,
  selection: ServiceSelection,
  verb: string,
  build: (service: ServiceConfig) => ReleaseEdit,
): { readonly checked: CheckedEdit; readonly skipped: readonly string[] } {
  if ("group" in selection) {
    const group = findGroup(current.config, selection.group);
    const strangers = (selection.only ?? []).filter((name) => !group.services.includes(name));
    if (strangers.length > 0) {
      throw new ConfigError(strangers.map((name) => ({ key: groupKey(group.name, "services"), value: group.services, allowed: `a list naming ${name} for it to be released with ${group.name}: --group ${group.name} moves only its members (${group.services.join(", ")})` })));
    }
    const members = group.services.filter((name) => selection.only === undefined || selection.only.includes(name));
    const checked = checkEdits(current, members.map((name) => build(findService(current.config, name))));
    return { checked: { ...checked, summary: `group ${group.name}: ${checked.summary}` }, skipped: [] };
  }
  if ("names" in selection) {
    const names = [...new Set(selection.names)];
    return { checked: checkEdits(current, names.map((name) => build(findService(current.config, name)))), skipped: [] };
  }
  const edits: ReleaseEdit[] = [];
  const skipped: string[] = [];
  for (const unit of releaseUnits(current.config)) {
    try {
      const unitEdits = unit.map(build);
      checkEdits(current, unitEdits);
      edits.push(...unitEdits);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      skipped.push(`${unit.map((service) => service.name).join(" + ")}: ${error.problems.map(formatProblem).join("; ")}`);
    }
  }
  if (edits.length === 0) {
    throw new UsageError(`--all: no service of this stack can ${verb}:\n${skipped.map((line) => `  ${line}`).join("\n")}`);
  }
  return { checked: checkEdits(current, edits), skipped };
}

/** The release group named `name`; a ConfigError naming `groups.<name>` and the stack's groups otherwise. */
export function findGroup(config: StackConfig, name: string): GroupConfig {
  const group = config.groups.find((candidate) => candidate.name === name);
  if (group !== undefined) return group;
  const known = config.groups.map((candidate) => candidate.name);
  throw new ConfigError([
    { key: groupKey(name), value: undefined, allowed: known.length === 0 ? "a group of this stack, but it has none (define switchyard:groups)" : `a group of this stack: ${known.join(", ")}` },
  ]);
}

/** Services that move together: each group's members as one unit, every other service alone; in config order. */
function releaseUnits(config: StackConfig): ServiceConfig[][] {
  const units: ServiceConfig[][] = [];
  const seen = new Set<string>();
  for (const service of config.services) {
    if (seen.has(service.name)) continue;
    const group = config.groups.find((candidate) => candidate.name === service.group?.name);
    const names = group?.services ?? [service.name];
    for (const name of names) seen.add(name);
    units.push(names.map((name) => findService(config, name)));
  }
  return units;
}
