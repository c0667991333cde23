import type { PolicyCheck, StackSession } from "../pulumi/session";
import type { Reporter } from "./output";
import type { Interrupts } from "./signals";

/** Options every command shares. */
export interface GlobalOptions {
  readonly stack: string;
  readonly cwd: string;
  readonly yes: boolean;
  readonly json: boolean;
  /** `--pulumi PATH`: the operator's pulumi CLI. */
  readonly pulumi?: string;
  /** `--allow-stale`: apply this clone's stack file even where the backend holds newer values. */
  readonly allowStale: boolean;
  /** `--no-fast-path` makes it false: a weight-only edit is written to the stack file and applied by `pulumi up`, like any other. */
  readonly fastPath: boolean;
  /** `--lock-timeout`: how long the fast path's record waits for another running update of the stack to end. */
  readonly lockTimeoutMs: number;
}

/** What a command runs with: the shared options, where its words go, and the stack they name. */
export interface CommandContext {
  readonly options: GlobalOptions;
  readonly reporter: Reporter;
  /** Ctrl-C and SIGTERM: pass `interrupts.cancelPulumi` to every preview and update. */
  readonly interrupts: Interrupts;
  /** The policy pack every preview and update runs, and the stack's config of it. */
  readonly policy: PolicyCheck;
  /**
   * Checks, without starting `pulumi`, what would stop it from recording a
   * change (a missing CLI or secrets passphrase): the fast path runs this
   * before it moves traffic.
   */
  checkPulumi(): Promise<void>;
  /** Opens `--stack` of the project at `--cwd` with the Pulumi environment chosen where the command started. */
  openStack(): Promise<StackSession>;
}
