import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kubeconfigPath, kubectl } from "../dev/lib/cluster";
import { runPulumi, type PulumiEnvironment, type PulumiResult } from "../cli/pulumi/process";
import { pulumiEnvironment } from "../dev/lib/environment";
import { copyProgram, PROJECT_FILES } from "../dev/lib/projectCopy";
import { PROJECT_ROOT } from "../dev/lib/toolchain";
import { liveColorArgs, stackConfig, type Color } from "./stacks";
import { timedPulumi, type TimedRun } from "./timed";

/** The two programs the benchmark compares. */
export type Program = "switchyard" | "baseline";

const BASELINE_DIR = path.join(PROJECT_ROOT, "bench", "baseline");

/** Files of each program, and the config namespace its stack config uses (its project name, which names its state folder too). */
const PROGRAMS: Record<Program, { readonly files: readonly string[]; readonly configNamespace: string }> = {
  switchyard: { files: PROJECT_FILES, configNamespace: "switchyard" },
  // A plain TypeScript program as its authors would run it: ts-node with swc (its tsconfig.program.json), switchyard's compiler options.
  baseline: {
    files: [
      path.join(BASELINE_DIR, "Pulumi.yaml"),
      path.join(BASELINE_DIR, "index.ts"),
      path.join(BASELINE_DIR, "tsconfig.program.json"),
      path.join(PROJECT_ROOT, "tsconfig.json"),
    ],
    configNamespace: "baseline",
  },
};

const STACK = "bench";

/**
 * One program with a stack of N services in a temporary folder with its own
 * state backend, deploying to a namespace of its own on the benchmark's
 * cluster. The stack file is written before `pulumi stack init`, which adds
 * the passphrase salt to it.
 */
export class BenchProject {
  readonly dir: string;
  readonly environment: PulumiEnvironment;

  constructor(
    readonly program: Program,
    readonly services: number,
    private readonly cluster: string,
    readonly namespace: string,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-bench-${program}-`));
    copyProgram(this.dir, PROGRAMS[program].files);
    const config = stackConfig(PROGRAMS[program].configNamespace, { services, live: "blue", namespace, kubeconfig: kubeconfigPath(cluster) });
    // JSON is YAML: Pulumi reads this stack file like any other.
    fs.writeFileSync(path.join(this.dir, `Pulumi.${STACK}.yaml`), JSON.stringify({ config }, null, 2));
    this.environment = pulumiEnvironment({ projectDir: this.dir, stateDir: path.join(this.dir, ".state") });
    runPulumi(this.environment, ["stack", "init", STACK, "--non-interactive"]);
  }

  /** Times a `pulumi` command on the bench stack, counting its checkpoint writes if asked. */
  timed(args: readonly string[], options: { countCheckpointWrites?: boolean } = {}): Promise<TimedRun> {
    const checkpoint = options.countCheckpointWrites ? { checkpoint: this.checkpointFile() } : {};
    return timedPulumi(this.environment, [...args, "--stack", STACK, "--non-interactive"], checkpoint);
  }

  /** The stack's checkpoint in the file backend (project-scoped layout), which exists once the stack has been updated. */
  private checkpointFile(): string {
    const file = path.join(this.dir, ".state", ".pulumi", "stacks", PROGRAMS[this.program].configNamespace, `${STACK}.json`);
    if (!fs.existsSync(file)) throw new Error(`no checkpoint at ${file}: the stack has not been updated yet`);
    return file;
  }

  pulumi(args: readonly string[]): PulumiResult {
    return runPulumi(this.environment, [...args, "--stack", STACK, "--non-interactive"]);
  }

  /** Sets the live color of every service in the stack config (untimed). */
  setLive(live: Color): void {
    this.pulumi(liveColorArgs(PROGRAMS[this.program].configNamespace, this.services, live));
  }

  /** Types of the resources in the stack's state. */
  resourceTypes(): string[] {
    const state = JSON.parse(this.pulumi(["stack", "export"]).stdout);
    return (state.deployment.resources ?? []).map((resource: { type: string }) => resource.type);
  }

  /**
   * Removes what the stack deployed by deleting its namespace (waiting until
   * everything in it is gone, so the next measurement does not share the
   * cluster with a cleanup), then the project folder with its state.
   */
  remove(): void {
    kubectl(this.cluster, ["delete", "namespace", this.namespace, "--ignore-not-found", "--wait", "--timeout=600s"], { timeoutMs: 660_000 });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
