import * as fs from "node:fs";
import { descendants, parentPid } from "../memory";
import { now } from "./clusterView";

/**
 * Where a switchyard rollback's time goes on its fast path. A process
 * timeline (every process below the command, when it was first and last
 * seen), the command's own writes in the audit log and the watch split one
 * run into phases: the command's start-up and checks until it writes the
 * VirtualServices, the writes, the watch seeing them, and the record
 * (`pulumi up`) after them.
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
  /** From the command to its first VirtualService write: start-up, the stack file, readiness and policy checks. */
  readonly untilWrite: number;
  /** First to last write of the command (one per service moved). */
  readonly writing: number;
  /** Last write until the watch saw every service at its final weights. */
  readonly seen: number;
  /** Last write until `pulumi up` starts: the stack file, the Automation API. */
  readonly untilRecord: number;
  /** `pulumi up` start to exit: the record. */
  readonly record: number;
  /** `pulumi up` exit until the command exits. */
  readonly afterRecord: number;
}

const seconds = (from: number, to: number) => Math.max(0, (to - from) / 1000);

/**
 * Phases of one fast-path run, in seconds, from the run, the times of the
 * command's own writes and when the watch saw the final state. Undefined
 * when a boundary is missing: no write of the command's own (the plain path
 * ran) or no `pulumi up` after the writes.
 */
export function fastPathPhases(startMs: number, run: { readonly endMs: number; readonly processes: readonly SeenProcess[] }, writeTimes: readonly number[], safeMs: number): Phases | undefined {
  const writes = writeTimes.filter((at) => at >= startMs && at <= run.endMs).sort((a, b) => a - b);
  if (writes.length === 0) return undefined;
  const lastWrite = writes.at(-1)!;
  const up = run.processes.find((p) => processRole(p.argv) === "pulumi-up" && p.firstMs >= lastWrite);
  if (up === undefined) return undefined;
  return {
    untilWrite: seconds(startMs, writes[0]!),
    writing: seconds(writes[0]!, lastWrite),
    seen: seconds(lastWrite, safeMs),
    untilRecord: seconds(lastWrite, up.firstMs),
    record: seconds(up.firstMs, up.lastMs),
    afterRecord: seconds(up.lastMs, run.endMs),
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
