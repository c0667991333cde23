import * as os from "node:os";
import { UpdateFailedError } from "./errors";

/** Who holds a stack lock, as `pulumi` reports it: `created by ann@laptop (pid 26385) at 2026-11-30T16:08:20Z`. */
export interface LockHolder {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly since: string;
}

const HOLDER = /created by (\S+)@(\S+) \(pid (\d+)\) at (\S+)/g;

/** The holders of the lock an update failed on; none when it did not fail on a lock. */
export function lockHolders(pulumiSaid: string): LockHolder[] {
  if (!/currently locked/.test(pulumiSaid)) return [];
  return [...pulumiSaid.matchAll(HOLDER)].map(([, user, host, pid, since]) => ({ user: user!, host: host!, pid: Number(pid), since: since! }));
}

/**
 * Whether an update failed in pulumi's own lock check on a lock that was gone
 * by the time pulumi read it: another update of the stack took or released
 * the lock at that instant. Two updates starting together each write a lock
 * and see the other's; the one that gives up deletes its lock while the other
 * reads it. Pulumi's DIY backend (pkg/backend/diy/lock.go, checkForLock)
 * lists the locks, then returns the read's error bare, with the bucket's
 * error code as a second error:
 *
 *     error: 2 errors occurred:
 *         1) key not found: sql: no rows in result set           (PostgreSQL)
 *         1) stat …/.pulumi/locks/…/x.json: no such file or directory   (file)
 *         2) NotFound
 *
 * Only a read of something listed a moment before fails that way before an
 * update changes anything.
 */
export function lockReleasedWhileRead(pulumiSaid: string): boolean {
  return /^\s*\d+\) NotFound$/m.test(pulumiSaid);
}

/** Whether an update failed on a lock released as pulumi read it (lockReleasedWhileRead), before changing anything. */
export function failedOnReleasedLock(error: unknown): boolean {
  return error instanceof UpdateFailedError && !error.changedAnything && lockReleasedWhileRead(error.message);
}

/**
 * Whether an update may still be running under this lock: true unless its
 * process was on this machine and is gone (killed, lost terminal), which
 * leaves a lock nothing will release but `pulumi cancel`.
 */
export function mayBeRunning(holder: LockHolder, hostname = os.hostname(), alive = processAlive): boolean {
  return holder.host !== hostname || alive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function describeHolder(holder: LockHolder): string {
  return `${holder.user}@${holder.host}, pid ${holder.pid}, since ${holder.since}`;
}
