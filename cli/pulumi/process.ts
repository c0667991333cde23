import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

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

/**
 * The Automation API runs `<root>/bin/pulumi`. A CLI installed elsewhere
 * gets a folder of that shape with a link to it.
 */
export function commandRoot(pulumi: string): string {
  if (path.basename(path.dirname(pulumi)) === "bin") return path.dirname(path.dirname(pulumi));
  const root = path.join(os.tmpdir(), `switchyard-pulumi-${createHash("sha256").update(pulumi).digest("hex").slice(0, 12)}`);
  const link = path.join(root, "bin", "pulumi");
  if (!fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(pulumi, link);
  }
  return root;
}

/** What stands for a password wherever one would be printed. */
export const REDACTED = "****";

/** `postgres://user:secret@host/db` as `postgres://user:****@host/db`: a backend URL may carry a password. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/i, `$1:${REDACTED}@`);
}

/** Every URL in a text (a CLI's error, say) with its password hidden. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, `$1:${REDACTED}@`);
}
