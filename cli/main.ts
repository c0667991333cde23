import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { percentArgument, canaryArguments, deployArguments, durationArgument, envAssignment, serviceOrGroup, serviceSelection } from "./context/arguments";
import { EXIT, UsageError } from "./context/errors";
import { PACKAGE_ROOT } from "./context/packageRoot";
import { RecordFailedError } from "./fastpath/errors";
import type { CommandContext, GlobalOptions } from "./context/options";
import { createReporter } from "./context/output";
import { Interrupts } from "./context/signals";
import type { ServiceConfig } from "../model/config/settings";
import type { DryRunOption } from "./commands/release";
import type { DeployOptions, ReleaseEdit } from "./edits/releaseEdits";
import type { PulumiEnvironment } from "./pulumi/process";
import type { PolicyCheck, StackSession } from "./pulumi/session";

/**
 * The `switchyard` command line: arguments to commands, nothing else. This is
 * where the command starts, so this is where it chooses how Pulumi runs: the
 * operator's own setup, or the sandbox (dev/) for its dev stack. Commands and
 * the Automation API are imported when a command runs: a rollback must not
 * wait for modules it does not use, nor `--help` for any.
 */

/** The nearest folder at or above the working directory holding Pulumi.yaml; the package's own project otherwise. */
function defaultProjectDir(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return PACKAGE_ROOT;
  }
}

/** The package's own policy pack, which every preview and update runs. */
const POLICY_PACK = path.join(PACKAGE_ROOT, "policy");

/** The stack's policy config: the project's `policy/config.<stack>.json`, else the package's, else the pack's defaults. */
function policyCheck(options: GlobalOptions): PolicyCheck {
  const name = `config.${options.stack}.json`;
  const configFile = [path.join(options.cwd, "policy", name), path.join(POLICY_PACK, name)].find((file) => fs.existsSync(file));
  return { packDir: POLICY_PACK, ...(configFile === undefined ? {} : { configFile }) };
}

/**
 * The operator's own Pulumi, checked without starting it (the CLI exists, the
 * stack's secrets provider has what it needs); undefined when the sandbox
 * serves this stack, whose CLI and passphrase are its own.
 */
async function operatorPulumi(options: GlobalOptions): Promise<PulumiEnvironment | undefined> {
  const { choosePulumi, operatorEnvironment } = await import("./pulumi/operator");
  const choice = choosePulumi({ stack: options.stack, projectDir: options.cwd, env: process.env, ...(options.pulumi === undefined ? {} : { pulumiFlag: options.pulumi }) });
  if (choice.kind === "sandbox") return undefined;
  const environment = operatorEnvironment(options.cwd, options.pulumi);
  const { requireSecretsProvider } = await import("./pulumi/secrets");
  requireSecretsProvider(path.join(options.cwd, `Pulumi.${options.stack}.yaml`), options.stack, environment.env);
  return environment;
}

/** The sandbox for its own dev stack when the user has no Pulumi setup of their own; the operator's Pulumi otherwise. */
async function pulumiFor(options: GlobalOptions): Promise<PulumiEnvironment> {
  const operator = await operatorPulumi(options);
  if (operator !== undefined) return operator;
  const { installKubernetesProvider, pulumiEnvironment } = await import("../dev/lib/environment");
  const sandbox = pulumiEnvironment({ projectDir: options.cwd });
  installKubernetesProvider(sandbox);
  return sandbox;
}

async function openStack(options: GlobalOptions, policy: PolicyCheck): Promise<StackSession> {
  const [{ StackSession }, { operatorIdentity }, environment] = await Promise.all([import("./pulumi/session"), import("./context/operator"), pulumiFor(options)]);
  return StackSession.open(environment, options.stack, policy, operatorIdentity());
}

type Run = (command: (context: CommandContext) => Promise<number>) => Promise<void>;
type SelectionOptions = DryRunOption & { readonly all: boolean; readonly group?: string };

/** canary, promote and rollback: one service, several, `--all` or `--group`, moved by one config change and one record. */
function release(run: Run, names: readonly string[], options: SelectionOptions, verb: string, build: (edits: typeof import("./edits/releaseEdits")) => (service: ServiceConfig) => ReleaseEdit) {
  return run(async (context) => {
    const selection = serviceSelection(names, options.all, options.group);
    const [{ runReleaseCommand }, edits] = await Promise.all([import("./commands/release"), import("./edits/releaseEdits")]);
    return runReleaseCommand(context, selection, options, { verb, build: build(edits) });
  });
}

