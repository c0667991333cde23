import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PulumiResult } from "../../../cli/pulumi/process";
import { kubeconfigPath, TEST_CLUSTER } from "../../../dev/lib/cluster";
import { installKubernetesProvider, pulumiEnvironment } from "../../../dev/lib/environment";
import { copyProgram } from "../../../dev/lib/projectCopy";
import { PROJECT_ROOT } from "../../../dev/lib/toolchain";

/**
 * One infrastructure engineer of a team: a clone of the project of their
 * own, a PULUMI_HOME of their own, their own identity, and the team's shared
 * state backend and passphrase. They run switchyard as a user outside the
 * sandbox does: with a pulumi CLI they name (here the project's build, as
 * an operator's install) and their backend, never the sandbox's files.
 */
export class Operator {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly name: string,
    readonly stack: string,
    backendUrl: string,
    passphrase: string | undefined,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-${name}-`));
    copyProgram(this.dir);
    const sandbox = pulumiEnvironment({ projectDir: this.dir });
    const home = path.join(this.dir, ".pulumi-home");
    const { PULUMI_CONFIG_PASSPHRASE: _sandboxPassphrase, PULUMI_CONFIG_PASSPHRASE_FILE: _file, ...rest } = sandbox.env;
    this.env = {
      ...rest,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: backendUrl,
      SWITCHYARD_PULUMI: sandbox.pulumi,
      SWITCHYARD_OPERATOR: name,
      ...(passphrase === undefined ? {} : { PULUMI_CONFIG_PASSPHRASE: passphrase }),
    };
    // An operator's Pulumi has the Kubernetes provider installed; this one gets the project's build.
    installKubernetesProvider({ ...sandbox, pulumiHome: home, env: this.env });
  }

  /** A colleague's clone of this one's files as they are now (`git clone`). */
  cloneFor(name: string, backendUrl: string, passphrase: string): Operator {
    const colleague = new Operator(name, this.stack, backendUrl, passphrase);
    fs.copyFileSync(this.stackFile, colleague.stackFile);
    return colleague;
  }

  /** `git pull` of the stack file from a colleague's clone. */
  pullFrom(other: Operator): void {
    fs.copyFileSync(other.stackFile, this.stackFile);
  }

  get stackFile(): string {
    return path.join(this.dir, `Pulumi.${this.stack}.yaml`);
  }

  /** Creates the stack in the shared backend, for the project's test cluster and a namespace of its own. */
  async initStack(namespace: string): Promise<void> {
    fs.writeFileSync(this.stackFile, fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8").replace(/^encryptionsalt:.*\n/m, ""));
    await this.pulumiOk(["stack", "init"]);
    await this.pulumiOk(["config", "set", "kubernetes:kubeconfig", kubeconfigPath(TEST_CLUSTER)]);
    await this.pulumiOk(["config", "set", "switchyard:namespace", namespace]);
  }

  pulumi(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<PulumiResult> {
    return this.pulumiAsync(args, env).done;
  }

  /** Starts `pulumi` without waiting, for runs that race or get killed. */
  pulumiAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
    return start(this.env.SWITCHYARD_PULUMI!, [...args, "--stack", this.stack, "--non-interactive"], this.dir, { ...this.env, ...env });
  }

  async pulumiOk(args: readonly string[]): Promise<PulumiResult> {
    const result = await this.pulumi(args);
    if (result.status !== 0) throw new Error(`${this.name}: pulumi ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  switchyard(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<PulumiResult> {
    return this.switchyardAsync(args, env).done;
  }

  switchyardAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
    const command = [path.join(PROJECT_ROOT, "bin", "switchyard.js"), "--cwd", this.dir, "--stack", this.stack, ...args];
    return start(process.execPath, command, this.dir, { ...this.env, ...env });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A process an operator started: its pid, what it printed so far, and its outcome (killed by a signal counts as status 128). */
export interface Running {
  readonly pid: number;
  stderrSoFar(): string;
  readonly done: Promise<PulumiResult>;
}

function start(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<PulumiResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return { pid: child.pid!, stderrSoFar: () => stderr, done };
}
