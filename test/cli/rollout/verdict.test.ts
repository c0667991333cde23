import { describe, expect, it } from "vitest";
import { judgeCanary } from "../../../cli/rollout/verdict";

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
