import { backendAhead, describeStaleKeys, leafValues, StaleStackFileError, type RecordedUpdate } from "../edits/staleness";
import type { CommandContext } from "../context/options";
import type { CurrentConfig, StackSession } from "../pulumi/session";
import { readSyncPoint, recordSyncPoint } from "../pulumi/syncPoint";

/** Updates of the history the guard reads: a key whose old value is further back counts as an edit not yet applied. */
const HISTORY_DEPTH = 50;

/** The stack history the guard needs, read while the command reads the stack config: two `pulumi` runs at once, not one after the other. */
export function readHistoryForGuard(session: StackSession): Promise<RecordedUpdate[]> {
  // In this order: an update that lands after the history was read changes the pinned state and is refused inside its lock.
  const history = session.pinRecordedState().then(() => session.recentUpdates(HISTORY_DEPTH));
  // Awaited later, or never (a dry run): a failure is reported by whoever awaits it.
  history.catch(() => undefined);
  return history;
}

/**
 * Before a command changes anything: refuses when the backend holds newer
 * values than this clone's stack file (someone else released since this
 * clone was last pulled). `--allow-stale` overrides, saying what it overwrites.
 */
export async function refuseIfBackendAhead(context: CommandContext, session: StackSession, current: CurrentConfig, history: Promise<RecordedUpdate[]>): Promise<void> {
  const updates = await history;
  const stale = backendAhead(updates, leafValues(current.values), readSyncPoint(session.projectDir, session.stackName));
  const newest = updates[0]?.startTime;
  if (stale.length === 0) {
    if (newest !== undefined) recordSyncPoint(session.projectDir, session.stackName, newest);
    return;
  }
  const keys = describeStaleKeys(stale);
  const file = `Pulumi.${session.stackName}.yaml`;
  if (context.options.allowStale) {
    context.reporter.line(`--allow-stale: overwriting what the backend holds for stack ${session.stackName} with this ${file}:\n${keys}`);
    if (newest !== undefined) recordSyncPoint(session.projectDir, session.stackName, newest);
    return;
  }
  throw new StaleStackFileError(
    `the backend is ahead of this clone's ${file}: someone else changed stack ${session.stackName} since this file was last pulled:\n${keys}\n` +
      `pull the latest ${file} (git pull) and run the command again; --allow-stale overwrites the backend's values with this file's`,
  );
}

/** The guard as the fast path's record runs it again after waiting for another update: with a fresh read of the history. */
export function recheckAfterWaiting(context: CommandContext, session: StackSession, current: CurrentConfig): () => Promise<void> {
  return () => refuseIfBackendAhead(context, session, current, readHistoryForGuard(session));
}