function buildProgram(run: Run): Command {
  const program = new Command("switchyard")
    .description("Blue/green and canary releases driven by Pulumi stack config: each command is a config change followed by pulumi up.")
    .addOption(new Option("-s, --stack <name>", "the stack to operate on").default("dev"))
    .addOption(new Option("-C, --cwd <dir>", "the switchyard project folder").default(defaultProjectDir(), "the folder holding Pulumi.yaml"))
    .option("--pulumi <path>", "the pulumi CLI to use (default: SWITCHYARD_PULUMI, else pulumi on PATH; the project's own build for the sandbox's dev stack)")
    .option("-y, --yes", "apply without asking for confirmation", false)
    .option("--allow-stale", "change the stack even where the backend holds newer values than this clone's stack file (overwrites them)", false)
    .option("--json", "print one JSON document on stdout (progress goes to stderr)", false)
    .option(
      "--no-fast-path",
      "for an edit that moves only weights onto ready colors: write the stack config and run pulumi up, instead of applying the VirtualService on the API server first and recording it after",
    )
    .addOption(
      new Option("--lock-timeout <duration>", "how long the fast path's record waits for another running update of the stack to end (0s: give up at once)")
        .argParser(durationArgument)
        .default(300_000, "5m"),
    )
    .showHelpAfterError()
    // Before the subcommands are added, so they inherit it: parse errors come back as exceptions, not process.exit.
    .exitOverride()
    .addHelpText(
      "after",
      `\nExit codes: ${EXIT.ok} done, ${EXIT.failed} an update or a tool failed, ${EXIT.invalid} invalid input or stack config (nothing changed),\n` +
        `${EXIT.rolledBack} rollout failed its analysis and was rolled back, ${EXIT.halted} rollout halted without promoting,\n` +
        `${EXIT.unrecorded} traffic moved on the API server but the stack did not record it (the message says what to run), ${EXIT.interrupted} interrupted.`,
    );

  program
    .command("status")
    .description("one row per service: live color, weights, versions, ready/desired pods per color")
    .action(() => run(async (context) => (await import("./commands/status")).showStatus(context)));

  program
    .command("deploy")
    .usage("[options] <service> <version> | --group <group> <version> | --group <group> <service=version...>")
    .description("put a version into the idle color (the one that is not live), with the live color's env and secrets; traffic does not move")
    .argument("<service-and-version...>", "the service, then the semver of the new build, e.g. checkout 1.6.0 (with --group: one version for every member, or service=version pairs)")
    .option("--group <group>", "deploy to the members of a release group in one update")
    .option("--tag <tag>", "immutable build id to pull instead of the version tag (YYYYMMDD-HHMM-<sha>)")
    .option("--digest <digest>", "sha256 digest to pin the image to")
    .option("--commit <sha>", "git commit of the build")
    .option("--note <text>", "change note, shown as the Deployment's change-cause")
    .option("--schema <range>", 'database schema versions the build runs on, e.g. ">=13 <15"')
    .option("--env <NAME=VALUE>", "config for the new version, over the live color's env (repeatable)", envAssignment)
    .option("--dry-run", "stop after the preview", false)
    .action((words: string[], options: DeployOptions & DryRunOption & { group?: string }) =>
      run(async (context) => {
        const { selection, versionOf } = deployArguments(words, options.group);
        if (options.group !== undefined && (options.tag !== undefined || options.digest !== undefined)) {
          throw new UsageError(`--tag and --digest name one image: deploy the members one by one, or give --group ${options.group} versions only`);
        }
        const [{ runReleaseCommand }, { deployEdit }] = await Promise.all([import("./commands/release"), import("./edits/releaseEdits")]);
        return runReleaseCommand(context, selection, options, { verb: "deploy", build: (config) => deployEdit(config, versionOf(config.name), options) });
      }),
    );

  program
    .command("canary")
    .usage("[options] <service...> <percent> | --all <percent> | --group <group> <percent>")
    .description("send a percentage of traffic to the idle color of one or more services")
    .argument("<services-then-percent...>", "the services, then the percentage, an integer 0..100 (with --all or --group, the percentage alone)")
    .option("--all", "every service of the stack that has an idle color to send traffic to", false)
    .option("--group <group>", "every member of a release group, in one update")
    .option("--dry-run", "stop after the preview", false)
    .action((words: string[], options: SelectionOptions) =>
      run(async (context) => {
        const { names, percent } = canaryArguments(words);
        const selection = serviceSelection(names, options.all, options.group);
        const [{ runReleaseCommand }, { canaryEdit }] = await Promise.all([import("./commands/release"), import("./edits/releaseEdits")]);
        return runReleaseCommand(context, selection, options, { verb: `canary ${percent}%`, build: (config) => canaryEdit(config, percent) });
      }),
    );

  program
    .command("mirror")
    .description("copy a percentage of live requests to the idle color, whose responses are discarded (0 stops mirroring); traffic does not move")
    .argument("<service>")
    .argument("<percent>", "an integer 0..100", percentArgument)
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, percent: number, options: DryRunOption) =>
      release(run, [service], { ...options, all: false }, `mirror ${percent}%`, (edits) => (config) => edits.mirrorEdit(config, percent)),
    );

  program
    .command("promote")
    .description("make the idle color live with all traffic; the old live color stays as the warm standby")
    .argument("[services...]")
    .option("--all", "every service of the stack whose idle color runs a version", false)
    .option("--group <group>", "every member of a release group, in one update")
    .option("--dry-run", "stop after the preview", false)
    .action((services: string[], options: SelectionOptions) => release(run, services, options, "promote", (edits) => edits.promoteEdit));

  program
    .command("rollback")
    .description("stop a running canary, or send all traffic back to the previous (warm) color; several services at once move in one command")
    .argument("[services...]")
    .option("--all", "every service of the stack that has a canary to stop or an older warm color to go back to", false)
    .option("--group <group>", "every member of a release group, in one update")
    .option("--dry-run", "stop after the preview", false)
    .action((services: string[], options: SelectionOptions) => release(run, services, options, "roll back", (edits) => edits.rollbackEdit));

  program
    .command("rollout")
    .usage("[options] <service> | --group <group>")
    .description("walk the canary through steps, judging each with Prometheus; promote on success, roll back on failure")
    .argument("[service]")
    .option("--group <group>", "every member of a release group together: each judged with its own queries, any failure rolls back all of them")
    .option("--steps <weights>", "canary weights to walk through", "5,25,50,100")
    .option("--interval <duration>", "time at each step before it is judged, e.g. 2m", "2m")
    .option("--dry-run", "print the plan and stop", false)
    .action((service: string | undefined, options: import("./commands/rollout").RolloutOptions & { group?: string }) =>
      run(async (context) => {
        const subject = serviceOrGroup(service, options.group);
        return (await import("./commands/rollout")).runRolloutCommand(context, subject, options);
      }),
    );

  program
    .command("check")
    .description("for CI: validate the stack file, diff it against what the backend last ran, preview it with the policy pack; changes nothing")
    .option("--markdown", "print the report as Markdown, ready for a pull request comment", false)
    .action((options: import("./commands/check").CheckOptions) => run(async (context) => (await import("./commands/check")).runCheck(context, options)));

  program
    .command("compare")
    .usage("[options] <service> | --group <group>")
    .description("the live color against the other one: version step, image, commit, schema, env, secret names (what a promote changes)")
    .argument("[service]")
    .option("--group <group>", "every member of a release group, and whether the schema gate lets the group's promote through")
    .action((service: string | undefined, options: { group?: string }) =>
      run(async (context) => (await import("./commands/compare")).showComparison(context, serviceOrGroup(service, options.group))),
    );

  program
    .command("history")
    .usage("[options] <service> | --group <group>")
    .description("the service's versions and weights over time, from the stack history; --group: every member's side by side")
    .argument("[service]")
    .option("--group <group>", "the members of a release group, one row per update that moved any of them")
    .action((service: string | undefined, options: { group?: string }) =>
      run(async (context) => (await import("./commands/history")).showHistory(context, serviceOrGroup(service, options.group))),
    );

  program
    .command("dashboard")
    .description("a local, read-only web page of services, traffic, pods, history and rollouts, updated live; opens nothing, Ctrl-C stops it")
    .option("--port <port>", "port to listen on (0: any free port)", "7400")
    .option("--host <address>", "address to listen on; other than loopback only with --allow-remote", "127.0.0.1")
    .option("--allow-remote", "allow --host to be an address other machines can reach (the page has no login)", false)
    .action((options: import("./commands/dashboard").DashboardOptions) =>
      run(async (context) => (await import("./commands/dashboard")).runDashboard(context, options)),
    );

  return program;
}

