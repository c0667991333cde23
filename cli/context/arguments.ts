import { InvalidArgumentError } from "commander";
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

/** `rollback a b c` or `rollback --all`: one of the two. */
export function serviceSelection(names: readonly string[], all: boolean): { readonly names: readonly string[] } | { readonly all: true } {
  if (all && names.length > 0) throw new UsageError(`got --all and ${names.join(" ")}; allowed: service names or --all, not both`);
  if (all) return { all: true };
  if (names.length === 0) throw new UsageError("name at least one service, or pass --all for every service of the stack");
  return { names };
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
