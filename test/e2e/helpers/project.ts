import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPulumi, type PulumiEnvironment, type PulumiResult } from "../../../cli/pulumi/process";
import { pulumiEnvironment } from "../../../dev/lib/environment";
import { kubeconfigPath, TEST_CLUSTER } from "../../../dev/lib/cluster";
import { copyProgram, replaceProgram } from "../../../dev/lib/projectCopy";
import { PROJECT_ROOT } from "../../../dev/lib/toolchain";

/** Where a test project deploys: rendered manifests, or the end-to-end tests' own local cluster. */
export type Target = "render" | "cluster";

export const RENDER_DIR = ".switchyard/rendered/dev";

/**
 * A copy of the project in a temporary folder with its own state backend, so
 * tests change stack config and deploy without touching the repository's
 * files or the developer's dev stack. node_modules is linked, not copied.
 * On the cluster each project gets a namespace of its own.
 */
export class TestProject {
  readonly dir: string;
  readonly environment: PulumiEnvironment;
  readonly namespace: string;

  /** @param programRoot where the program comes from: an earlier program kept as a fixture, for upgrade tests */
  constructor(readonly target: Target, readonly stack = "dev", programRoot = PROJECT_ROOT) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-"));
    copyProgram(this.dir);
    if (programRoot !== PROJECT_ROOT) replaceProgram(this.dir, programRoot);
    // In render mode the provider would still use a cluster of the default kubeconfig, and then render at preview already.
    const renderEnv = target === "render" ? { KUBECONFIG: "/dev/null" } : {};
    // Only the sandbox's dev stack uses the published local passphrase; any other stack brings its own, as a team's would.
    const passphrase = stack === "dev" ? {} : { PULUMI_CONFIG_PASSPHRASE: `e2e-${path.basename(this.dir)}` };
    this.environment = pulumiEnvironment({ projectDir: this.dir, baseEnv: { ...process.env, ...renderEnv, ...passphrase } });
    this.quickPulumi(["stack", "init"]);
    this.namespace = target === "render" ? "shop" : `e2e-${path.basename(this.dir).split("-").pop()!.toLowerCase()}`;
    if (target === "render") {
      this.quickPulumi(["config", "rm", "kubernetes:kubeconfig"]);
      this.quickPulumi(["config", "set", "kubernetes:renderYamlToDirectory", RENDER_DIR]);
    } else {
      this.quickPulumi(["config", "set", "kubernetes:kubeconfig", kubeconfigPath(TEST_CLUSTER)]);
      this.quickPulumi(["config", "set", "switchyard:namespace", this.namespace]);
    }
  }

  /**
   * Runs `pulumi` on this project's stack; rejects on a non-zero exit unless
   * `allowFailure`. Asynchronous: a test worker blocked for a minute misses
   * vitest's own messages and the run fails with an RPC timeout.
   */
  async pulumi(args: readonly string[], options: { allowFailure?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<PulumiResult> {
    const result = await this.pulumiAsync(args, options.env).done;
    if (result.status !== 0 && !options.allowFailure) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** For config commands, which take a fraction of a second. */
  private quickPulumi(args: readonly string[]): PulumiResult {
    return runPulumi(this.environment, [...args, "--stack", this.stack, "--non-interactive"]);
  }

  /** Starts `pulumi` without waiting, for runs that race or get killed. */
  pulumiAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<PulumiResult> } {
    const child = spawn(this.environment.pulumi, [...args, "--stack", this.stack, "--non-interactive"], {
      cwd: this.dir,
      env: { ...this.environment.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { child, done: outcome(child) };
  }

  /** Runs the switchyard command on this project's stack, without blocking the test worker. */
  async switchyard(args: readonly string[]): Promise<PulumiResult> {
    return this.switchyardAsync(args).done;
  }

  /**
   * Starts the switchyard command in a process group of its own, as a shell
   * runs a foreground job, so `interrupt()` reaches it and every `pulumi` it
   * started, as Ctrl-C on a terminal does.
   */
  switchyardAsync(args: readonly string[]): { done: Promise<PulumiResult>; stderrSoFar(): string; interrupt(): void } {
    const command = [path.join(PROJECT_ROOT, "bin", "switchyard.js"), "--cwd", this.dir, "--stack", this.stack, ...args];
    const child = spawn(process.execPath, command, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    return { done: outcome(child), stderrSoFar: () => stderr, interrupt: () => process.kill(-child.pid!, "SIGINT") };
  }

  /** `pulumi config set --path`; a value that is not `secret` is stored as plain text even if it looks like a secret. */
  configSet(pathKey: string, value: string | number, options: { secret?: boolean } = {}): void {
    const secret = options.secret ? ["--secret"] : ["--plaintext"];
    this.quickPulumi(["config", "set", "--path", pathKey, String(value), ...secret]);
  }

  /** Puts the repository's current program in place of the one the project has, keeping its stack config and state. */
  upgradeProgram(): void {
    replaceProgram(this.dir, PROJECT_ROOT);
  }

  up(): Promise<PulumiResult> {
    return this.pulumi(["up", "--yes", "--skip-preview"]);
  }

  /**
   * Steps of a preview as the engine reports them: `op` per resource URN.
   * The program's read of its own stack's outputs (a StackReference, see
   * resources/stackMemory.ts) is left out: a read changes nothing.
   * @param withSames also the resources that stay the same (pulumi leaves them out by default)
   */
  async previewSteps(withSames = false): Promise<{ op: string; urn: string; type: string; replaced: boolean }[]> {
    const result = await this.pulumi(["preview", "--json", ...(withSames ? ["--show-sames"] : [])]);
    const steps: any[] = (JSON.parse(result.stdout).steps ?? []).filter(
      (step: any) => !(step.op === "read" && step.urn.includes("::pulumi:pulumi:StackReference::")),
    );
    return steps.map((step) => ({
      op: step.op,
      urn: step.urn,
      type: step.urn.split("::")[2].split("$").pop(),
      replaced: step.op === "replace" || step.op === "create-replacement" || step.op === "delete-replaced",
    }));
  }

  async stackOutput<T = any>(name: string): Promise<T> {
    return JSON.parse((await this.pulumi(["stack", "output", name, "--json"])).stdout);
  }

  /** The raw checkpoint of the stack, as the file backend stores it. */
  async stateText(): Promise<string> {
    return (await this.pulumi(["stack", "export"])).stdout;
  }

  file(relative: string): string {
    return path.join(this.dir, relative);
  }

  /** Deletes what the project deployed to the cluster, then its folder. */
  async remove(): Promise<void> {
    if (this.target === "cluster") await this.pulumi(["destroy", "--yes", "--skip-preview"], { allowFailure: true });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A child's exit status and everything it printed; killed by a signal counts as status 128. */
function outcome(child: ChildProcess): Promise<PulumiResult> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr })));
}
