import type { ServiceConfig } from "../../model/config/settings";
import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { applyEdit, applyEditNow, checkEdit, type CheckedEdit } from "../edits/apply";
import { findService, type ReleaseEdit } from "../edits/releaseEdits";
import type { TrafficMoved } from "../fastpath/move";
import { formatFinding, type PolicyFinding } from "../pulumi/errors";
import type { CurrentConfig, RunOptions, StackSession } from "../pulumi/session";
import { readHistoryForGuard, refuseIfBackendAhead } from "./staleGuard";

export interface DryRunOption {
  readonly dryRun: boolean;
}

/**
 * deploy, canary, promote and rollback: validate the edit `build` makes,
 * show the traffic diff and the preview, confirm, `pulumi up`. An edit that
 * moves only weights goes to the API server first and is recorded after
 * (the fast path; `--no-fast-path` turns it off).
 */
export async function runReleaseCommand(
  context: CommandContext,
  serviceName: string,
  options: DryRunOption,
  build: (service: ServiceConfig) => ReleaseEdit,
): Promise<number> {
  const { options: global, reporter, interrupts } = context;
  const run = {
    onOutput: reporter.progress,
    signal: interrupts.cancelPulumi,
    onAdvisory: (finding: PolicyFinding) => reporter.line(`warning: ${formatFinding(finding)}`),
  };
  // Load the Kubernetes client while pulumi reads the stack: it costs about half a second, which would otherwise delay the move.
  const fastPathModule = global.fastPath && !options.dryRun ? import("../fastpath/move") : undefined;
  fastPathModule?.catch(() => undefined);
  const session = await context.openStack();
  const history = options.dryRun ? undefined : readHistoryForGuard(session);
  const current = await session.readConfig();
  const checked = checkEdit(current, build(findService(current.config, serviceName)));
  if (history !== undefined) await refuseIfBackendAhead(context, session, current, history);
  reporter.line(`${checked.edit.summary} (stack ${global.stack})`);
  for (const line of checked.diff) reporter.line(`  ${line}`);
  const fast = fastPathModule === undefined ? undefined : new FastPath(context, session, current, checked, run, fastPathModule);
  if (global.yes && !options.dryRun) {
    // Nobody reviews a preview that --yes would accept: a rollback under pressure goes straight to the API server or to `up`, which lists its changes.
    const changes = (await fast?.apply()) ?? (await applyEditNow(session, checked, run));
    reporter.result({ command: checked.edit.summary, stack: global.stack, diff: checked.diff, applied: true, changes, ...fast?.times() });
    return EXIT.ok;
  }
  const outcome = await applyEdit(session, checked, {
    ...run,
    confirm: async (steps) => {
      reporter.line(steps.length === 0 ? "preview: no resource changes" : "preview:");
      for (const step of steps) reporter.line(`  ${step.op} ${step.type} ${step.name}`);
      if (options.dryRun) return false;
      return reporter.confirm(false, `apply to stack ${global.stack}?`);
    },
    ...(fast === undefined ? {} : { takeOver: () => fast.apply() }),
  });
  reporter.result({ command: checked.edit.summary, stack: global.stack, diff: checked.diff, ...outcome, ...fast?.times() });
  if (!outcome.applied) reporter.line(options.dryRun ? "dry run: nothing was changed" : "not confirmed: nothing was changed");
  return EXIT.ok;
}

/** The fast path of one edit: move on the API server, say so at once, then record with `pulumi up`. */
class FastPath {
  private moved?: TrafficMoved;
  private recordedAtSeconds?: number;

  constructor(
    private readonly context: CommandContext,
    private readonly session: StackSession,
    private readonly current: CurrentConfig,
    private readonly checked: CheckedEdit,
    private readonly run: RunOptions,
    private readonly module: Promise<typeof import("../fastpath/move")>,
  ) {}

  /** The update's changes when traffic moved first and was recorded; undefined when the plain path must run (the reason is said). */
  async apply(): Promise<Record<string, number> | undefined> {
    const { reporter } = this.context;
    const { moveTrafficFirst } = await this.module;
    const outcome = await moveTrafficFirst({
      current: this.current,
      checked: this.checked,
      projectDir: this.session.projectDir,
      ...(this.session.policyConfigFile === undefined ? {} : { policyConfigFile: this.session.policyConfigFile }),
    });
    if ("skipped" in outcome) {
      if (outcome.movesTraffic) reporter.line(`fast path not taken: ${outcome.skipped}; pulumi up moves traffic once the colors are ready`);
      return undefined;
    }
    this.moved = outcome.moved;
    reporter.line(`${this.safeLine()}; recording it with pulumi up`);
    const { recordMove } = await import("../fastpath/record");
    const changes = await recordMove(this.session, this.checked, outcome.moved, this.run);
    this.recordedAtSeconds = process.uptime();
    reporter.line(`${this.safeLine()}; recorded as update at +${this.recordedAtSeconds.toFixed(1)} s`);
    return changes;
  }

  private safeLine(): string {
    const moved = this.moved!;
    return `${moved.service}: ${moved.split} at +${moved.safeAtSeconds.toFixed(2)} s (VirtualService ${moved.object})`;
  }

  /** For --json: when traffic was safe and when it was recorded, or that the fast path was not taken. */
  times(): Record<string, unknown> {
    if (this.moved === undefined) return { fastPath: false };
    return { fastPath: true, virtualService: this.moved.object, safeAtSeconds: round(this.moved.safeAtSeconds), recordedAtSeconds: round(this.recordedAtSeconds!) };
  }
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
