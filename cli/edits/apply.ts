import { parseStackConfig } from "../../model/config/parse";
import type { StackConfig } from "../../model/config/settings";
import { applyChanges, findService, type ReleaseEdit } from "./releaseEdits";
import type { CurrentConfig, PlannedStep, StackSession } from "../pulumi/session";
import { trafficDiff } from "./trafficDiff";

/** A release edit checked against the program's rules, with what it would do to traffic. */
export interface CheckedEdit {
  readonly edit: ReleaseEdit;
  /** The stack config after the edit, parsed and validated. */
  readonly next: StackConfig;
  readonly diff: readonly string[];
}

/** Validates an edit with the program's parser before anything is written; a ConfigError names every bad key. */
export function checkEdit(current: CurrentConfig, edit: ReleaseEdit): CheckedEdit {
  const next = parseStackConfig(applyChanges(current.raw, edit.changes), current.context);
  const diff = trafficDiff(findService(current.config, edit.service), findService(next, edit.service));
  return { edit, next, diff };
}

export interface ApplyHooks {
  /** Called with the resources the update will change; return false to stop before anything is written. */
  readonly confirm?: (steps: readonly PlannedStep[]) => Promise<boolean>;
  readonly onOutput?: (text: string) => void;
}

export type ApplyOutcome =
  | { readonly applied: false; readonly steps: readonly PlannedStep[] }
  | { readonly applied: true; readonly steps: readonly PlannedStep[]; readonly changes: Record<string, number> };

/**
 * Stages the edit in a copy of the stack file, previews it, and only after
 * confirmation writes the stack file and runs `pulumi up`: a refused or
 * failed preview leaves the stack file as it was.
 */
export async function applyEdit(session: StackSession, checked: CheckedEdit, hooks: ApplyHooks = {}): Promise<ApplyOutcome> {
  const staged = session.stage(checked.edit.changes);
  try {
    const steps = await session.preview(staged);
    if (hooks.confirm !== undefined && !(await hooks.confirm(steps))) return { applied: false, steps };
    session.commitStaged(staged);
    const changes = await session.up(checked.edit.summary, hooks.onOutput);
    return { applied: true, steps, changes };
  } finally {
    session.discardStaged(staged);
  }
}

/** Writes the edit and runs `pulumi up` without a separate preview: for rollout steps already confirmed as a plan. */
export async function applyEditNow(session: StackSession, checked: CheckedEdit, onOutput?: (text: string) => void): Promise<Record<string, number>> {
  const staged = session.stage(checked.edit.changes);
  session.commitStaged(staged);
  return session.up(checked.edit.summary, onOutput);
}
