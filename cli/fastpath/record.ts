import { configCommand, type RunOptions, type StackSession, type UpdateResult } from "../pulumi/session";
import type { CheckedEdit } from "../edits/apply";
import { RECORDED_MEANWHILE } from "../../model/recordedState";
import { StaleStackFileError } from "../edits/staleness";
import { UpdateFailedError } from "../pulumi/errors";
import { failedOnReleasedLock, lockHolders, mayBeRunning, type LockHolder } from "../pulumi/locks";
import { RecordFailedError } from "./errors";
import { movedAt, type TrafficMoved } from "./moved";

export interface RecordOptions extends RunOptions {
  /**
   * The stale-clone check, run again after waiting for another update (which
   * may have been someone else's): throws when the backend now holds newer
   * values than this clone's stack file. The caller ran it before the move.
   */
  readonly recheck: () => Promise<void>;
  /** How long to wait for an update that holds the stack lock to end; 0 gives up at once. */
  readonly lockTimeoutMs: number;
  /** Told once when the record waits for another update: the holders of its lock, none when that lock was released as pulumi read it. */
  readonly onWaiting: (holders: readonly LockHolder[]) => void;
}

/** How often a record waiting for the stack lock tries again. */
const LOCK_RETRY_MS = 2000;

/**
 * Writes the edit into the stack file and runs `pulumi up` to record a move
 * the API server already made; that update writes the same VirtualServices
 * with the same field manager, so the cluster does not change. Unlike a
 * normal edit, a failed record never puts the stack file back: the old config
 * would move traffic back on the next `pulumi up`.
 */
export async function recordMove(session: StackSession, checked: CheckedEdit, moved: readonly TrafficMoved[], options: RecordOptions): Promise<UpdateResult> {
  const file = `Pulumi.${session.stackName}.yaml`;
  const head = `traffic moved at ${movedAt(moved)}, but the stack did not record it`;
  const staged = (() => {
    try {
      return session.stage(checked.changes);
    } catch (error) {
      throw new RecordFailedError(`${head}: ${message(error)}\n${file} was not written. ${reapply(session, checked)}`);
    }
  })();
  try {
    session.commitStaged(staged);
  } catch (error) {
    throw new RecordFailedError(`${head}: ${message(error)}\n${reapply(session, checked)}`);
  } finally {
    session.discardStaged(staged);
  }
  const notRecorded = (error: unknown) =>
    new RecordFailedError(
      `${head}: ${message(error)}\n` +
        `${file} holds the new config (${checked.summary}), which is what the cluster runs; do not revert it: an update of the old config would move traffic back.\n` +
        `To record it, run: ${session.upCommand()}\nIt changes nothing on the cluster (the VirtualService already holds these weights).`,
    );
  const deadline = Date.now() + options.lockTimeoutMs;
  let told = false;
  for (;;) {
    try {
      return await session.up(checked.summary, options);
    } catch (error) {
      const failedBeforeChanging = error instanceof UpdateFailedError && !error.changedAnything;
      const running = failedBeforeChanging ? lockHolders(error.message).filter((holder) => mayBeRunning(holder)) : [];
      // Another update started or ended at the same instant: the next attempt meets it (or its record) for real.
      const releasedWhileRead = failedOnReleasedLock(error);
      // The update waited for may end between the check below (which pins what the stack recorded) and this attempt:
      // the program then refuses the record as "updated meanwhile" (StackSession.up throws it as a StaleStackFileError,
      // nothing changed); checking again sees that update.
      const landedSinceCheck = told && error instanceof StaleStackFileError && error.message.includes(RECORDED_MEANWHILE);
      if ((running.length === 0 && !releasedWhileRead && !landedSinceCheck) || Date.now() >= deadline || options.signal?.aborted) throw notRecorded(error);
      if (!told) options.onWaiting(running);
      told = true;
      if (!landedSinceCheck) await pause(LOCK_RETRY_MS, options.signal);
      if (options.signal?.aborted) throw notRecorded(error);
    }
    try {
      await options.recheck();
    } catch (error) {
      throw notRecorded(error);
    }
  }
}

/** The stack file does not hold the move: the exact `pulumi config` commands that put it there, then the update. */
function reapply(session: StackSession, checked: CheckedEdit): string {
  const commands = checked.changes.map((change) => `pulumi ${configCommand(change, ["--stack", session.stackName]).args.join(" ")}`);
  return (
    `A pulumi up of the stack file as it is would move traffic back. Put the move into it and record it:\n` +
    [...commands, session.upCommand()].map((command) => `  ${command}`).join("\n")
  );
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
