import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type EngineEvent, type Stack, type UpdateSummary } from "@pulumi/pulumi/automation";
import { parseStackConfig } from "../../model/config/parse";
import type { StackConfig } from "../../model/config/settings";
import { configContext, switchyardKeys, type ConfigContext } from "../../model/config/context";
import { parseServicesOutput, SERVICES_OUTPUT, type ServicesOutput } from "../../model/status";
import { EXPECTED_RECORD_ENV, RECORDED_MEANWHILE, recordFingerprint } from "../../model/recordedState";
import type { ConfigChange } from "../edits/releaseEdits";
import { StaleStackFileError, type ConfigValue, type RecordedUpdate } from "../edits/staleness";
import { UpdateFailedError, type PolicyFinding } from "./errors";
import { changesSomething, isClusterObject, PolicyFindings } from "./events";
import { lockReleasedWhileRead } from "./locks";
import { backendSetting } from "./operator";
import { writePlainChanges } from "./configEdits";
import { commandRoot, redactUrl, redactUrls, runPulumi, type PulumiEnvironment } from "./process";
import { recordSyncPoint } from "./syncPoint";
import { readStackFile, replaceStackFile, restoreStackFile, StackFileChangedError, type StackFileReading } from "./stackFile";

/**
 * The `pulumi config` command for one change, with `flags` (such as
 * `--config-file`) before the key. A secret goes in through stdin, never on
 * the command line, where any process list would show it.
 */
export function configCommand(change: ConfigChange, flags: readonly string[] = []): { readonly args: readonly string[]; readonly input?: string } {
  // `--` ends the flags: a key or value such as `-Xmx512m` is data, not an option.
  if (change.set === undefined) return { args: ["config", "rm", "--path", ...flags, "--", change.key] };
  if (change.set.type === "secret") return { args: ["config", "set", "--path", "--secret", "--raw", ...flags, "--", change.key], input: change.set.value };
  return { args: ["config", "set", "--path", "--type", change.set.type, ...flags, "--", change.key, String(change.set.value)] };
}

/**
 * A stack that cannot be selected, in one line: a backend that cannot be
 * reached (down, wrong address, wrong password) names the setting it came
 * from; a stack that does not exist says how to create it. Passwords in
 * URLs never reach the message.
 */
function selectionError(stackName: string, environment: PulumiEnvironment, error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  const cause = redactUrls((/^error: (.+)$/m.exec(text)?.[1] ?? text.trim().split("\n").pop() ?? text).trim());
  const backend = backendSetting(environment.env, environment.projectDir);
  const where = backend === undefined ? "the default backend" : `the backend ${redactUrl(backend.url)} (from ${backend.setting})`;
  if (/no stack named|stack '?[^ ]*'? not found|does not exist/i.test(cause)) {
    return new Error(`stack ${stackName} does not exist in ${where}: create it with pulumi stack init ${stackName}, or choose another with --stack`);
  }
  if (/unable to open|connect|password authentication|no such host|dial tcp|timeout|refused|access denied|credentials/i.test(cause)) {
    return new Error(`cannot use ${where}: ${cause}; check that address, that the server is up, and its credentials`);
  }
  return new Error(`stack ${stackName} of ${environment.projectDir} cannot be selected (${where}): ${cause}`);
}

/** The program's refusal to run after someone else's update landed (resources/stackMemory.ts), as the guard's own error. */
function recordedMeanwhileError(error: unknown): StaleStackFileError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").find((candidate) => candidate.includes(RECORDED_MEANWHILE));
  return line === undefined ? undefined : new StaleStackFileError(line.replace(/^.*?(stack \S+ was updated)/, "$1").trim());
}

/**
 * What `pulumi` said went wrong, without the Automation API's wrapping (exit
 * code, the whole command line, stdout): from its first `error:` line on.
 */
export function pulumiError(text: string): string {
  const start = text.search(/^error: /m);
  if (start === -1) return text.trim();
  const rest = text.slice(start);
  const end = rest.search(/^\s*err\?:/m);
  return (end === -1 ? rest : rest.slice(0, end)).trim();
}

