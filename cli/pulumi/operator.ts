import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../context/errors";
import type { PulumiEnvironment } from "./process";

/**
 * Which Pulumi a command uses. The sandbox (the project's own CLI build, a
 * file backend inside the clone, a published passphrase) serves only the
 * `dev` stack of a user who has set up no Pulumi of their own; everyone else
 * gets their own `pulumi`, backend and secrets provider, untouched.
 */
export type PulumiChoice = { readonly kind: "sandbox" } | { readonly kind: "operator"; readonly reason: string };

/** Where an operator's Pulumi setup can be seen, gathered where the command starts. */
export interface PulumiSetupFacts {
  readonly stack: string;
  /** `--pulumi PATH`. */
  readonly pulumiFlag?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly projectDir: string;
}

export const SANDBOX_STACK = "dev";

export function choosePulumi(facts: PulumiSetupFacts): PulumiChoice {
  const operator = operatorSetup(facts);
  if (operator !== undefined) return { kind: "operator", reason: operator };
  return facts.stack === SANDBOX_STACK ? { kind: "sandbox" } : { kind: "operator", reason: `stack ${facts.stack} is not the sandbox's ${SANDBOX_STACK} stack` };
}

/** What says the user runs Pulumi their own way, if anything does. */
function operatorSetup({ pulumiFlag, env, projectDir }: PulumiSetupFacts): string | undefined {
  if (pulumiFlag !== undefined) return `--pulumi ${pulumiFlag}`;
  if (env.SWITCHYARD_PULUMI) return "SWITCHYARD_PULUMI is set";
  if (env.PULUMI_BACKEND_URL) return "PULUMI_BACKEND_URL is set";
  if (projectBackendUrl(projectDir) !== undefined) return "Pulumi.yaml sets backend.url";
  if (loggedInBackend(env) !== undefined) return "pulumi login chose a backend";
  return undefined;
}

/** Where the backend a `pulumi` run uses comes from, and its URL, for messages that must name the setting to change. */
export function backendSetting(env: NodeJS.ProcessEnv, projectDir: string): { readonly setting: string; readonly url: string } | undefined {
  if (env.PULUMI_BACKEND_URL) return { setting: "PULUMI_BACKEND_URL", url: env.PULUMI_BACKEND_URL };
  const projectUrl = projectBackendUrl(projectDir);
  if (projectUrl !== undefined) return { setting: "backend.url in Pulumi.yaml", url: projectUrl };
  const loggedIn = loggedInBackend(env);
  return loggedIn === undefined ? undefined : { setting: "pulumi login", url: loggedIn };
}

/** `backend.url` of the project's Pulumi.yaml, if set. */
export function projectBackendUrl(projectDir: string): string | undefined {
  const file = path.join(projectDir, "Pulumi.yaml");
  if (!fs.existsSync(file)) return undefined;
  const match = /^backend:\s*\n(?:[ \t]+.*\n)*?[ \t]+url:\s*["']?([^"'\s]+)/m.exec(fs.readFileSync(file, "utf8"));
  return match?.[1];
}

/** The backend `pulumi login` made current, from the credentials file in PULUMI_HOME. */
export function loggedInBackend(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.PULUMI_HOME ?? path.join(env.HOME ?? os.homedir(), ".pulumi");
  try {
    const credentials = JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as { current?: unknown };
    return typeof credentials.current === "string" && credentials.current !== "" ? credentials.current : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The operator's own Pulumi: `--pulumi`, else SWITCHYARD_PULUMI, else
 * `pulumi` on PATH, run with their environment as it is (backend, login,
 * secrets provider, plugins).
 */
export function operatorEnvironment(projectDir: string, pulumiFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): PulumiEnvironment {
  const named = pulumiFlag ?? (env.SWITCHYARD_PULUMI || undefined);
  const pulumi = named ?? findOnPath("pulumi", env.PATH ?? "");
  if (pulumi === undefined) {
    throw new UsageError(
      "no pulumi CLI: install Pulumi and put pulumi on PATH, or name it with --pulumi PATH or SWITCHYARD_PULUMI " +
        `(the project's own build serves only the sandbox's ${SANDBOX_STACK} stack without a backend of yours)`,
    );
  }
  if (!isExecutable(pulumi)) {
    const setting = pulumiFlag !== undefined ? "--pulumi" : "SWITCHYARD_PULUMI";
    throw new UsageError(`${setting}: got "${pulumi}"; allowed: the path of an executable pulumi CLI`);
  }
  return { projectDir, pulumi: path.resolve(pulumi), env: { ...env } };
}

function findOnPath(command: string, searchPath: string): string | undefined {
  return searchPath
    .split(path.delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => path.join(dir, command))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
