import * as fs from "node:fs";
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import type { ServiceConfig } from "../model/config/settings";
import { PROJECT_ROOT } from "../dev/lib/toolchain";
import { createReporter, EXIT, type Reporter } from "./context/output";
import { applyEdit, applyEditNow, checkEdit } from "./edits/apply";
import { canaryEdit, deployEdit, findService, promoteEdit, rollbackEdit, type DeployOptions, type ReleaseEdit } from "./edits/releaseEdits";
import { runRolloutCommand, type RolloutOptions } from "./commands/rollout";
import { StackSession } from "./pulumi/session";
import { showComparison, showHistory, showStatus } from "./commands/reports";

/** Options every command shares. */
export interface GlobalOptions {
  readonly stack: string;
  readonly cwd: string;
  readonly yes: boolean;
  readonly json: boolean;
}

interface DryRunOption {
  readonly dryRun: boolean;
}

/** The nearest folder at or above the working directory holding Pulumi.yaml; the package's own project otherwise. */
function defaultProjectDir(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return PROJECT_ROOT;
  }
}

function percentArgument(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 100) {
    throw new InvalidArgumentError(`got "${value}"; allowed: an integer percentage from 0 to 100`);
  }
  return Number(value);
}

function envAssignment(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (match === null) throw new InvalidArgumentError(`got "${value}"; allowed: NAME=VALUE, e.g. FEATURE_NEW_CART=true`);
  return { ...previous, [match[1]!]: match[2]! };
}

/** deploy, canary, promote and rollback: validate, show the traffic diff and the preview, confirm, `pulumi up`. */
async function release(
  global: GlobalOptions,
  reporter: Reporter,
  serviceName: string,
  options: DryRunOption,
  build: (service: ServiceConfig) => ReleaseEdit,
): Promise<number> {
  const session = await StackSession.open(global.cwd, global.stack);
  const current = await session.readConfig();
  const checked = checkEdit(current, build(findService(current.config, serviceName)));
  reporter.line(`${checked.edit.summary} (stack ${global.stack})`);
  for (const line of checked.diff) reporter.line(`  ${line}`);
  if (global.yes && !options.dryRun) {
    // Nobody reviews a preview that --yes would accept: a rollback under pressure goes straight to `up`, which lists its changes.
    const changes = await applyEditNow(session, checked, reporter.progress);
    reporter.result({ command: checked.edit.summary, stack: global.stack, diff: checked.diff, applied: true, changes });
    return EXIT.ok;
  }
  const outcome = await applyEdit(session, checked, {
    confirm: async (steps) => {
      reporter.line(steps.length === 0 ? "preview: no resource changes" : "preview:");
      for (const step of steps) reporter.line(`  ${step.op} ${step.type} ${step.name}`);
      if (options.dryRun) return false;
      return reporter.confirm(false, `apply to stack ${global.stack}?`);
    },
    onOutput: reporter.progress,
  });
  reporter.result({ command: checked.edit.summary, stack: global.stack, diff: checked.diff, ...outcome });
  if (!outcome.applied) reporter.line(options.dryRun ? "dry run: nothing was changed" : "not confirmed: nothing was changed");
  return EXIT.ok;
}

function buildProgram(run: (action: (reporter: Reporter) => Promise<number>) => Promise<void>): Command {
  const program = new Command("switchyard")
    .description("Blue/green and canary releases driven by Pulumi stack config: each command is a config change followed by pulumi up.")
    .addOption(new Option("-s, --stack <name>", "the stack to operate on").default("dev"))
    .addOption(new Option("-C, --cwd <dir>", "the switchyard project folder").default(defaultProjectDir(), "the folder holding Pulumi.yaml"))
    .option("-y, --yes", "apply without asking for confirmation", false)
    .option("--json", "print one JSON document on stdout (progress goes to stderr)", false)
    .showHelpAfterError()
    // Before the subcommands are added, so they inherit it: parse errors come back as exceptions, not process.exit.
    .exitOverride()
    .addHelpText(
      "after",
      `\nExit codes: ${EXIT.ok} done, ${EXIT.failed} an update or a tool failed, ${EXIT.invalid} invalid input or stack config (nothing changed),\n` +
        `${EXIT.rolledBack} rollout failed its analysis and was rolled back, ${EXIT.halted} rollout halted without promoting, ${EXIT.interrupted} interrupted.`,
    );
  const global = () => program.opts<GlobalOptions>();

  program
    .command("status")
    .description("one row per service: live color, weights, versions, ready/desired pods per color")
    .action(() => run((reporter) => showStatus(global(), reporter)));

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
      run((reporter) => release(global(), reporter, service, options, (config) => deployEdit(config, version, options))),
    );

  program
    .command("canary")
    .description("send a percentage of traffic to the idle color")
    .argument("<service>")
    .argument("<percent>", "integer 0..100", percentArgument)
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, percent: number, options: DryRunOption) =>
      run((reporter) => release(global(), reporter, service, options, (config) => canaryEdit(config, percent))),
    );

  program
    .command("promote")
    .description("make the idle color live with all traffic; the old live color stays as the warm standby")
    .argument("<service>")
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, options: DryRunOption) => run((reporter) => release(global(), reporter, service, options, promoteEdit)));

  program
    .command("rollback")
    .description("stop a running canary, or send all traffic back to the previous (warm) color")
    .argument("<service>")
    .option("--dry-run", "stop after the preview", false)
    .action((service: string, options: DryRunOption) => run((reporter) => release(global(), reporter, service, options, rollbackEdit)));

  program
    .command("rollout")
    .description("walk the canary through steps, judging each with Prometheus; promote on success, roll back on failure")
    .argument("<service>")
    .option("--steps <weights>", "canary weights to walk through", "5,25,50,100")
    .option("--interval <duration>", "time at each step before it is judged, e.g. 2m", "2m")
    .option("--dry-run", "print the plan and stop", false)
    .action((service: string, options: RolloutOptions) => run((reporter) => runRolloutCommand(global(), reporter, service, options)));

  program
    .command("compare")
    .description("the live color against the other one: version step, image, commit, schema, env, secret names (what a promote changes)")
    .argument("<service>")
    .action((service: string) => run((reporter) => showComparison(global(), reporter, service)));

  program
    .command("history")
    .description("the service's versions and weights over time, from the stack history")
    .argument("<service>")
    .action((service: string) => run((reporter) => showHistory(global(), reporter, service)));

  return program;
}

/** Runs the command line; resolves with the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(async (action) => {
    const reporter = createReporter(program.opts<GlobalOptions>().json);
    try {
      exitCode = await action(reporter);
    } catch (error) {
      exitCode = reporter.failure(error);
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