/** The stack config as read: raw `switchyard:*` values, the facts around them, and the parsed, validated config. */
export interface CurrentConfig {
  readonly raw: Record<string, unknown>;
  readonly context: ConfigContext;
  readonly config: StackConfig;
  /** `kubernetes:kubeconfig` of the stack, if set. */
  readonly kubeconfig?: string;
  /** `kubernetes:context` of the stack, if set: a context of the kubeconfig other than its current one. */
  readonly kubeContext?: string;
  /** Every value of the stack file, namespaced keys, as Pulumi reports them. */
  readonly values: Readonly<Record<string, ConfigValue>>;
}

/** The policy pack every preview and update runs, and the stack's configuration of it. */
export interface PolicyCheck {
  readonly packDir: string;
  /** `policy/config.<stack>.json`, when the project has one. */
  readonly configFile?: string;
}

/** What every update or preview may be given: where Pulumi's output goes, and a signal that cancels it gracefully. */
export interface RunOptions {
  readonly onOutput?: (text: string) => void;
  /** Aborting sends `pulumi` one SIGINT: a graceful cancel that releases the stack lock. */
  readonly signal?: AbortSignal;
  /** Told of each advisory policy finding; mandatory ones refuse the change instead. */
  readonly onAdvisory?: (finding: PolicyFinding) => void;
}

/** A finished update: when it started, its number where the backend numbers updates, and the resources it changed by operation. */
export interface UpdateResult {
  /** Pulumi Cloud numbers a stack's updates; a self-managed backend (file, S3, PostgreSQL) leaves this 0. */
  readonly version: number;
  readonly startTime: string;
  readonly changes: Record<string, number>;
}

/** A resource the preview would change, e.g. `update VirtualService checkout`. */
export interface PlannedStep {
  readonly op: string;
  readonly type: string;
  readonly name: string;
}

/**
 * One stack of the switchyard project, driven through the Automation API
 * with the `pulumi` and environment the command was started with. Config
 * edits keep the stack file's layout, comments and value types
 * (`writePlainChanges`; secrets through `pulumi config set --secret`).
 */
export class StackSession {
  /** The stack file as `readConfig` read it: every write is checked against it. */
  private reading?: StackFileReading;
  /** What this session last wrote into the stack file. */
  private written?: StackFileReading;

  private constructor(
    readonly stackName: string,
    readonly environment: PulumiEnvironment,
    private readonly stack: Stack,
    private readonly policy: PolicyCheck | undefined,
    private readonly operator: string | undefined,
  ) {}

