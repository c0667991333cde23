import { spawn } from "node:child_process";
import type { PulumiEnvironment } from "../cli/pulumi/process";
import { CheckpointWrites } from "./checkpoint";
import { ProcessWatch, type ProcessUsage } from "./memory";

/** One timed `pulumi` command: wall time, and what its processes used. */
export interface TimedRun extends ProcessUsage {
  readonly seconds: number;
  /** CPU seconds (user and system) of `pulumi` and every process below it. */
  readonly cpuSeconds: number;
  readonly stdout: string;
  /** Writes of the stack's checkpoint, when asked to count them. */
  readonly checkpointWrites?: number;
}

/**
 * The shell around `pulumi`: after it exits, POSIX `times` writes the user and
 * system time of every process the shell waited for, and those waited for in
 * turn (the engine waits for the language host, program and provider), to
 * descriptor 3. Kernel accounting, unlike sampling /proc, misses neither a
 * short-lived process nor a process's last moments.
 */
const TIMES_AFTER = '"$0" "$@"; status=$?; times >&3; exit $status';

/** Seconds of user and system time of the shell's children, from the second line of `times` (`0m1.230000s 0m0.450000s`). */
export function childrenCpuSeconds(timesOutput: string): number {
  const line = timesOutput.trim().split("\n")[1];
  const match = line === undefined ? null : /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(line.trim());
  if (match === null) throw new Error(`unexpected output of the shell's times: ${JSON.stringify(timesOutput)}`);
  const [, userMinutes, userSeconds, systemMinutes, systemSeconds] = match.map(Number);
  return userMinutes! * 60 + userSeconds! + systemMinutes! * 60 + systemSeconds!;
}

/**
 * Runs `pulumi` in the project's environment (as `runPulumi` does), timing it
 * from start to exit, taking its CPU time from the kernel (TIMES_AFTER),
 * watching its processes meanwhile for memory and the program's run (see
 * memory.ts) and, given the stack's checkpoint file, counting its writes
 * (checkpoint.ts). Asynchronous so the watch runs while the command does. Throws on a
 * non-zero exit: a failed run is no measurement.
 */
export function timedPulumi(environment: PulumiEnvironment, args: readonly string[], options: { checkpoint?: string } = {}): Promise<TimedRun> {
  const writes = options.checkpoint === undefined ? undefined : new CheckpointWrites(options.checkpoint);
  const started = process.hrtime.bigint();
  const child = spawn("sh", ["-c", TIMES_AFTER, environment.pulumi, ...args], { cwd: environment.projectDir, env: environment.env, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  const watch = new ProcessWatch(child.pid!);
  let stdout = "";
  let stderr = "";
  let times = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  child.stdio[3]!.on("data", (chunk) => (times += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      watch.stop();
      void writes?.stop();
      reject(error);
    });
    child.on("close", async (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const usage = watch.stop();
      const checkpointWrites = await writes?.stop();
      if (code !== 0) return reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
      resolve({ seconds, cpuSeconds: childrenCpuSeconds(times), ...usage, stdout, ...(checkpointWrites === undefined ? {} : { checkpointWrites }) });
    });
  });
}
