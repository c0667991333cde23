import type { CommandContext } from "../context/options";
import type { CheckedEdit } from "../edits/apply";
import type { TrafficMoved } from "../fastpath/move";
import type { CurrentConfig, RunOptions, StackSession } from "../pulumi/session";

/** The fast path of one edit: move on the API server, say so at once, then record with `pulumi up`. */
export class FastPath {
  private moved?: TrafficMoved;
  private recordedAtSeconds?: number;

  constructor(
    private readonly context: CommandContext,
    private readonly session: StackSession,
    private readonly current: CurrentConfig,
    private readonly checked: CheckedEdit,
    private readonly run: RunOptions,
    private readonly module: Promise<typeof import("../fastpath/move")>,
  ) {}

  /** The update's changes when traffic moved first and was recorded; undefined when the plain path must run (the reason is said). */
  async apply(): Promise<Record<string, number> | undefined> {
    const { reporter } = this.context;
    const { moveTrafficFirst } = await this.module;
    const outcome = await moveTrafficFirst({
      current: this.current,
      checked: this.checked,
      projectDir: this.session.projectDir,
      ...(this.session.policyConfigFile === undefined ? {} : { policyConfigFile: this.session.policyConfigFile }),
    });
    if ("skipped" in outcome) {
      if (outcome.movesTraffic) reporter.line(`fast path not taken: ${outcome.skipped}; pulumi up moves traffic once the colors are ready`);
      return undefined;
    }
    this.moved = outcome.moved;
    reporter.line(`${this.safeLine()}; recording it with pulumi up`);
    const { recordMove } = await import("../fastpath/record");
    const changes = await recordMove(this.session, this.checked, outcome.moved, this.run);
    this.recordedAtSeconds = process.uptime();
    reporter.line(`${this.safeLine()}; recorded as update at +${this.recordedAtSeconds.toFixed(1)} s`);
    return changes;
  }

  private safeLine(): string {
    const moved = this.moved!;
    return `${moved.service}: ${moved.split} at +${moved.safeAtSeconds.toFixed(2)} s (VirtualService ${moved.object})`;
  }

  /** For --json: when traffic was safe and when it was recorded, or that the fast path was not taken. */
  times(): Record<string, unknown> {
    if (this.moved === undefined) return { fastPath: false };
    return { fastPath: true, virtualService: this.moved.object, safeAtSeconds: round(this.moved.safeAtSeconds), recordedAtSeconds: round(this.recordedAtSeconds!) };
  }
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
