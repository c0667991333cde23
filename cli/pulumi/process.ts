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
 * The folder the Automation API runs `<root>/bin/pulumi` from: a small
 * launcher that starts the real CLI with SIGINT ignored.
 *
 * Why: `pulumi` handles Ctrl-C only while an operation runs. In the moments
 * after it has taken the stack lock and before it listens, and again after
 * the operation and before it lets the lock go, Go's default handler ends it
 * at once and the lock stays until someone runs `pulumi cancel`. A Ctrl-C is
 * sent to the whole process group, so it lands there now and then (the
 * command's own e2e met it). Started with SIGINT ignored, `pulumi` does not
 * die in those moments, and still cancels gracefully while an operation
 * runs, since listening replaces an inherited ignore (Go's os/signal).
 * The launcher also puts the real CLI's folder first on PATH, as the
 * Automation API does for its own, so plugins installed beside it are found.
 */
export function commandRoot(pulumi: string): string {
  const root = path.join(launcherCache(), createHash("sha256").update(pulumi).digest("hex").slice(0, 12));
  const launcher = path.join(root, "bin", "pulumi");
  const script = launcherScript(pulumi);
  if (!fs.existsSync(launcher) || fs.readFileSync(launcher, "utf8") !== script) {
    fs.mkdirSync(path.dirname(launcher), { recursive: true });
    // Written aside and renamed: two commands starting at once never run a half-written launcher.
    const partial = `${launcher}.${process.pid}`;
    fs.writeFileSync(partial, script, { mode: 0o755 });
    fs.renameSync(partial, launcher);
  }
  return root;
}

/** The user's own cache, never a shared temporary folder: nobody else may write the script this user runs. */
function launcherCache(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "switchyard", "pulumi-launcher");
}

function launcherScript(pulumi: string): string {
  const quoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  return [
    "#!/bin/sh",
    "# Written by switchyard (cli/pulumi/process.ts commandRoot): pulumi with SIGINT ignored until it listens for it.",
    "trap '' INT",
    `PATH=${quoted(path.dirname(pulumi))}:"$PATH"`,
    "export PATH",
    `exec ${quoted(pulumi)} "$@"`,
    "",
  ].join("\n");
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
