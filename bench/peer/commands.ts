import { spawn } from "node:child_process";
import { now } from "./clusterView";
import { ProcessTimeline, type SeenProcess } from "./profile";

/** One operator command as it ran. */
export interface CommandRun {
  readonly startMs: number;
  readonly endMs: number;
  readonly output: string;
  /** The command and every process below it while it ran, when profiled. */
  readonly processes: readonly SeenProcess[];
  readonly exitCode: number;
}

export interface CommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Record the process timeline (polls /proc, which costs CPU: only for profiling runs). */
  readonly profile?: boolean;
  /** Exit codes that mean the command did what was asked (default: 0 only); `switchyard rollout` exits 3 after an automatic rollback. */
  readonly exitCodes?: readonly number[];
}

/**
 * Runs a command without blocking the event loop, so the cluster watches
 * keep taking changes (with their arrival times) while it runs. Rejects on
 * a non-zero exit: a failed command is no measurement.
 */
export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandRun> {
  const startMs = now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
  const timeline = options.profile ? new ProcessTimeline(child.pid!) : undefined;
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  child.stdin.end(options.input ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      timeline?.stop();
      reject(error);
    });
    child.on("close", (code, signal) => {
      const endMs = now();
      const processes = timeline?.stop() ?? [];
      if (code !== null && (options.exitCodes ?? [0]).includes(code)) resolve({ startMs, endMs, output, processes, exitCode: code });
      else reject(new Error(`${argv.join(" ")} exited ${code ?? signal}\n${output.slice(-4000)}`));
    });
  });
}

/** Runs commands one after another, as an operator's shell loop would; one run from the first start to the last end. */
export async function runSequence(commands: readonly (readonly string[])[], options: CommandOptions = {}): Promise<CommandRun> {
  const runs: CommandRun[] = [];
  for (const argv of commands) runs.push(await runCommand(argv, options));
  return {
    startMs: runs[0]!.startMs,
    endMs: runs.at(-1)!.endMs,
    output: runs.map((run) => run.output).join(""),
    processes: runs.flatMap((run) => run.processes),
    exitCode: runs.at(-1)!.exitCode,
  };
}
