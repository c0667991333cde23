import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { installKubernetesProvider, pulumiEnvironment } from "../dev/lib/environment";
import { PROJECT_ROOT } from "../dev/lib/toolchain";
import { runCheck, type CheckOptions } from "./commands/check";
import { showComparison } from "./commands/compare";
import { showHistory } from "./commands/history";
import { runReleaseCommand, type DryRunOption } from "./commands/release";
import { runRolloutCommand, type RolloutOptions } from "./commands/rollout";
import { showStatus } from "./commands/status";
import { envAssignment, percentArgument } from "./context/arguments";
import { EXIT } from "./context/errors";
import type { CommandContext, GlobalOptions } from "./context/options";
import { operatorIdentity } from "./context/operator";
import { createReporter } from "./context/output";
import { Interrupts } from "./context/signals";
import { canaryEdit, deployEdit, promoteEdit, rollbackEdit, type DeployOptions } from "./edits/releaseEdits";
import { choosePulumi, operatorEnvironment } from "./pulumi/operator";
import type { PulumiEnvironment } from "./pulumi/process";
import { requireSecretsProvider } from "./pulumi/secrets";
import { StackSession, type PolicyCheck } from "./pulumi/session";

/**
 * The `switchyard` command line: arguments to commands, nothing else. This is
 * where the command starts, so this is where it chooses how Pulumi runs: the
 * operator's own setup, or the sandbox (dev/) for its dev stack.
 */

/** The nearest folder at or above the working directory holding Pulumi.yaml; the package's own project otherwise. */
function defaultProjectDir(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return PROJECT_ROOT;
  }
}

/** The package's own policy pack, which every preview and update runs. */
const POLICY_PACK = path.resolve(__dirname, "..", "policy");

/** The stack's policy config: the project's `policy/config.<stack>.json`, else the package's, else the pack's defaults. */
function policyCheck(options: GlobalOptions): PolicyCheck {
  const name = `config.${options.stack}.json`;
  const configFile = [path.join(options.cwd, "policy", name), path.join(POLICY_PACK, name)].find((file) => fs.existsSync(file));
  return { packDir: POLICY_PACK, ...(configFile === undefined ? {} : { configFile }) };
}

/** The sandbox for its own dev stack when the user has no Pulumi setup of their own; the operator's Pulumi otherwise. */
function pulumiFor(options: GlobalOptions): PulumiEnvironment {
  const choice = choosePulumi({ stack: options.stack, projectDir: options.cwd, env: process.env, ...(options.pulumi === undefined ? {} : { pulumiFlag: options.pulumi }) });
  if (choice.kind === "sandbox") {
    const sandbox = pulumiEnvironment({ projectDir: options.cwd });
    installKubernetesProvider(sandbox);
    return sandbox;
  }
  const environment = operatorEnvironment(options.cwd, options.pulumi);
  requireSecretsProvider(path.join(options.cwd, `Pulumi.${options.stack}.yaml`), options.stack, environment.env);
  return environment;
}

async function openStack(options: GlobalOptions): Promise<StackSession> {
  return StackSession.open(pulumiFor(options), options.stack, policyCheck(options), operatorIdentity());
}

function buildProgram(run: (command: (context: CommandContext) => Promise<number>) => Promise<void>): Command {
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
    .action(() => run(showStatus));

  program
    .command("deploy")
    .description("put a version into the idle color (the one that is not live), with the live color's env and secrets; traffic does not move")
    .argument("<service>")
    .argument("<version>", "semver of the new build, e.g. 1.6.0")
    .option("--tag <tag>", "immutable build id to pull instead of the version tag (YYYYMMDD-HHMM-<sha>)")
    .option("--digest <digest>", "sha256 digest to pin the image to")
    .option("--commit <sha>", "git commit of the build")
    .option("--note <text>", "change note, shown as the Deployment's change-cause")
    .option("--schema <range>", 'database schema versions the build runs on, e.g. ">=13 <15"')
    .option("--env <NAME=VALUE>", "config for the new version, over the live color's env (repeatable)", envAssignment)
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, version: string, options: DeployOptions & DryRunOption) =>
      run((context) => runReleaseCommand(context, service, options, (config) => deployEdit(config, version, options))),
    );

  program
    .command("canary")
    .description("send a percentage of traffic to the idle color")
    .argument("<service>")
    .argument("<percent>", "integer 0..100", percentArgument)
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, percent: number, options: DryRunOption) =>
      run((context) => runReleaseCommand(context, service, options, (config) => canaryEdit(config, percent))),
    );

  program
    .command("promote")
    .description("make the idle color live with all traffic; the old live color stays as the warm standby")
    .argument("<service>")
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, options: DryRunOption) => run((context) => runReleaseCommand(context, service, options, promoteEdit)));

  program
    .command("rollback")
    .description("stop a running canary, or send all traffic back to the previous (warm) color")
    .argument("<service>")
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, options: DryRunOption) => run((context) => runReleaseCommand(context, service, options, rollbackEdit)));

  program
    .command("rollout")
    .description("walk the canary through steps, judging each with Prometheus; promote on success, roll back on failure")
    .argument("<service>")
    .option("--steps <weights>", "canary weights to walk through", "5,25,50,100")
    .option("--interval <duration>", "time at each step before it is judged, e.g. 2m", "2m")
    .option("--dry-run", "print the plan and stop", false)
    .action((service: string, options: RolloutOptions) => run((context) => runRolloutCommand(context, service, options)));

  program
    .command("check")
    .description("for CI: validate the stack file, diff it against what the backend last ran, preview it with the policy pack; changes nothing")
    .option("--markdown", "print the report as Markdown, ready for a pull request comment", false)
    .action((options: CheckOptions) => run((context) => runCheck(context, options)));

  program
    .command("compare")
    .description("the live color against the other one: version step, image, commit, schema, env, secret names (what a promote changes)")
    .argument("<service>")
    .action((service: string) => run((context) => showComparison(context, service)));

  program
    .command("history")
    .description("the service's versions and weights over time, from the stack history")
    .argument("<service>")
    .action((service: string) => run((context) => showHistory(context, service)));

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
    const options = program.opts<GlobalOptions>();
    const reporter = createReporter(options.json);
    const interrupts = new Interrupts();
    const stopListening = interrupts.listen((signal) => reporter.line(`\n${signal}: stopping gracefully; pulumi finishes or cancels what it is doing`));
    try {
      exitCode = await command({ options, reporter, interrupts, openStack: () => openStack(options) });
    } catch (error) {
      exitCode = reporter.failure(error, interrupts.exitCode);
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
