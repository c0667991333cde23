import { configCommand, type StackSession, type RunOptions } from "../pulumi/session";
import type { CheckedEdit } from "../edits/apply";
import { RecordFailedError } from "./errors";
import type { TrafficMoved } from "./move";


/**
 * Writes the edit into the stack file and runs `pulumi up` to record a move
 * the API server already made; that update writes the same VirtualService
 * with the same field manager, so the cluster does not change. Unlike a
 * normal edit, a failed record never puts the stack file back: the old config
 * would move traffic back on the next `pulumi up`.
 */
export async function recordMove(session: StackSession, checked: CheckedEdit, moved: TrafficMoved, options: RunOptions): Promise<Record<string, number>> {
  const file = `Pulumi.${session.stackName}.yaml`;
  const head = `traffic moved at +${moved.safeAtSeconds.toFixed(2)} s (VirtualService ${moved.object}: ${moved.split}), but the stack did not record it`;
  const staged = (() => {
    try {
      return session.stage(checked.edit.changes);
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
  try {
    return await session.up(checked.edit.summary, options);
  } catch (error) {
    throw new RecordFailedError(
      `${head}: ${message(error)}\n` +
        `${file} holds the new config (${checked.edit.summary}), which is what the cluster runs; do not revert it: an update of the old config would move traffic back.\n` +
        `To record it, run: ${session.upCommand()}\nIt changes nothing on the cluster (the VirtualService already holds these weights).`,
    );
  }
}

/** The stack file does not hold the move: the exact `pulumi config` commands that put it there, then the update. */
function reapply(session: StackSession, checked: CheckedEdit): string {
  const commands = checked.edit.changes.map((change) => `pulumi ${configCommand(change, ["--stack", session.stackName]).args.join(" ")}`);
  return (
    `A pulumi up of the stack file as it is would move traffic back. Put the move into it and record it:\n` +
    [...commands, session.upCommand()].map((command) => `  ${command}`).join("\n")
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
