import type { AnalysisSettings } from "../../model/config/analysis";

/** What Prometheus said about the canary over one window; `undefined` means the query returned no data. */
export interface CanaryFigures {
  readonly requests: number | undefined;
  readonly errorRate: number | undefined;
  readonly latencySeconds?: number | undefined;
}

export type VerdictKind = "pass" | "fail" | "inconclusive";

export interface Verdict {
  readonly kind: VerdictKind;
  /** Why, with the measured figures and the thresholds, e.g. `error rate 2.00% > 0.50% over 2m (1200 requests)`. */
  readonly reason: string;
}

type Thresholds = Pick<AnalysisSettings, "maxErrorRate" | "maxLatencySeconds" | "minRequests" | "window">;

const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;

/**
 * Judges one canary step. Too little traffic is never a pass: a canary that
 * served nobody has proven nothing, so the rollout halts instead of promoting.
 */
export function judgeCanary(figures: CanaryFigures, thresholds: Thresholds): Verdict {
  const { requests, errorRate, latencySeconds } = figures;
  const over = `over ${thresholds.window}`;
  if (requests === undefined || requests < thresholds.minRequests) {
    return {
      kind: "inconclusive",
      reason: `too little traffic to judge: ${requests === undefined ? "no" : Math.round(requests)} requests ${over}, at least ${thresholds.minRequests} needed (analysis.minRequests)`,
    };
  }
  const served = `(${Math.round(requests)} requests)`;
  if (errorRate === undefined || Number.isNaN(errorRate)) {
    return { kind: "inconclusive", reason: `the error-rate query returned no data ${over} ${served}` };
  }
  if (errorRate > thresholds.maxErrorRate) {
    return { kind: "fail", reason: `error rate ${percent(errorRate)} > ${percent(thresholds.maxErrorRate)} ${over} ${served}` };
  }
  const errors = `error rate ${percent(errorRate)} <= ${percent(thresholds.maxErrorRate)}`;
  if (thresholds.maxLatencySeconds === undefined) return { kind: "pass", reason: `${errors} ${over} ${served}` };
  if (latencySeconds === undefined || Number.isNaN(latencySeconds)) {
    return { kind: "inconclusive", reason: `the latency query returned no data ${over} ${served}` };
  }
  const latency = `latency ${latencySeconds.toFixed(3)}s`;
  if (latencySeconds > thresholds.maxLatencySeconds) {
    return { kind: "fail", reason: `${latency} > ${thresholds.maxLatencySeconds}s ${over} ${served}` };
  }
  return { kind: "pass", reason: `${errors}, ${latency} <= ${thresholds.maxLatencySeconds}s ${over} ${served}` };
}

/** One service's figures at a step, and how they were judged. */
export interface MemberVerdict {
  readonly service: string;
  readonly figures: CanaryFigures;
  readonly verdict: Verdict;
}

/**
 * A release group's verdict from its members', each judged with its own
 * figures: any failure is the group's (the first failing member decides,
 * and is named); else anything not judgeable halts the group; else it passes.
 */
export function judgeMembers(members: readonly MemberVerdict[]): { readonly decidedBy: MemberVerdict; readonly verdict: Verdict } {
  const decidedBy = members.find((m) => m.verdict.kind === "fail") ?? members.find((m) => m.verdict.kind === "inconclusive") ?? members[0]!;
  if (members.length === 1) return { decidedBy, verdict: decidedBy.verdict };
  const named = (member: MemberVerdict) => `${member.service}: ${member.verdict.reason}`;
  const reason = decidedBy.verdict.kind === "pass" ? members.map(named).join("; ") : named(decidedBy);
  return { decidedBy, verdict: { kind: decidedBy.verdict.kind, reason } };
}
