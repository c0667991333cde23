import type { ServiceConfig } from "../../model/config/settings";
import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import type { Reporter } from "../context/output";
import { applyEdit, applyEditNow, type CheckedEdit } from "../edits/apply";
import type { ReleaseEdit } from "../edits/releaseEdits";
import { selectEdits, type ServiceSelection } from "../edits/selection";
import { formatFinding, type PolicyFinding } from "../pulumi/errors";
import type { RunOptions } from "../pulumi/session";
import { FastPath } from "./fastPath";
import { readHistoryForGuard, recheckAfterWaiting, refuseIfBackendAhead } from "./staleGuard";

export interface DryRunOption {
  readonly dryRun: boolean;
}

/** What one release verb does: its name for messages (`roll back`) and the edit it makes to one service. */
export interface ReleaseVerb {
  readonly verb: string;
  readonly build: (service: ServiceConfig) => ReleaseEdit;
}

/**
 * deploy, canary, promote and rollback: validate the edits, show the
 * traffic diff and the preview, confirm, `pulumi up`. Edits that move only
 * weights go to the API server first and are recorded after (the fast path;
 * `--no-fast-path` turns it off). With `--yes` the fast path reads the stack
 * file itself and starts no `pulumi` before traffic is safe.
 */
export async function runReleaseCommand(context: CommandContext, selection: ServiceSelection, options: DryRunOption, release: ReleaseVerb): Promise<number> {
  const { options: global, reporter, interrupts } = context;
  const run: RunOptions = {
    onOutput: reporter.progress,
    signal: interrupts.cancelPulumi,
    onAdvisory: (finding: PolicyFinding) => reporter.line(`warning: ${formatFinding(finding)}`),
  };
  const immediate = global.yes && !options.dryRun;
  let announced = false;
  if (immediate && global.fastPath) {
    const instant = await moveBeforeAnyPulumi(context, selection, release, run);
    if ("exitCode" in instant) return instant.exitCode;
    announced = instant.announced;
  }
  const session = await context.openStack();
  const history = options.dryRun ? undefined : readHistoryForGuard(session);
  const current = await session.readConfig();
  const { checked, skipped } = selectEdits(current, selection, release.verb, release.build);
  if (history !== undefined) await refuseIfBackendAhead(context, session, current, history);
  if (!announced) announce(reporter, checked, skipped, global.stack);
  // Tried already when the stack file alone decided (--yes): the reason it was not taken still holds.
  const fast = global.fastPath && !options.dryRun && !announced ? new FastPath(context, checked, current) : undefined;
  if (immediate) {
    const changes = (await fast?.move()) ? await fast!.record(session, run, recheckAfterWaiting(context, session, current)) : await applyEditNow(session, checked, run);
    reporter.result({ command: checked.summary, stack: global.stack, diff: checked.diff, skipped, applied: true, changes, ...fast?.times() });
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
    ...(fast === undefined ? {} : { takeOver: async () => ((await fast.move()) ? fast.record(session, run, recheckAfterWaiting(context, session, current)) : undefined) }),
  });
  reporter.result({ command: checked.summary, stack: global.stack, diff: checked.diff, skipped, ...outcome, ...fast?.times() });
  if (!outcome.applied) reporter.line(options.dryRun ? "dry run: nothing was changed" : "not confirmed: nothing was changed");
  return EXIT.ok;
}

/**
 * `--yes` on the fast path: reads the stack file itself, moves traffic on
 * the API server, and only then starts `pulumi` to record the move. Returns
 * the exit code when it did; otherwise whether it announced the edits (it
 * said why the fast path was not taken), or not (the stack file alone does
 * not hold the config: the fast path is tried again once `pulumi` read it).
 */
async function moveBeforeAnyPulumi(
  context: CommandContext,
  selection: ServiceSelection,
  release: ReleaseVerb,
  run: RunOptions,
): Promise<{ readonly exitCode: number } | { readonly announced: boolean }> {
  const { options: global, reporter } = context;
  const { readLocalConfig } = await import("../pulumi/localConfig");
  const local = readLocalConfig(global.cwd, global.stack);
  if ("unavailable" in local) {
    reporter.line(`reading the stack config through pulumi first: ${local.unavailable}`);
    return { announced: false };
  }
  const { checked, skipped } = selectEdits(local, selection, release.verb, release.build);
  // What would keep pulumi from recording the move is refused before the move, like any bad input.
  await context.checkPulumi();
  announce(reporter, checked, skipped, global.stack);
  const fast = new FastPath(context, checked, local);
  if (!(await fast.move())) return { announced: true };
  const changes = await fast.recordAfterReading(local.reading, run);
  reporter.result({ command: checked.summary, stack: global.stack, diff: checked.diff, skipped, applied: true, changes, ...fast.times() });
  return { exitCode: EXIT.ok };
}

function announce(reporter: Reporter, checked: CheckedEdit, skipped: readonly string[], stack: string): void {
  for (const edit of checked.edits) reporter.line(`${edit.summary} (stack ${stack})`);
  for (const line of skipped) reporter.line(`  skipped ${line}`);
  for (const line of checked.diff) reporter.line(`  ${line}`);
}
