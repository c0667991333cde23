/** Median, min and max of repeated measurements. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("no measurements to summarize");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** `a / b` of two medians; undefined when either is missing. */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a.median / b.median;
}
