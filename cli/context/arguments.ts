import { InvalidArgumentError } from "commander";

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
