import { createHash } from "node:crypto";
import { canonical } from "./weightMove";

/**
 * The check that closes the stale-clone guard's gap. The guard reads the
 * stack's history before `pulumi up` takes the stack lock, so an update
 * recorded in between went unseen and the later command overwrote it. The
 * command now says which recorded release state it checked, and the program,
 * which runs inside the update's lock, compares it with what the previous
 * update really recorded before it declares anything.
 */

/** Set by the command for its previews and updates; `pulumi up` by hand leaves it unset and is not checked. */
export const EXPECTED_RECORD_ENV = "SWITCHYARD_EXPECTED_RECORD";

/** The words the program's refusal carries, by which the command knows it from other failures. */
export const RECORDED_MEANWHILE = "was updated by someone else after this command checked it";

/** Stands for a stack no update has recorded `services` in yet. */
const NOTHING_RECORDED = "none";

/** A short digest of the `services` stack output as recorded (any JSON value, or undefined). */
export function recordFingerprint(services: unknown): string {
  if (services === undefined || services === null) return NOTHING_RECORDED;
  return createHash("sha256").update(canonical(services)).digest("hex").slice(0, 16);
}

/**
 * Why the update must not go on, or undefined when it may: the command
 * checked one recorded state and the previous update recorded another,
 * so someone's update landed after the command's check.
 */
export function recordedMeanwhile(expected: string | undefined, previousServices: unknown, stack: string): string | undefined {
  if (expected === undefined || expected === "") return undefined;
  const found = recordFingerprint(previousServices);
  if (found === expected) return undefined;
  return (
    `stack ${stack} ${RECORDED_MEANWHILE} (recorded services ${found}, checked ${expected}); ` +
    `nothing was changed. Pull the latest stack file and run the command again`
  );
}
