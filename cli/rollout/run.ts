import { UsageError } from "../context/errors";
import { PrometheusError } from "./prometheus";
import { judgeCanary, judgeMembers, type CanaryFigures, type MemberVerdict, type Verdict } from "./verdict";
import type { AnalysisSettings } from "../../model/config/analysis";

/** What a rollout does to the world; the command wires these to `pulumi up` and Prometheus, tests to fakes. */
export interface RolloutActions {
  /** Sets the canary weight and runs `pulumi up`; resolves once the update finished. */
  setCanary(percent: number): Promise<void>;
  /** Sets the canary back to 0 with `pulumi up`: the automatic rollback. */
  revert(): Promise<void>;
  /** Makes the canary color live with all traffic. */
  promote(): Promise<void>;
  /** Asks Prometheus about the canary of each service rolled out (one, or every member of a group) over the analysis window. */
  measure(): Promise<readonly MemberFigures[]>;
  /** Waits `ms`, or less when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  log(line: string): void;
  /** Told of each judged step as soon as it is judged (the dashboard charts the figures). */
  judged?(step: StepRecord): void;
}

export interface RolloutPlan {
  /** Canary weights to walk through, ascending, each 1..100. */
  readonly steps: readonly number[];
  readonly intervalMs: number;
  /** The canary weight the service has now; steps at or below it are already done. */
  readonly startCanary: number;
  readonly thresholds: Pick<AnalysisSettings, "maxErrorRate" | "maxLatencySeconds" | "minRequests" | "window">;
}

/** What Prometheus said about one service's canary. */
export interface MemberFigures {
  readonly service: string;
  readonly figures: CanaryFigures;
}

export interface StepRecord {
  readonly canary: number;
  /** The figures that decided the verdict: the service's, or in a group the failing (else first) member's. */
  readonly figures?: CanaryFigures;
  readonly verdict: Verdict;
  /** In a group rollout: every member's figures and verdict. */
  readonly members?: readonly MemberVerdict[];
}

export type RolloutOutcome =
  /** Every step passed and the canary color is live. */
  | { readonly kind: "promoted"; readonly steps: readonly StepRecord[] }
  /** A step failed its analysis: the canary is back at 0. */
  | { readonly kind: "rolled-back"; readonly failedAt: number; readonly reason: string; readonly steps: readonly StepRecord[] }
  /** Nothing to judge by (too little traffic, Prometheus unavailable): the canary stays where it is, unpromoted. */
  | { readonly kind: "halted"; readonly canary: number; readonly reason: string; readonly steps: readonly StepRecord[] }
  /** Someone else changed the service during the rollout (a rollback, a promote, a deploy): the rollout stopped without writing. */
  | { readonly kind: "superseded"; readonly canary: number; readonly reason: string; readonly steps: readonly StepRecord[] }
  /**
   * Ctrl-C: the rollout stopped in a consistent state. Either the step under
   * way finished, or the update it was in was cancelled with it and the
   * canary was set back to 0 (`reverted`).
   */
  | { readonly kind: "interrupted"; readonly canary: number; readonly reverted: boolean; readonly steps: readonly StepRecord[] };

/**
 * Thrown by an action that found the service changed by someone else since
 * the rollout's last step: the rollout must not write over it.
 */
export class ServiceChangedError extends Error {
  override name = "ServiceChangedError";
}

/**
 * Walks the canary through the steps. After each step it waits the interval
 * and judges the canary: a pass goes on (and after the last step promotes),
 * a failure sets the canary back to 0 at once, anything that cannot be judged
 * halts without promoting. An interrupt never cuts an update short: the step
 * under way completes and the rollout stops in that consistent state.
 */
export async function runRollout(plan: RolloutPlan, actions: RolloutActions, interrupt: AbortSignal): Promise<RolloutOutcome> {
  const progress: Progress = { canary: plan.startCanary, steps: [] };
  try {
    return await walkSteps(plan, actions, interrupt, progress);
  } catch (error) {
    if (!(error instanceof ServiceChangedError)) throw error;
    actions.log(`stopping: ${error.message}`);
    return { kind: "superseded", canary: progress.canary, reason: error.message, steps: progress.steps };
  }
}

