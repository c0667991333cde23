import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack, type UpdateSummary } from "@pulumi/pulumi/automation";
import { parseStackConfig } from "../../model/config/parse";
import type { StackConfig } from "../../model/config/settings";
import { configContext, switchyardKeys, type ConfigContext } from "../../model/config/context";
import { parseServicesOutput, type ServicesOutput } from "../../model/status";
import type { ConfigChange } from "../edits/releaseEdits";
import { runPulumi, type PulumiEnvironment } from "./process";

/**
 * The `pulumi config` command for one change. A secret goes in through stdin,
 * never on the command line, where any process list would show it.
 */
export function configCommand(change: ConfigChange): { readonly args: readonly string[]; readonly input?: string } {
  if (change.set === undefined) return { args: ["config", "rm", "--path", change.key] };
  if (change.set.type === "secret") return { args: ["config", "set", "--path", "--secret", "--raw", change.key], input: change.set.value };
  return { args: ["config", "set", "--path", "--type", change.set.type, change.key, String(change.set.value)] };
}

function isClusterObject(type: string): boolean {
  return !type.startsWith("switchyard:") && !type.startsWith("pulumi:");
}

/** The stack config as read: raw `switchyard:*` values, the facts around them, and the parsed, validated config. */
export interface CurrentConfig {
  readonly raw: Record<string, unknown>;
  readonly context: ConfigContext;
  readonly config: StackConfig;
  /** `kubernetes:kubeconfig` of the stack, if set. */
  readonly kubeconfig?: string;
}

/** A resource the preview would change, e.g. `update VirtualService checkout`. */
export interface PlannedStep {
  readonly op: string;
  readonly type: string;
  readonly name: string;
}

/**
 * One stack of the switchyard project, driven through the Automation API
 * with the `pulumi` and environment the command was started with. Config edits go through `pulumi config set --path --type` so the
 * stack file keeps its layout, comments and value types.
 */
export class StackSession {
  private constructor(
    readonly stackName: string,
    readonly environment: PulumiEnvironment,
    private readonly stack: Stack,
  ) {}

  static async open(environment: PulumiEnvironment, stackName: string): Promise<StackSession> {
    const projectDir = environment.projectDir;
    // Its version is the environment's business (the sandbox pins its own build): checking it would cost one more process start per command.
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(environment.pulumi)), skipVersionCheck: true });
    const envVars = Object.fromEntries(
      Object.entries(environment.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const stack = await LocalWorkspace.selectStack(
      { stackName, workDir: projectDir },
      { workDir: projectDir, pulumiCommand, envVars },
    ).catch((error: unknown) => {
      throw new Error(`stack ${stackName} of ${projectDir} cannot be selected: ${error instanceof Error ? error.message : String(error)}`);
    });
    return new StackSession(stackName, environment, stack);
  }

  get projectDir(): string {
    return this.environment.projectDir;
  }

  /** Reads and validates the stack config exactly as the program will; a ConfigError lists every problem. */
  async readConfig(): Promise<CurrentConfig> {
    const all = await this.stack.getAllConfig();
    const values = Object.fromEntries(Object.entries(all).map(([key, item]) => [key, item.value]));
    const raw = switchyardKeys(values);
    const context = configContext(all, (key) => all[key]?.secret === true);
    const kubeconfig = all["kubernetes:kubeconfig"]?.value;
    return { raw, context, config: parseStackConfig(raw, context), ...(kubeconfig === undefined ? {} : { kubeconfig }) };
  }

  private get stackFile(): string {
    return path.join(this.projectDir, `Pulumi.${this.stackName}.yaml`);
  }

  /**
   * Writes the changes into a copy of the stack file, so a preview can run
   * on them while the real stack file stays untouched until `commitStaged`.
   */
  stage(changes: readonly ConfigChange[]): string {
    const stagingDir = path.join(this.projectDir, ".switchyard", "staged");
    fs.mkdirSync(stagingDir, { recursive: true });
    const staged = path.join(stagingDir, `Pulumi.${this.stackName}.${process.pid}.yaml`);
    fs.copyFileSync(this.stackFile, staged);
    for (const change of changes) {
      const { args, input } = configCommand(change);
      runPulumi(this.environment, [...args, "--config-file", staged, "--stack", this.stackName, "--non-interactive"], input === undefined ? {} : { input });
    }
    return staged;
  }

  commitStaged(staged: string): void {
    fs.renameSync(staged, this.stackFile);
  }

  discardStaged(staged: string): void {
    fs.rmSync(staged, { force: true });
  }

  /** The resources an update with this config file would change (everything but `same`). */
  async preview(configFile?: string): Promise<PlannedStep[]> {
    const steps: PlannedStep[] = [];
    await this.stack.preview({
      ...(configFile === undefined ? {} : { configFile }),
      onEvent: (event: EngineEvent) => {
        const metadata = event.resourcePreEvent?.metadata;
        // Components and providers only group and configure: the objects written to the cluster are what a reviewer weighs.
        if (metadata === undefined || metadata.op === "same" || !isClusterObject(metadata.type)) return;
        // A replacement is reported as three steps; `replace` alone says it.
        if (metadata.op === "create-replacement" || metadata.op === "delete-replaced") return;
        steps.push({ op: metadata.op, type: metadata.type.split(":").pop()!, name: metadata.urn.split("::").pop()! });
      },
    });
    return steps;
  }

  /** `pulumi up` with the stack file as it is; `message` is recorded in the stack history. */
  async up(message: string, onOutput?: (text: string) => void): Promise<Record<string, number>> {
    const result = await this.stack.up({ message, ...(onOutput === undefined ? {} : { onOutput }) });
    return result.summary.resourceChanges ?? {};
  }

  async servicesOutput(): Promise<ServicesOutput> {
    const outputs = await this.stack.outputs();
    return parseServicesOutput(outputs.services?.value);
  }

  /** Every update of the stack, newest first; the CLI would otherwise return only the last page. */
  async history(): Promise<UpdateSummary[]> {
    const pageSize = 100;
    const updates: UpdateSummary[] = [];
    for (let page = 1; ; page++) {
      const batch = await this.stack.history(pageSize, page, false);
      updates.push(...batch);
      if (batch.length < pageSize) return updates;
    }
  }
}
