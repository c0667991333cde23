import { describe, expect, it } from "vitest";
import { judgeCanary, judgeMembers } from "../../../cli/rollout/verdict";

const thresholds = { maxErrorRate: 0.005, minRequests: 100, window: "2m" };

describe("judging a canary step", () => {
  it.each([
    [{ requests: 1000, errorRate: 0 }, "pass", "error rate 0.00% <= 0.50% over 2m (1000 requests)"],
    [{ requests: 1000, errorRate: 0.005 }, "pass", "error rate 0.50% <= 0.50% over 2m (1000 requests)"],
    [{ requests: 1000, errorRate: 0.0051 }, "fail", "error rate 0.51% > 0.50% over 2m (1000 requests)"],
    [{ requests: 99, errorRate: 0.5 }, "inconclusive", "too little traffic to judge: 99 requests over 2m, at least 100 needed (analysis.minRequests)"],
    [{ requests: undefined, errorRate: undefined }, "inconclusive", "too little traffic to judge: no requests over 2m, at least 100 needed (analysis.minRequests)"],
    [{ requests: 500, errorRate: undefined }, "inconclusive", "the error-rate query returned no data over 2m (500 requests)"],
  ])("%j is a %s", (figures, kind, reason) => expect(judgeCanary(figures, thresholds)).toEqual({ kind, reason }));

  it("judges latency when a threshold is set", () => {
    const withLatency = { ...thresholds, maxLatencySeconds: 0.3 };
    expect(judgeCanary({ requests: 500, errorRate: 0, latencySeconds: 0.25 }, withLatency).kind).toBe("pass");
    expect(judgeCanary({ requests: 500, errorRate: 0, latencySeconds: 0.45 }, withLatency)).toEqual({
      kind: "fail",
      reason: "latency 0.450s > 0.3s over 2m (500 requests)",
    });
    expect(judgeCanary({ requests: 500, errorRate: 0 }, withLatency).kind).toBe("inconclusive");
  });

  it("a failing error rate wins over a missing latency figure", () => {
    expect(judgeCanary({ requests: 500, errorRate: 0.1 }, { ...thresholds, maxLatencySeconds: 0.3 }).kind).toBe("fail");
  });
});

describe("a group's verdict from its members'", () => {
  const member = (service: string, kind: "pass" | "fail" | "inconclusive", reason: string) => ({ service, figures: { requests: 200, errorRate: 0 }, verdict: { kind, reason } });

  it("fails when any member fails, naming the member and its figures", () => {
    const { decidedBy, verdict } = judgeMembers([member("checkout", "pass", "error rate 0.00% <= 0.50%"), member("catalog", "fail", "error rate 5.00% > 0.50% over 10s (200 requests)")]);
    expect(decidedBy.service).toBe("catalog");
    expect(verdict).toEqual({ kind: "fail", reason: "catalog: error rate 5.00% > 0.50% over 10s (200 requests)" });
  });

  it("halts when no member fails but one cannot be judged", () => {
    expect(judgeMembers([member("checkout", "inconclusive", "too little traffic"), member("catalog", "pass", "ok")]).verdict).toEqual({ kind: "inconclusive", reason: "checkout: too little traffic" });
  });

  it("passes when every member passes, with each member's reason", () => {
    expect(judgeMembers([member("checkout", "pass", "a"), member("catalog", "pass", "b")]).verdict).toEqual({ kind: "pass", reason: "checkout: a; catalog: b" });
  });

  it("is the service's own verdict for a single service", () => {
    expect(judgeMembers([member("checkout", "fail", "error rate 2.00% > 0.50%")]).verdict).toEqual({ kind: "fail", reason: "error rate 2.00% > 0.50%" });
  });
});