/** Runs the command line; resolves with the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(async (command) => {
    const options = program.opts<GlobalOptions & { lockTimeout: number }>();
    const global: GlobalOptions = { ...options, lockTimeoutMs: options.lockTimeout };
    const reporter = createReporter(global.json);
    const interrupts = new Interrupts();
    const stopListening = interrupts.listen((signal) => reporter.line(`\n${signal}: stopping gracefully; pulumi finishes or cancels what it is doing`));
    const policy = policyCheck(global);
    try {
      exitCode = await command({
        options: global,
        reporter,
        interrupts,
        policy,
        checkPulumi: async () => void (await operatorPulumi(global)),
        openStack: () => openStack(global, policy),
      });
      // pulumi ignores a Ctrl-C until it can cancel gracefully (cli/pulumi/process.ts), so one can come too late to stop anything.
      const late = interrupts.signalReceived;
      if (late !== undefined && exitCode === EXIT.ok) reporter.line(`${late} came too late to stop anything: the command finished, as reported above`);
    } catch (error) {
      // Traffic that moved without a record outranks the interruption: exit 5 tells a script what is left to do.
      exitCode = reporter.failure(error, error instanceof RecordFailedError ? undefined : interrupts.exitCode);
    } finally {
      stopListening();
    }
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    // commander has printed the message or the help already.
    return code === 0 ? EXIT.ok : EXIT.invalid;
  }
  return exitCode;
}
