import type { StackSession } from "../pulumi/session";
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
}

/** What a command runs with: the shared options, where its words go, and the stack they name. */
export interface CommandContext {
  readonly options: GlobalOptions;
  readonly reporter: Reporter;
  /** Ctrl-C and SIGTERM: pass `interrupts.cancelPulumi` to every preview and update. */
  readonly interrupts: Interrupts;
  /** Opens `--stack` of the project at `--cwd` with the Pulumi environment chosen where the command started. */
  openStack(): Promise<StackSession>;
}
