import { parseStackConfig } from "../../model/config/parse";
import type { StackConfig } from "../../model/config/settings";
import { PolicyViolationError, UpdateFailedError } from "../pulumi/errors";
import { StaleStackFileError } from "./staleness";
import { failedOnReleasedLock } from "../pulumi/locks";
import type { CurrentConfig, PlannedStep, RunOptions, StackSession, UpdateResult } from "../pulumi/session";
import { applyChanges, findService, type ConfigChange, type ReleaseEdit } from "./releaseEdits";
import { trafficDiff } from "./trafficDiff";

/** Release edits of one command (one service, or several moved together) checked against the program's rules, with what they do to traffic. */
export interface CheckedEdit {
  /** One edit per service, in the order the operator named them. */
  readonly edits: readonly ReleaseEdit[];
  /** For the operator and the update message: the edits' summaries, joined. */
  readonly summary: string;
  readonly changes: readonly ConfigChange[];
  /** The stack config after the edits, parsed and validated. */
  readonly next: StackConfig;
  readonly diff: readonly string[];
}

/** Validates edits with the program's parser before anything is written; a ConfigError names every bad key. */
export function checkEdits(current: Pick<CurrentConfig, "raw" | "context" | "config">, edits: readonly ReleaseEdit[]): CheckedEdit {
  const changes = edits.flatMap((edit) => edit.changes);
  const next = parseStackConfig(applyChanges(current.raw, changes), current.context);
  const diff = edits.flatMap((edit) => trafficDiff(findService(current.config, edit.service), findService(next, edit.service)));
  return { edits, summary: edits.map((edit) => edit.summary).join("; "), changes, next, diff };
}

export function checkEdit(current: Pick<CurrentConfig, "raw" | "context" | "config">, edit: ReleaseEdit): CheckedEdit {
  return checkEdits(current, [edit]);
}

export interface ApplyHooks extends RunOptions {
  /** Called with the resources the update will change; return false to stop before anything is written. */
  readonly confirm?: (steps: readonly PlannedStep[]) => Promise<boolean>;
  /**
   * Called after confirmation, before the stack file is written: it may apply
   * the edit another way (the fast path moves traffic, then records it) and
   * return the update's changes, or return undefined for the plain path.
   */
  readonly takeOver?: () => Promise<Record<string, number> | undefined>;
}

export type ApplyOutcome =
  | { readonly applied: false; readonly steps: readonly PlannedStep[] }
  | { readonly applied: true; readonly steps: readonly PlannedStep[]; readonly changes: Record<string, number> };

/**
 * Stages the edit in a copy of the stack file, previews it with the policy
 * pack, and only after confirmation writes the stack file (if nobody changed
 * it meanwhile) and runs `pulumi up`: a refused or failed preview leaves the
 * stack file as it was.
 */
export async function applyEdit(session: StackSession, checked: CheckedEdit, hooks: ApplyHooks = {}): Promise<ApplyOutcome> {
  const staged = session.stage(checked.changes);
  try {
    const steps = await session.preview(staged, hooks);
    if (hooks.confirm !== undefined && !(await hooks.confirm(steps))) return { applied: false, steps };
    const taken = await hooks.takeOver?.();
    if (taken !== undefined) return { applied: true, steps, changes: taken };
    session.commitStaged(staged);
    const changes = await upOrRestore(session, checked, hooks);
    return { applied: true, steps, changes };
  } finally {
    session.discardStaged(staged);
  }
}

/** Writes the edit and runs `pulumi up` without a separate preview: for `--yes` and rollout steps already confirmed as a plan. */
export async function applyEditNow(session: StackSession, checked: CheckedEdit, options: RunOptions = {}): Promise<Record<string, number>> {
  const staged = session.stage(checked.changes);
  try {
    session.commitStaged(staged);
  } finally {
    session.discardStaged(staged);
  }
  return upOrRestore(session, checked, options);
}

/**
 * `pulumi up` for a written edit. When the update failed before changing
 * anything (the stack was locked, the policy pack refused, it was cancelled
 * at once), the stack file goes back as it was, so no later `up` applies a
 * change its command reported as failed.
 */
async function upOrRestore(session: StackSession, checked: CheckedEdit, options: RunOptions): Promise<Record<string, number>> {
  try {
    return (await upMeetingLockRaceOnce(session, checked.summary, options)).changes;
  } catch (error) {
    const changedAnything = error instanceof UpdateFailedError && error.changedAnything;
    if (changedAnything) throw new UpdateFailedError(`${(error as Error).message}\n${leftAfterPartialUpdate(session, checked)}`, true);
    const restored = session.restoreStackFile();
    const file = `Pulumi.${session.stackName}.yaml`;
    const note = restored
      ? `nothing was changed, and ${file} is back as it was`
      : `nothing was changed; ${file} was edited by someone else meanwhile and was left as they wrote it`;
    if (error instanceof PolicyViolationError) throw new PolicyViolationError(error.findings, note);
    if (error instanceof UpdateFailedError) throw new UpdateFailedError(`${error.message}\n${note}`, false);
    if (error instanceof StaleStackFileError) throw new StaleStackFileError(`${error.message}\n${note}`);
    throw error;
  }
}

/**
 * `pulumi up`, once more at once when pulumi's lock check read the lock of an
 * update starting or ending at that instant: the second attempt meets that
 * update for real, still holding the lock (refused, naming its holder),
 * landed (the program's stale-clone guard refuses) or gone (it runs).
 */
async function upMeetingLockRaceOnce(session: StackSession, message: string, options: RunOptions): Promise<UpdateResult> {
  try {
    return await session.up(message, options);
  } catch (error) {
    if (!failedOnReleasedLock(error) || options.signal?.aborted) throw error;
    return session.up(message, options);
  }
}

function leftAfterPartialUpdate(session: StackSession, checked: CheckedEdit): string {
  return (
    `the update changed some resources before it stopped; Pulumi.${session.stackName}.yaml holds the new config (${checked.summary}).\n` +
    `To finish it run the same command again (or pulumi up --stack ${session.stackName}); to undo it, revert the stack file's change and run pulumi up.`
  );
}
