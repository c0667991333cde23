/**
 * Traffic moved on the cluster, but the stack does not record it: the stack
 * file or the update failed. Its own exit code, because the cluster is
 * already safe and what is left is bookkeeping a person must finish.
 */
export class RecordFailedError extends Error {
  override name = "RecordFailedError";
}

/**
 * Some VirtualServices of a many-service move were applied and others were
 * not; the stack file was not written. Unrecorded, like a failed record:
 * the cluster holds a mix a person must finish.
 */
export class PartialMoveError extends RecordFailedError {
  override name = "PartialMoveError";
  constructor(
    readonly moved: readonly { readonly service: string; readonly split: string; readonly safeAtSeconds: number }[],
    readonly failures: readonly Error[],
  ) {
    super(
      `traffic moved for ${moved.map((m) => `${m.service} (${m.split} at +${m.safeAtSeconds.toFixed(2)} s)`).join(", ")}, ` +
        `but not for the rest:\n${failures.map((failure) => `  ${failure.message}`).join("\n")}\n` +
        `the stack file was not written: a pulumi up of it as it is would move the moved services back`,
    );
  }
}
