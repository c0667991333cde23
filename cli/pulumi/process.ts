import { spawnSync, type SpawnSyncOptions } from "node:child_process";

/**
 * How `pulumi` runs for one project: which executable, in which folder, with
 * which environment (backend, secrets provider, plugin cache). The command
 * takes one from where it starts (cli/main.ts); the sandbox in dev/ is one
 * implementation, the operator's own setup another.
 */
export interface PulumiEnvironment {
  /** Folder holding Pulumi.yaml. */
  readonly projectDir: string;
  /** The `pulumi` executable. */
  readonly pulumi: string;
  /** Environment for every `pulumi` process. */
  readonly env: NodeJS.ProcessEnv;
}

export interface PulumiResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pulumi` and fails loudly unless `allowFailure` is set. */
export function runPulumi(
  environment: PulumiEnvironment,
  args: readonly string[],
  options: { allowFailure?: boolean; inherit?: boolean; input?: string; env?: NodeJS.ProcessEnv } = {},
): PulumiResult {
  const spawnOptions: SpawnSyncOptions = {
    cwd: environment.projectDir,
    env: { ...environment.env, ...options.env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: options.inherit ? "inherit" : "pipe",
    ...(options.input === undefined ? {} : { input: options.input }),
  };
  const result = spawnSync(environment.pulumi, [...args], spawnOptions);
  const outcome = { status: result.status ?? 1, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
  if (result.error) throw result.error;
  if (outcome.status !== 0 && !options.allowFailure) {
    throw new Error(`pulumi ${args.join(" ")} exited ${outcome.status}\n${outcome.stdout}\n${outcome.stderr}`);
  }
  return outcome;
}
