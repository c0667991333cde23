import * as path from "node:path";
import { PROJECT_ROOT } from "../dev/lib/toolchain";

/** What one `npm run bench` measures; flags win over environment variables, which win over the defaults. */
export interface BenchOptions {
  /** Runs of each measurement; the median is reported. */
  readonly runs: number;
  /** Stack sizes (services) that are previewed and deployed. */
  readonly sizes: readonly number[];
  /** Stack sizes that are only previewed. */
  readonly previewSizes: readonly number[];
  /** Stack sizes whose every service is rolled back in one `up`; each must be one of `sizes`. */
  readonly rollbackSizes: readonly number[];
  /** Where the results are written as Markdown. */
  readonly out: string;
}

export const USAGE = `usage: npm run bench -- [--runs N] [--sizes 1,10,50] [--preview-sizes 200] [--rollback-sizes 1,50] [--out FILE]
  (or BENCH_RUNS, BENCH_SIZES, BENCH_PREVIEW_SIZES, BENCH_ROLLBACK_SIZES, BENCH_OUT; an empty list skips that part)`;

const FLAGS = {
  "--runs": "BENCH_RUNS",
  "--sizes": "BENCH_SIZES",
  "--preview-sizes": "BENCH_PREVIEW_SIZES",
  "--rollback-sizes": "BENCH_ROLLBACK_SIZES",
  "--out": "BENCH_OUT",
} as const;
type Flag = keyof typeof FLAGS;

const DEFAULTS: Record<Flag, string> = {
  "--runs": "3",
  "--sizes": "1,10,50",
  "--preview-sizes": "200",
  "--rollback-sizes": "1,50",
  "--out": path.join(PROJECT_ROOT, "bench", "RESULTS.md"),
};

function positiveInteger(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new Error(`${flag}: got "${text}"; allowed: a positive integer\n${USAGE}`);
  return Number(text);
}

function sizeList(text: string, flag: string): number[] {
  return text.trim() === "" ? [] : text.split(",").map((part) => positiveInteger(part, flag));
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const given: Partial<Record<Flag, string>> = {};
  for (let index = 0; index < argv.length; index += 2) {
    const flag = argv[index]!;
    if (!(flag in FLAGS) || argv[index + 1] === undefined) throw new Error(`unknown or incomplete option "${flag}"\n${USAGE}`);
    given[flag as Flag] = argv[index + 1];
  }
  const value = (flag: Flag) => given[flag] ?? env[FLAGS[flag]] ?? DEFAULTS[flag];
  const options: BenchOptions = {
    runs: positiveInteger(value("--runs"), "--runs"),
    sizes: sizeList(value("--sizes"), "--sizes"),
    previewSizes: sizeList(value("--preview-sizes"), "--preview-sizes"),
    rollbackSizes: sizeList(value("--rollback-sizes"), "--rollback-sizes"),
    out: path.resolve(value("--out")),
  };
  const undeployed = options.rollbackSizes.filter((size) => !options.sizes.includes(size));
  if (undeployed.length > 0) throw new Error(`--rollback-sizes: ${undeployed.join(",")} not in --sizes; a rollback needs a deployed stack\n${USAGE}`);
  return options;
}
