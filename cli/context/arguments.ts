import { InvalidArgumentError } from "commander";
import type { ServiceSelection } from "../edits/selection";
import { UsageError } from "./errors";

/** `canary <service> <percent>`: an integer from 0 to 100. */
export function percentArgument(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 100) {
    throw new InvalidArgumentError(`got "${value}"; allowed: an integer percentage from 0 to 100`);
  }
  return Number(value);
}

/** `--env NAME=VALUE`, repeatable: each one is added to the previous ones. */
export function envAssignment(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (match === null) throw new InvalidArgumentError(`got "${value}"; allowed: NAME=VALUE, e.g. FEATURE_NEW_CART=true`);
  return { ...previous, [match[1]!]: match[2]! };
}

/** `--lock-timeout 5m`: a duration in ms, s, m or h; 0 is allowed (do not wait). */
export function durationArgument(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  if (match === null) throw new InvalidArgumentError(`got "${value}"; allowed: a duration such as 0s, 30s, 5m or 1h`);
  return Number(match[1]) * unit[match[2] as keyof typeof unit];
}

/** `rollback a b c`, `rollback --all` or `rollback --group cart`: one of the three. */
export function serviceSelection(names: readonly string[], all: boolean, group?: string): ServiceSelection {
  if (group !== undefined && (all || names.length > 0)) {
    throw new UsageError(`got --group ${group} and ${all ? "--all" : names.join(" ")}; allowed: service names, --all or --group, one of them`);
  }
  if (group !== undefined) return { group };
  if (all && names.length > 0) throw new UsageError(`got --all and ${names.join(" ")}; allowed: service names or --all, not both`);
  if (all) return { all: true };
  if (names.length === 0) throw new UsageError("name at least one service, or pass --all for every service of the stack, or --group <group>");
  return { names };
}

/**
 * `deploy <service> <version>`, or `deploy --group cart <version>` (every
 * member) or `deploy --group cart checkout=1.5.0 catalog=2.1.0` (the members
 * named, each its own version).
 */
export function deployArguments(words: readonly string[], group?: string): { readonly selection: ServiceSelection; readonly versionOf: (service: string) => string } {
  if (group === undefined) {
    if (words.length !== 2) throw new UsageError(`got ${words.length} argument(s); allowed: <service> <version>, or --group <group> <version> | <service=version...>`);
    const [service, version] = words as [string, string];
    return { selection: { names: [service] }, versionOf: () => version };
  }
  if (words.length === 1 && !words[0]!.includes("=")) return { selection: { group }, versionOf: () => words[0]! };
  const versions = new Map<string, string>();
  for (const word of words) {
    const match = /^([^=\s]+)=(\S+)$/.exec(word);
    if (match === null) throw new UsageError(`--group ${group}: got "${word}"; allowed: one version for every member, or <service>=<version> for each member to deploy, e.g. checkout=1.5.0`);
    versions.set(match[1]!, match[2]!);
  }
  return { selection: { group, only: [...versions.keys()] }, versionOf: (service) => versions.get(service)! };
}

/** `canary a b c 25`: services, then the percentage last. */
export function canaryArguments(words: readonly string[]): { readonly names: readonly string[]; readonly percent: number } {
  const percent = words.at(-1);
  if (percent === undefined) throw new UsageError("missing the percentage: switchyard canary <service...> <percent>, or canary --all <percent>");
  try {
    return { names: words.slice(0, -1), percent: percentArgument(percent) };
  } catch (error) {
    throw new UsageError(`the percentage (last argument) ${(error as Error).message}`);
  }
}

/** `rollout|compare|history <service>` or `--group <group>`: exactly one of the two. */
export function serviceOrGroup(service: string | undefined, group: string | undefined): { readonly service: string } | { readonly group: string } {
  if (service !== undefined && group === undefined) return { service };
  if (service === undefined && group !== undefined) return { group };
  throw new UsageError(`got ${service === undefined ? "neither a service nor --group" : `${service} and --group ${group}`}; allowed: a service, or --group <group>`);
}
