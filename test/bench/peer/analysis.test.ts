import { describe, expect, it } from "vitest";
import { ANALYSIS_WINDOW, errorRateQuery, switchyardAnalysis, verdictAt, type QueryAnswer } from "../../../bench/peer/analysis";

const answer = (endMs: number, path = "/api/v1/query"): QueryAnswer => ({ path, endMs });

describe("verdictAt: the failing verdict is the tool's last Prometheus answer before the weights went back", () => {
  it("takes the last query answer between the start and the moment the watch saw 0%", () => {
    const answers = [answer(500), answer(1200), answer(1300), answer(2500)];
    expect(verdictAt(answers, 1000, 2000)).toBe(1300);
  });

  it("ignores what is not a query (Prometheus' readiness and metadata calls)", () => {
    expect(verdictAt([answer(1100), answer(1400, "/-/ready"), answer(1500, "/api/v1/labels")], 1000, 2000)).toBe(1100);
  });

  it("refuses a rollback that no answer preceded: then no verdict moved the weights", () => {
    expect(() => verdictAt([answer(500), answer(2500)], 1000, 2000)).toThrow(/no Prometheus query was answered/);
  });
});

describe("the analysis both tools run", () => {
  it("is switchyard's default error-rate query, for the canary workload, over the benchmark's window", () => {
    const query = errorRateQuery("peer-argo-1", "svc-001", "canary");
    expect(query).toContain('destination_workload_namespace="peer-argo-1",destination_workload="svc-001-canary"');
    expect(query).toContain(`[${ANALYSIS_WINDOW}]`);
    expect(query).not.toContain("{{");
  });

  it("points switchyard's stack at the proxy with a window and request floor the metrics source clears", () => {
    expect(switchyardAnalysis("http://127.0.0.1:9")).toEqual({ prometheus: "http://127.0.0.1:9", window: ANALYSIS_WINDOW, minRequests: 20, timeoutSeconds: 5 });
  });
});
