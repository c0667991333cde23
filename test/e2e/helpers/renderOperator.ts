import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPulumi, type PulumiEnvironment, type PulumiResult } from "../../../cli/pulumi/process";
import { pulumiEnvironment } from "../../../dev/lib/environment";
import { copyProgram } from "../../../dev/lib/projectCopy";
import { KUBERNETES_PROVIDER_VERSION } from "../../../dev/lib/toolchain";
import { RENDER_DIR } from "./project";

/**
 * One person on a team that shares a state backend: a clone of their own (a
 * copy of the project in a temporary folder), a PULUMI_HOME of their own,
 * and nothing in common with the others but the backend URL. Render mode
 * (kubernetes:renderYamlToDirectory), so no cluster is needed.
 */
export class RenderOperator {
  readonly dir: string;
  readonly environment: PulumiEnvironment;

  constructor(
    readonly name: string,
    backendUrl: string,
    readonly stack = "dev",
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-${name}-`));
    copyProgram(this.dir);
    // In render mode the provider would still use a cluster of the default kubeconfig.
    const sandbox = pulumiEnvironment({ projectDir: this.dir, baseEnv: { ...process.env, KUBECONFIG: "/dev/null" } });
    const home = path.join(this.dir, ".switchyard", "pulumi-home");
    // The provider build from the clone's plugin cache, where `pulumi plugin install` would put it: hard-linked
    // (it is 170 MB; the engine skips a plugin folder that is a symlink), copied across file systems.
    const plugin = path.join("plugins", `resource-kubernetes-v${KUBERNETES_PROVIDER_VERSION}`, "pulumi-resource-kubernetes");
    fs.mkdirSync(path.dirname(path.join(home, plugin)), { recursive: true });
    try {
      fs.linkSync(path.join(sandbox.pulumiHome, plugin), path.join(home, plugin));
    } catch {
      fs.copyFileSync(path.join(sandbox.pulumiHome, plugin), path.join(home, plugin));
      fs.chmodSync(path.join(home, plugin), 0o755);
    }
    this.environment = { ...sandbox, env: { ...sandbox.env, PULUMI_HOME: home, PULUMI_BACKEND_URL: backendUrl } };
  }

  /** `pulumi stack init` (or `select`, for a stack a teammate created), then the render-mode config in this clone's stack file. */
  joinStack(create: boolean): void {
    this.quick(["stack", create ? "init" : "select", this.stack]);
    this.quick(["config", "rm", "kubernetes:kubeconfig", "--stack", this.stack]);
    this.quick(["config", "set", "kubernetes:renderYamlToDirectory", RENDER_DIR, "--stack", this.stack]);
  }

  /** For commands that take a fraction of a second. */
  quick(args: readonly string[], options: { allowFailure?: boolean } = {}): PulumiResult {
    return runPulumi(this.environment, [...args, "--non-interactive"], options);
  }

  configSet(pathKey: string, value: string | number): void {
    this.quick(["config", "set", "--path", pathKey, String(value), "--plaintext", "--stack", this.stack]);
  }

  /** Runs `pulumi` on the stack without blocking the test worker; rejects on failure unless `allowFailure`. */
  async pulumi(args: readonly string[], options: { allowFailure?: boolean } = {}): Promise<PulumiResult> {
    const result = await this.pulumiAsync(args).done;
    if (result.status !== 0 && !options.allowFailure) throw new Error(`[${this.name}] pulumi ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  /** Starts `pulumi` without waiting, for runs that race, get paused or get killed. */
  pulumiAsync(args: readonly string[]): { child: ChildProcess; done: Promise<PulumiResult> } {
    const child = spawn(this.environment.pulumi, [...args, "--stack", this.stack, "--non-interactive"], {
      cwd: this.dir,
      env: this.environment.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const done = new Promise<PulumiResult>((resolve) => child.on("close", (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), stdout, stderr })));
    return { child, done };
  }

  up(): Promise<PulumiResult> {
    return this.pulumi(["up", "--yes", "--skip-preview"]);
  }

  /** `pulumi stack history --json`, newest first. */
  async history(): Promise<Array<{ version: number; kind: string; result: string; message?: string; resourceChanges?: Record<string, number> }>> {
    return JSON.parse((await this.pulumi(["stack", "history", "--json"])).stdout);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