  /** `operator` is recorded with every update's message, e.g. `checkout: canary 5% to green (by ann@laptop)`. */
  static async open(environment: PulumiEnvironment, stackName: string, policy?: PolicyCheck, operator?: string): Promise<StackSession> {
    const projectDir = environment.projectDir;
    // Its version is the environment's business (the sandbox pins its own build): checking it would cost one more process start per command.
    const pulumiCommand = await PulumiCommand.get({ root: commandRoot(environment.pulumi), skipVersionCheck: true });
    const envVars = Object.fromEntries(
      Object.entries(environment.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const stack = await LocalWorkspace.selectStack(
      { stackName, workDir: projectDir },
      { workDir: projectDir, pulumiCommand, envVars },
    ).catch((error: unknown) => {
      throw selectionError(stackName, environment, error);
    });
    return new StackSession(stackName, environment, stack, policy, operator);
  }

  /** Which CLI and which backend this session acts through, for the operator to see; credentials in the URL are hidden. */
  async describe(): Promise<{ readonly pulumi: string; readonly backend: string }> {
    const { url } = await this.stack.workspace.whoAmI();
    return { pulumi: this.environment.pulumi, backend: url === undefined ? "unknown" : redactUrl(url) };
  }

  get projectDir(): string {
    return this.environment.projectDir;
  }

  /** Reads and validates the stack config exactly as the program will; a ConfigError lists every problem. */
  async readConfig(): Promise<CurrentConfig> {
    // Read before the config: a change made in between makes the later write stop, never get lost.
    this.reading = readStackFile(this.stackFile);
    const all = await this.stack.getAllConfig();
    const values = Object.fromEntries(Object.entries(all).map(([key, item]) => [key, item.value]));
    const raw = switchyardKeys(values);
    const context = configContext(all, (key) => all[key]?.secret === true);
    const kubeconfig = all["kubernetes:kubeconfig"]?.value;
    const kubeContext = all["kubernetes:context"]?.value;
    return {
      raw,
      context,
      values: all,
      config: parseStackConfig(raw, context),
      ...(kubeconfig === undefined ? {} : { kubeconfig }),
      ...(kubeContext === undefined ? {} : { kubeContext }),
    };
  }

  private get stackFile(): string {
    return path.join(this.projectDir, `Pulumi.${this.stackName}.yaml`);
  }

  /** Throws a StackFileChangedError unless `readConfig` read the stack file as `earlier` holds it. */
  requireUnchangedSince(earlier: { readonly content: Buffer }): void {
    const reading = this.requireReading();
    if (!reading.content.equals(earlier.content)) throw new StackFileChangedError(reading.path);
  }

  /**
   * Writes the changes into a copy of the stack file as `readConfig` read it,
   * so a preview can run on them while the real stack file stays untouched
   * until `commitStaged`.
   */
  stage(changes: readonly ConfigChange[]): string {
    const reading = this.requireReading();
    const stagingDir = path.join(this.projectDir, ".switchyard", "staged");
    fs.mkdirSync(stagingDir, { recursive: true });
    const staged = path.join(stagingDir, `Pulumi.${this.stackName}.${process.pid}.yaml`);
    const { text, viaPulumi } = writePlainChanges(reading.content.toString("utf8"), changes);
    fs.writeFileSync(staged, text);
    for (const change of viaPulumi) {
      const { args, input } = configCommand(change, ["--config-file", staged, "--stack", this.stackName, "--non-interactive"]);
      runPulumi(this.environment, args, input === undefined ? {} : { input });
    }
    return staged;
  }

  /** Moves the staged file over the stack file, unless the stack file changed since it was read (StackFileChangedError). */
  commitStaged(staged: string): void {
    this.written = replaceStackFile(this.requireReading(), staged);
  }

  /**
   * Puts the stack file back as it was read, after an update that changed
   * nothing; false when someone changed the file since this session wrote it
   * (then it is left alone).
   */
  restoreStackFile(): boolean {
    if (this.written === undefined) return true;
    const restored = restoreStackFile(this.written, this.requireReading());
    if (restored) this.written = undefined;
    return restored;
  }

  discardStaged(staged: string): void {
    fs.rmSync(staged, { force: true });
  }

  private requireReading(): StackFileReading {
    if (this.reading === undefined) throw new Error("internal: the stack config must be read before it is changed");
    return this.reading;
  }

  /**
   * What a failure on the stack lock means and what to do: run again when the
   * lock went as pulumi read it, or clear one that no running update holds any
   * more (a killed process leaves one behind).
   */
  private lockHint(reason: string): string {
    if (lockReleasedWhileRead(reason)) {
      return `\nanother update of stack ${this.stackName} took or released the stack lock as this one checked it (it started or ended at the same moment); run the command again`;
    }
    if (!/currently locked/.test(reason)) return "";
    return (
      `\nthe lock above names the user, host and process holding it. If that update is still running, wait for it; ` +
      `if it is gone (killed, lost terminal), clear the lock with: pulumi cancel --stack ${this.stackName} --yes, then run the command again`
    );
  }

  /** The `pulumi up` a person runs to finish what this session could not, with the same stack and policy pack. */
  upCommand(): string {
    const pack = this.policy === undefined ? [] : ["--policy-pack", this.policy.packDir];
    const packConfig = this.policy?.configFile === undefined ? [] : ["--policy-pack-config", this.policy.configFile];
    return ["pulumi", "up", "--stack", this.stackName, "--cwd", this.projectDir, ...pack, ...packConfig].join(" ");
  }

  /** The policy config every preview and update runs the pack with, if the stack has one. */
  get policyConfigFile(): string | undefined {
    return this.policy?.configFile;
  }

  private policyOptions(): { policyPacks?: string[]; policyPackConfigs?: string[] } {
    if (this.policy === undefined) return {};
    return { policyPacks: [this.policy.packDir], ...(this.policy.configFile === undefined ? {} : { policyPackConfigs: [this.policy.configFile] }) };
  }

  /** The resources an update with this config file would change (everything but `same`); the policy pack's mandatory findings refuse it. */
  async preview(configFile?: string, options: RunOptions = {}): Promise<PlannedStep[]> {
    const steps: PlannedStep[] = [];
    const findings = new PolicyFindings(options.onAdvisory);
    try {
      await this.stack.preview({
        ...(configFile === undefined ? {} : { configFile }),
        ...this.policyOptions(),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onEvent: (event: EngineEvent) => {
          findings.collect(event);
          const metadata = event.resourcePreEvent?.metadata;
          // Components and providers only group and configure: the objects written to the cluster are what a reviewer weighs.
          if (metadata === undefined || metadata.op === "same" || !isClusterObject(metadata.type)) return;
          // A replacement is reported as three steps; `replace` alone says it.
          if (metadata.op === "create-replacement" || metadata.op === "delete-replaced") return;
          steps.push({ op: metadata.op, type: metadata.type.split(":").pop()!, name: metadata.urn.split("::").pop()! });
        },
      });
    } catch (error) {
      throw findings.refusal() ?? recordedMeanwhileError(error) ?? error;
    }
    return steps;
  }

  /**
   * `pulumi up` with the stack file as it is and the policy pack; `message` is
   * recorded in the stack history. A failure is an UpdateFailedError that
   * says whether anything was changed before it (or a PolicyViolationError).
   */
  async up(message: string, options: RunOptions = {}): Promise<UpdateResult> {
    const findings = new PolicyFindings(options.onAdvisory);
    let changedAnything = false;
    try {
      const result = await this.stack.up({
        message: this.operator === undefined ? message : `${message} (by ${this.operator})`,
        ...this.policyOptions(),
        ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onEvent: (event: EngineEvent) => {
          findings.collect(event);
          if (changesSomething(event)) changedAnything = true;
        },
      });
      // This clone made this update: it is in step with the stack up to here.
      this.repinAfterOwnUpdate(result.outputs[SERVICES_OUTPUT]?.value);
      recordSyncPoint(this.projectDir, this.stackName, new Date(result.summary.startTime).toISOString());
      return { version: result.summary.version ?? 0, startTime: new Date(result.summary.startTime).toISOString(), changes: result.summary.resourceChanges ?? {} };
    } catch (error) {
      const refusal = findings.refusal();
      if (refusal !== undefined && !changedAnything) throw refusal;
      const stale = recordedMeanwhileError(error);
      if (stale !== undefined && !changedAnything) throw stale;
      const reason = refusal?.message ?? pulumiError(error instanceof Error ? error.message : String(error));
      throw new UpdateFailedError(`pulumi up failed: ${reason}${this.lockHint(reason)}`, changedAnything);
    }
  }

  async servicesOutput(): Promise<ServicesOutput> {
    const outputs = await this.stack.outputs();
    return parseServicesOutput(outputs[SERVICES_OUTPUT]?.value);
  }

  /**
   * Reads the release state the stack has recorded, and has every later
   * preview and update of this session stop before it changes anything if,
   * by then, the stack recorded another (model/recordedState.ts). Read
   * before the stale-clone guard reads the history, so whatever the guard
   * did not see is caught here.
   */
  async pinRecordedState(): Promise<void> {
    const outputs = await this.stack.outputs();
    this.stack.workspace.envVars[EXPECTED_RECORD_ENV] = recordFingerprint(outputs[SERVICES_OUTPUT]?.value);
  }

  /** A rollout's next step starts from what this session's own update recorded. */
  private repinAfterOwnUpdate(recordedServices: unknown): void {
    if (this.stack.workspace.envVars[EXPECTED_RECORD_ENV] !== undefined) {
      this.stack.workspace.envVars[EXPECTED_RECORD_ENV] = recordFingerprint(recordedServices);
    }
  }

  /** The stack's most recent updates with the config each ran with, newest first. */
  async recentUpdates(limit: number): Promise<RecordedUpdate[]> {
    const updates = await this.stack.history(limit, 1, false);
    return updates.map((update) => ({
      version: update.version,
      kind: update.kind,
      result: update.result,
      message: update.message,
      // Typed as a Date, delivered as the JSON text.
      startTime: new Date(update.startTime).toISOString(),
      config: update.config ?? {},
    }));
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
