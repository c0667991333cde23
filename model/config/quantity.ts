/**
 * Kubernetes resource quantities in the subset the schema accepts: a decimal
 * number with an optional suffix (`100m`, `0.5`, `128Mi`, `1Gi`). Only used
 * to compare a request with its limit, so the value is a plain number of
 * base units (cores or bytes); exactness beyond a double does not matter there.
 */

export const KUBERNETES_QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** The quantity in base units, or undefined when it is not one the schema accepts. */
export function quantityValue(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (match === null) return undefined;
  return Number(match[1]) * MULTIPLIERS[match[2] ?? ""]!;
}

/**
 * What to write instead of a YAML number such as `cpu: 0.5`: the same figure
 * as text, and for a fraction of a core the milli form Kubernetes prints.
 */
export function quantitySuggestion(value: number): string {
  const quoted = `"${value}"`;
  const milli = Math.round(value * 1000);
  const asMilli = !Number.isInteger(value) && Math.abs(milli - value * 1000) < 1e-9 ? ` or ${milli}m` : "";
  return `${quoted}${asMilli}`;
}
