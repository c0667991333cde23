import { spawn } from "node:child_process";
import type { PulumiEnvironment } from "../cli/pulumi/process";
import { ProcessWatch, type ProcessUsage } from "./memory";

/** One timed `pulumi` command: wall time, and what its processes used. */
export interface TimedRun extends ProcessUsage {
  readonly seconds: number;
  readonly stdout: string;
}

/**
 * Runs `pulumi` in the project's environment (as `runPulumi` does), timing it
 * from start to exit and watching its processes meanwhile (see
 * memory.ts). Asynchronous so the watch runs while the command does. Throws on a
 * non-zero exit: a failed run is no measurement.
 */
export function timedPulumi(environment: PulumiEnvironment, args: readonly string[]): Promise<TimedRun> {
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
      reject(error);
    });
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const usage = watch.stop();
      if (code === 0) resolve({ seconds, ...usage, stdout });
      else reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
    });
  });
}
