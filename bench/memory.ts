import * as fs from "node:fs";

/**
 * What a `pulumi` command's program uses, read from /proc while it runs.
 * `pulumi` starts our language host, which starts the program
 * (`node .../@pulumi/pulumi/cmd/run ...`), and the Kubernetes provider.
 * (CPU time of them all comes from the kernel's accounting: see timed.ts.)
 *
 * - Peak memory of the program: Linux keeps each process's peak resident set
 *   in /proc/<pid>/status as VmHWM (never lower than any earlier value), so
 *   the last value read before the program exits is its peak.
 * - How long the program ran: from the program process's start time in
 *   /proc/<pid>/stat until a poll finds it gone (so up to one poll late). In
 *   an `up` that is the program registering every resource while the engine
 *   and provider diff each one (a registration returns once its step is done),
 *   the writes of the changed ones included.
 */

const POLL_MS = 100;
/** USER_HZ: the unit of /proc/<pid>/stat's times, 100 on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Whether a /proc/<pid>/cmdline (arguments separated by NUL) is the
 * program's: node running cmd/run with an engine to talk to. The language
 * host also runs a short `node -e <resolve> @pulumi/pulumi/cmd/run` first,
 * which is not it.
 */
export function isProgramCommand(cmdline: string): boolean {
  const args = cmdline.split("\0");
  return args.includes("--monitor") && args.some((arg) => /\/@pulumi\/pulumi\/cmd\/run(\/index\.js)?$/.test(arg));
}

/** A field such as `VmHWM:    123456 kB` of /proc/<pid>/status, in KiB; undefined if absent. */
export function statusKiB(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  return match === null ? undefined : Number(match[1]);
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

export function parentPid(stat: string): number {
  return Number(statFields(stat)[1]);
}

/** When the process started, in clock ticks since the machine booted. */
export function startTicks(stat: string): number {
  return Number(statFields(stat)[19]);
}

/** An exited process its parent has not reaped yet still has a /proc entry, in state Z. */
export function hasExited(stat: string | undefined): boolean {
  return stat === undefined || statFields(stat)[0] === "Z";
}

/** Seconds since the epoch of a moment given in clock ticks since boot, from /proc/uptime (10 ms resolution). */
function epochSecondsOf(ticksSinceBoot: number): number {
  const uptime = Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  return Date.now() / 1000 - uptime + ticksSinceBoot / CLOCK_TICKS_PER_SECOND;
}

/** Every process below `root`, given each process's parent. */
export function descendants(root: number, parents: ReadonlyMap<number, number>): number[] {
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined; // gone between listing and reading
  }
}

function processParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), "stat");
    if (stat !== undefined) parents.set(Number(entry), parentPid(stat));
  }
  return parents;
}

export interface ProcessUsage {
  /** Peak resident memory of the program process, MiB; undefined if no program ran. */
  readonly programMiB: number | undefined;
  /** Seconds the program process ran; undefined if no program ran. */
  readonly programSeconds: number | undefined;
}

/** Watches the program process below `root` until `stop`. */
export class ProcessWatch {
  private programPid: number | undefined;
  /** Program start and end, seconds since the epoch. */
  private programStarted: number | undefined;
  private programEnded: number | undefined;
  private peakKiB = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly root: number) {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    const ran = this.programStarted === undefined ? undefined : (this.programEnded ?? Date.now() / 1000) - this.programStarted;
    return { programMiB: this.programPid === undefined ? undefined : this.peakKiB / 1024, programSeconds: ran };
  }

  private poll(): void {
    if (this.programPid === undefined) this.findProgram();
    if (this.programPid !== undefined && this.programEnded === undefined && hasExited(readProc(this.programPid, "stat"))) {
      this.programEnded = Date.now() / 1000;
    }
    const status = this.programPid === undefined ? undefined : readProc(this.programPid, "status");
    const peak = status === undefined ? undefined : statusKiB(status, "VmHWM");
    if (peak !== undefined) this.peakKiB = Math.max(this.peakKiB, peak);
  }

  private findProgram(): void {
    const program = descendants(this.root, processParents()).find((pid) => isProgramCommand(readProc(pid, "cmdline") ?? ""));
    if (program === undefined) return;
    this.programPid = program;
    const stat = readProc(program, "stat");
    if (stat !== undefined) this.programStarted = epochSecondsOf(startTicks(stat));
  }
}
