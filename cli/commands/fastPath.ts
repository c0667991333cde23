import type { CommandContext } from "../context/options";
import { kubeconfigSetting } from "../kube/kubeconfig";
import type { CheckedEdit } from "../edits/apply";
import { movedAt, type TrafficMoved } from "../fastpath/moved";
import { describeHolder, type LockHolder } from "../pulumi/locks";
import { RecordFailedError } from "../fastpath/errors";
import type { CurrentConfig, RunOptions, StackSession, UpdateResult } from "../pulumi/session";
import type { StackFileReading } from "../pulumi/stackFile";
import { readHistoryForGuard, recheckAfterWaiting, refuseIfBackendAhead } from "./staleGuard";

/** What the fast path needs of the config before the edit: the weights it compares the cluster with, and where the cluster is. */
export type ConfigBeforeEdit = Pick<CurrentConfig, "config" | "context" | "kubeconfig" | "kubeContext">;

/**
 * The fast path of one command's edits: move traffic on the API server, say
 * so at once, then record the move with `pulumi up`. The modules it loads
 * are imported here, when it runs: no command pays for them otherwise.
 */
export class FastPath {
  private moved?: readonly TrafficMoved[];
  private recorded?: { readonly atSeconds: number; readonly update: UpdateResult };

  constructor(
    private readonly context: CommandContext,
    private readonly checked: CheckedEdit,
    private readonly before: ConfigBeforeEdit,
  ) {}

  /** Moves traffic on the API server; false when the plain path must run (the reason is said). */
  async move(): Promise<boolean> {
    const { options, reporter, policy } = this.context;
    const { moveTrafficFirst } = await import("../fastpath/move");
    const outcome = await moveTrafficFirst({
      before: this.before.config,
      checked: this.checked,
      renderMode: this.before.context.renderMode,
      cluster: kubeconfigSetting(options.cwd, this.before),
      stackFile: `Pulumi.${options.stack}.yaml`,
      ...(policy.configFile === undefined ? {} : { policyConfigFile: policy.configFile }),
    });
    if ("skipped" in outcome) {
      if (outcome.movesTraffic) reporter.line(`fast path not taken: ${outcome.skipped}; pulumi up moves traffic once the colors are ready`);
      return false;
    }
    this.moved = outcome.moved;
    for (const moved of outcome.moved) reporter.line(`${safeLine(moved)}; recording it with pulumi up`);
    return true;
  }

  /**
   * Records a move decided from a reading of the stack file taken without
   * `pulumi` (the config is read through `pulumi` only now, and the stale-clone
   * check runs now): whatever fails from here is a RecordFailedError, since
   * traffic has moved. `open` is the command's session, if it has one.
   */
  async recordAfterReading(reading: StackFileReading, run: RunOptions, open?: StackSession): Promise<Record<string, number>> {
    let session: StackSession;
    let current: CurrentConfig;
    try {
      session = open ?? (await this.context.openStack());
      const history = readHistoryForGuard(session);
      current = await session.readConfig();
      session.requireUnchangedSince(reading);
      await refuseIfBackendAhead(this.context, session, current, history);
    } catch (error) {
      throw new RecordFailedError(
        `traffic moved at ${this.movedSummary()}, but the stack did not record it: ${error instanceof Error ? error.message : String(error)}\n` +
          `Pulumi.${this.context.options.stack}.yaml was not written: a pulumi up of it as it is would move traffic back. ` +
          `Once the stack can be reached (or the clone is pulled), run the same switchyard command again with --no-fast-path: it writes the change and records it (the cluster already holds it).`,
      );
    }
    return this.record(session, run, recheckAfterWaiting(this.context, session, current));
  }

  /** Records the move with `pulumi up` (the caller ran the stale-clone check); a failure is a RecordFailedError (exit 5). */
  async record(session: StackSession, run: RunOptions, recheck: () => Promise<void>): Promise<Record<string, number>> {
    const { reporter, options } = this.context;
    const { recordMove } = await import("../fastpath/record");
    const result = await recordMove(session, this.checked, this.moved!, {
      ...run,
      recheck,
      lockTimeoutMs: options.lockTimeoutMs,
      onWaiting: (holders) => reporter.line(waitingLine(options.stack, holders, options.lockTimeoutMs)),
    });
    this.recorded = { atSeconds: process.uptime(), update: result };
    const update = result.version > 0 ? `update ${result.version}` : "an update";
    for (const moved of this.moved!) reporter.line(`${safeLine(moved)}; recorded as ${update} at +${this.recorded.atSeconds.toFixed(1)} s`);
    return result.changes;
  }

  /** `+0.09 s (VirtualService shop/checkout: 100% blue)` for each service moved. */
  movedSummary(): string {
    return movedAt(this.moved ?? []);
  }

  /** For --json: when each service's traffic was safe and when it was recorded, or that the fast path was not taken. */
  times(): Record<string, unknown> {
    if (this.moved === undefined) return { fastPath: false };
    return {
      fastPath: true,
      moves: this.moved.map((moved) => ({ service: moved.service, virtualService: moved.object, kind: moved.kind, split: moved.split, safeAtSeconds: round(moved.safeAtSeconds) })),
      safeAtSeconds: round(Math.max(...this.moved.map((moved) => moved.safeAtSeconds))),
      ...(this.recorded === undefined ? {} : { recordedAtSeconds: round(this.recorded.atSeconds), recordedUpdate: recordedUpdate(this.recorded.update) }),
    };
  }
}

function safeLine(moved: TrafficMoved): string {
  return `${moved.service}: ${moved.split} at +${moved.safeAtSeconds.toFixed(2)} s (${moved.kind} ${moved.object})`;
}

function waitingLine(stack: string, holders: readonly LockHolder[], timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 1000);
  const stop = "(Ctrl-C stops waiting and leaves the move unrecorded)";
  if (holders.length === 0) {
    return `another update of stack ${stack} took or released the stack lock as this one checked it: traffic is already safe; trying again for up to ${seconds} s to record the move ${stop}`;
  }
  const who = holders.map(describeHolder).join("; ");
  return `an update of stack ${stack} is running (${who}): traffic is already safe; waiting up to ${seconds} s for it to end to record the move ${stop}`;
}

/** The update that recorded the move, as `pulumi stack history` shows it: its start time, and its number where the backend has one. */
function recordedUpdate(update: UpdateResult): Record<string, unknown> {
  return { startTime: update.startTime, ...(update.version > 0 ? { version: update.version } : {}) };
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
