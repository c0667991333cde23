import * as fs from "node:fs";
import { descendants, parentPid } from "../memory";
import { now } from "./clusterView";

/**
 * Where a switchyard command's time goes. A process timeline (every process
 * below the command, when it was first and last seen) and the provider's
 * writes in the audit log split one run into phases: the CLI's own work
 * before `pulumi up` starts (config edits, preview), the engine starting
 * until the program runs, the program and provider until the first write,
 * the writes, and what follows the last write until `pulumi up` exits.
 */

export type ProcessRole = "pulumi-up" | "pulumi-preview" | "pulumi-config" | "pulumi-other" | "language-host" | "program" | "provider" | "other";

export interface SeenProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly firstMs: number;
  readonly lastMs: number;
}

export function processRole(argv: readonly string[]): ProcessRole {
  const executable = argv[0]?.split("/").pop() ?? "";
  if (executable === "pulumi") {
    if (argv.includes("up")) return "pulumi-up";
    if (argv.includes("preview")) return "pulumi-preview";
    if (argv.includes("config")) return "pulumi-config";
    return "pulumi-other";
  }
  if (executable === "pulumi-language-nodejs") return "language-host";
  if (executable.startsWith("pulumi-resource-")) return "provider";
  if (argv.includes("--monitor") && argv.some((arg) => /\/@pulumi\/pulumi\/cmd\/run(\/index\.js)?$/.test(arg))) return "program";
  return "other";
}

export interface Phases {
  /** From the command to `pulumi up` starting: the CLI's config edits and preview (0 for a bare `pulumi up`). */
  readonly beforeUp: number;
  /** `pulumi up` started until the program process started: engine start-up, state, plugins, language host. */
  readonly engineStart: number;
  /** Program started until the provider's first write: the program registers resources, the provider diffs them. */
  readonly untilFirstWrite: number;
  /** First to last write of the provider. */
  readonly writing: number;
  /** Last write until `pulumi up` exits: outputs, state snapshot, shutdown. */
  readonly afterWrites: number;
}

const seconds = (from: number, to: number) => Math.max(0, (to - from) / 1000);

/**
 * Phases of one run, in seconds, from its start time, its processes and the
 * times of the provider's writes. Undefined when a phase boundary is missing
 * (e.g. the program process was never seen).
 */
export function phases(startMs: number, processes: readonly SeenProcess[], writeTimes: readonly number[]): Phases | undefined {
  const up = processes.find((p) => processRole(p.argv) === "pulumi-up");
  const program = processes.filter((p) => processRole(p.argv) === "program" && (up === undefined || p.firstMs >= up.firstMs)).at(-1);
  const writes = writeTimes.filter((at) => up !== undefined && at >= up.firstMs && at <= up.lastMs).sort((a, b) => a - b);
  if (up === undefined || program === undefined || writes.length === 0) return undefined;
  return {
    beforeUp: seconds(startMs, up.firstMs),
    engineStart: seconds(up.firstMs, program.firstMs),
    untilFirstWrite: seconds(program.firstMs, writes[0]!),
    writing: seconds(writes[0]!, writes.at(-1)!),
    afterWrites: seconds(writes.at(-1)!, up.lastMs),
  };
}

const POLL_MS = 20;

function processParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), parentPid(fs.readFileSync(`/proc/${entry}/stat`, "utf8")));
    } catch {
      // exited between listing and reading
    }
  }
  return parents;
}

/** Records `root` and every process below it while they run (polled every 20 ms). */
export class ProcessTimeline {
  private readonly seen = new Map<number, { argv: string[]; firstMs: number; lastMs: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root: number) {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop(): SeenProcess[] {
    clearInterval(this.timer);
    return [...this.seen].map(([pid, p]) => ({ pid, ...p }));
  }

  private poll(): void {
    const at = now();
    for (const pid of [this.root, ...descendants(this.root, processParents())]) {
      const known = this.seen.get(pid);
      if (known !== undefined) known.lastMs = at;
      // A process seen between fork and exec still shows its parent's command line: read it again until it has its own.
      if (known !== undefined && processRole(known.argv) !== "other") continue;
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((arg) => arg !== "");
        if (known === undefined) this.seen.set(pid, { argv, firstMs: at, lastMs: at });
        else known.argv = argv;
      } catch {
        // exited before it could be read
      }
    }
  }
}
