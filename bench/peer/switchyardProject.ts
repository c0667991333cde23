import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPulumi } from "../../cli/pulumi/process";
import { installKubernetesProvider, pulumiEnvironment, type SandboxEnvironment } from "../../dev/lib/environment";
import { copyProgram } from "../../dev/lib/projectCopy";
import { PROJECT_ROOT } from "../../dev/lib/toolchain";
import { benchServices, stackConfig, type Color } from "../stacks";

export const STACK = "peer";
export const SWITCHYARD_BIN = path.join(PROJECT_ROOT, "bin", "switchyard.js");

/** Where every service's traffic stands: the live color and the canary percent to the other one. */
export interface Traffic {
  readonly live: Color;
  readonly canary: number;
}

/**
 * `pulumi config set-all --json` input that sets every service to `traffic`
 * in one process (the format of `pulumi config --json`; the canary stays a
 * number, as the switchyard command writes it).
 */
export function trafficConfigJson(services: number, traffic: Traffic): string {
  const value = Object.fromEntries(Object.entries(benchServices(services, traffic.live)).map(([name, service]) => [name, { ...service, canary: traffic.canary }]));
  return JSON.stringify({ "switchyard:services": { value: JSON.stringify(value), objectValue: value, secret: false } });
}

/** One release group as the benchmark sets it under `switchyard:groups.<name>`. */
export interface BenchGroup {
  readonly name: string;
  readonly services: readonly string[];
  readonly lanes: boolean;
}

/**
 * `pulumi config set-all --json` input that puts `group` into the stack
 * (as its only group) and sets every service to `traffic`, in one process:
 * the members must agree on live and canary as soon as they are a group.
 */
export function groupConfigJson(services: number, traffic: Traffic, group: BenchGroup): string {
  const value = { [group.name]: { services: [...group.services], lanes: group.lanes } };
  return JSON.stringify({
    ...JSON.parse(trafficConfigJson(services, traffic)),
    "switchyard:groups": { value: JSON.stringify(value), objectValue: value, secret: false },
  });
}

/**
 * The switchyard project copied to a temporary folder with a stack of N
 * services on the benchmark's cluster, its state where the switchyard
 * command looks for it (`<project>/.switchyard/state`), so both the command
 * and bare `pulumi` act on the same stack.
 */
export class SwitchyardProject {
  readonly dir: string;
  readonly environment: SandboxEnvironment;

  constructor(
    readonly services: number,
    kubeconfig: string,
    readonly namespace: string,
    /** `switchyard:analysis`, for `switchyard rollout`. */
    analysis: Record<string, unknown>,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-peer-"));
    copyProgram(this.dir);
    const config = { ...stackConfig("switchyard", { services, live: "blue", namespace, kubeconfig }), "switchyard:analysis": analysis };
    fs.writeFileSync(path.join(this.dir, `Pulumi.${STACK}.yaml`), JSON.stringify({ config }, null, 2));
    this.environment = pulumiEnvironment({ projectDir: this.dir });
    installKubernetesProvider(this.environment);
    runPulumi(this.environment, ["stack", "init", STACK, "--non-interactive"]);
  }

  pulumi(args: readonly string[]): string {
    return runPulumi(this.environment, [...args, "--stack", STACK, "--non-interactive"]).stdout;
  }

  /** Edits the stack config (untimed: the change an operator commits before `pulumi up`). */
  configure(traffic: Traffic): void {
    this.pulumi(["config", "set-all", "--json", trafficConfigJson(this.services, traffic)]);
  }

  /** Makes `group` the stack's one release group and sets every service to `traffic` (untimed, as `configure`). */
  configureGroup(group: BenchGroup, traffic: Traffic): void {
    this.pulumi(["config", "set-all", "--json", groupConfigJson(this.services, traffic, group)]);
  }

  /**
   * Takes every release group out of the stack config again (untimed), so
   * that single-service and `--all` commands, which a member of a group is
   * refused for, work as before. The objects keep the group's rendering
   * (lane headers) until the next `pulumi up`.
   */
  removeGroups(): void {
    this.pulumi(["config", "rm", "switchyard:groups"]);
  }

  /** `pulumi up` as argv, for a timed run. */
  upCommand(): string[] {
    return [this.environment.pulumi, "up", "--yes", "--skip-preview", "--stack", STACK, "--non-interactive"];
  }

  /** `switchyard <command> <args> --yes` on this project's stack, as argv; `fastPath: false` adds `--no-fast-path` (config edit, then `pulumi up`). */
  switchyardCommand(args: readonly string[], options: { readonly fastPath?: boolean } = {}): string[] {
    const path = options.fastPath === false ? ["--no-fast-path"] : [];
    return [process.execPath, SWITCHYARD_BIN, "--cwd", this.dir, "--stack", STACK, ...path, ...args, "--yes"];
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
