/** What one `npm run bench:peer` measures. */
export interface PeerOptions {
  /** Measured runs of every scenario, per tool and size. */
  readonly runs: number;
  /** Numbers of services. */
  readonly sizes: readonly number[];
  /** Extra profiled runs of switchyard's rollback per size (not part of the medians). */
  readonly profileRuns: number;
  /** Write the figures into bench/RESULTS.md (`--no-write`: only print them). */
  readonly write: boolean;
}

export const PEER_USAGE = "usage: npm run bench:peer -- [--runs N] [--sizes 1,20] [--profile-runs N] [--no-write]";

const DEFAULTS: PeerOptions = { runs: 5, sizes: [1, 20], profileRuns: 2, write: true };

function integer(text: string | undefined, flag: string, min: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min) {
    throw new Error(`${flag}: got ${text === undefined ? "nothing" : `"${text}"`}; allowed: an integer of at least ${min}\n${PEER_USAGE}`);
  }
  return Number(text);
}

export function parsePeerOptions(argv: readonly string[]): PeerOptions {
  let options = DEFAULTS;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === "--no-write") {
      options = { ...options, write: false };
      continue;
    }
    const value = argv[++index];
    if (flag === "--runs") options = { ...options, runs: integer(value, flag, 1) };
    else if (flag === "--profile-runs") options = { ...options, profileRuns: integer(value, flag, 0) };
    else if (flag === "--sizes") options = { ...options, sizes: (value ?? "").split(",").map((part) => integer(part, flag, 1)) };
    else throw new Error(`unknown option "${flag}"\n${PEER_USAGE}`);
  }
  return options;
}
