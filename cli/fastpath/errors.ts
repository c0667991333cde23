/**
 * Traffic moved on the cluster, but the stack does not record it: the stack
 * file or the update failed. Its own exit code, because the cluster is
 * already safe and what is left is bookkeeping a person must finish.
 */
export class RecordFailedError extends Error {
  override name = "RecordFailedError";
}
