import { spawn } from "node:child_process";
import type { PulumiEnvironment } from "../cli/pulumi/process";
import { CheckpointWrites } from "./checkpoint";
import { ProcessWatch, type ProcessUsage } from "./memory";

/** One timed `pulumi` command: wall time, and what its processes used. */
export interface TimedRun extends ProcessUsage {
  readonly seconds: number;
  readonly stdout: string;
  /** Writes of the stack's checkpoint, when asked to count them. */
  readonly checkpointWrites?: number;
}

/**
 * Runs `pulumi` in the project's environment (as `runPulumi` does), timing it
 * from start to exit and watching its processes meanwhile (see
 * memory.ts) and, given the stack's checkpoint file, counting its writes
 * (checkpoint.ts). Asynchronous so the watch runs while the command does. Throws on a
 * non-zero exit: a failed run is no measurement.
 */
export function timedPulumi(environment: PulumiEnvironment, args: readonly string[], options: { checkpoint?: string } = {}): Promise<TimedRun> {
  const writes = options.checkpoint === undefined ? undefined : new CheckpointWrites(options.checkpoint);
  const started = process.hrtime.bigint();
  const child = spawn(environment.pulumi, [...args], { cwd: environment.projectDir, env: environment.env, stdio: ["ignore", "pipe", "pipe"] });
  const watch = new ProcessWatch(child.pid!);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
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
      if (code === 0) resolve({ seconds, ...usage, stdout, ...(checkpointWrites === undefined ? {} : { checkpointWrites }) });
      else reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
    });
  });
}