/** Where a rollout is: the canary it last set, and the steps it judged. */
interface Progress {
  canary: number;
  readonly steps: StepRecord[];
}

async function walkSteps(plan: RolloutPlan, actions: RolloutActions, interrupt: AbortSignal, progress: Progress): Promise<RolloutOutcome> {
  const { steps } = progress;
  const interrupted = (): RolloutOutcome => ({ kind: "interrupted", canary: progress.canary, reverted: false, steps });
  for (const step of plan.steps.filter((weight) => weight > plan.startCanary)) {
    if (interrupt.aborted) return interrupted();
    actions.log(`step: canary ${step}%`);
    try {
      await actions.setCanary(step);
    } catch (error) {
      if (error instanceof ServiceChangedError) throw error;
      // Ctrl-C reaches `pulumi up` too, which cancels the update: the step is then undone rather than left half-applied.
      const reason = interrupt.aborted
        ? `the update to canary ${step}% was cancelled by the interrupt`
        : `the update to canary ${step}% failed: ${error instanceof Error ? error.message : String(error)}`;
      actions.log(`${reason}; setting the canary back to 0%`);
      await actions.revert();
      if (interrupt.aborted) return { kind: "interrupted", canary: 0, reverted: true, steps };
      return { kind: "rolled-back", failedAt: step, reason, steps };
    }
    progress.canary = step;
    if (interrupt.aborted) return interrupted();
    actions.log(`waiting ${Math.round(plan.intervalMs / 1000)}s before judging canary ${step}%`);
    await actions.wait(plan.intervalMs, interrupt);
    if (interrupt.aborted) return interrupted();

    const record = await judgeStep(step, plan, actions);
    steps.push(record);
    actions.judged?.(record);
    actions.log(`canary ${step}%: ${record.verdict.kind}: ${record.verdict.reason}`);
    if (record.verdict.kind === "fail") {
      actions.log("automatic rollback: canary back to 0%");
      await actions.revert();
      return { kind: "rolled-back", failedAt: step, reason: record.verdict.reason, steps };
    }
    if (record.verdict.kind === "inconclusive") return { kind: "halted", canary: step, reason: record.verdict.reason, steps };
  }
  if (interrupt.aborted) return interrupted();
  actions.log("every step passed: promoting");
  await actions.promote();
  return { kind: "promoted", steps };
}

async function judgeStep(canary: number, plan: RolloutPlan, actions: RolloutActions): Promise<StepRecord> {
  try {
    const members = (await actions.measure()).map(({ service, figures }) => ({ service, figures, verdict: judgeCanary(figures, plan.thresholds) }));
    const { decidedBy, verdict } = judgeMembers(members);
    return { canary, figures: decidedBy.figures, verdict, ...(members.length > 1 ? { members } : {}) };
  } catch (error) {
    if (!(error instanceof PrometheusError)) throw error;
    return { canary, verdict: { kind: "inconclusive", reason: error.message } };
  }
}

/** `5,25,50,100` to ascending weights; anything else is refused with what is allowed. */
export function parseSteps(text: string): number[] {
  const allowed = "a comma-separated list of ascending integer percentages from 1 to 100, such as 5,25,50,100";
  const steps = text.split(",").map((part) => part.trim());
  const weights = steps.map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  const valid = weights.every((weight, index) => weight >= 1 && weight <= 100 && (index === 0 || weight > weights[index - 1]!));
  if (!valid || weights.length === 0) throw new UsageError(`--steps: got "${text}"; allowed: ${allowed}`);
  return weights;
}

/** `90s`, `2m`, `1h` to milliseconds. */
export function parseInterval(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  if (match === null || Number(match[1]) === 0) {
    throw new UsageError(`--interval: got "${text}"; allowed: a duration such as 30s, 2m or 1h`);
  }
  return Number(match[1]) * unit[match[2] as keyof typeof unit];
}
