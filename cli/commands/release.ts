import type { ServiceConfig } from "../../model/config/settings";
import { EXIT } from "../context/errors";
import type { CommandContext } from "../context/options";
import { applyEdit, applyEditNow, checkEdit } from "../edits/apply";
import { findService, type ReleaseEdit } from "../edits/releaseEdits";
import { formatFinding, type PolicyFinding } from "../pulumi/errors";
import { FastPath } from "./fastPath";
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
