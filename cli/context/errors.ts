import { ConfigError } from "../../model/config/problems";
import { StaleStackFileError } from "../edits/staleness";
import { PolicyViolationError } from "../pulumi/errors";
import { RecordFailedError } from "../fastpath/errors";

/** Exit codes of every command; CI scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** An update, Prometheus or another tool failed. */
  failed: 1,
  /** Bad arguments or stack config: nothing was changed. */
  invalid: 2,
  /** A rollout's canary failed its analysis and was set back to 0. */
  rolledBack: 3,
  /** A rollout could not judge the canary and stopped without promoting. */
  halted: 4,
  /** Traffic moved on the API server, but recording it in the stack (stack file, pulumi up) failed: the message says what to run. */
  unrecorded: 5,
  /** Ctrl-C (128 + SIGINT). */
  interrupted: 130,
  /** SIGTERM, e.g. a cancelled CI job (128 + SIGTERM). */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command used wrongly (a bad argument, no terminal to confirm on): said as is, nothing was changed. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The exit code an error means. Bad input, whether on the command line
 * (UsageError), in the stack config (ConfigError) or against the policy pack
 * (PolicyViolationError), or a stack file behind the backend
 * (StaleStackFileError), is `invalid`: it is found before anything is
 * written. Traffic moved but not recorded (RecordFailedError) is
 * `unrecorded`. Anything else failed along the way.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof RecordFailedError) return EXIT.unrecorded;
  const invalid =
    error instanceof ConfigError || error instanceof UsageError || error instanceof PolicyViolationError || error instanceof StaleStackFileError;
  return invalid ? EXIT.invalid : EXIT.failed;
}
