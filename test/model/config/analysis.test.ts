import { describe, expect, it } from "vitest";
import { ANALYSIS_DEFAULTS, renderQuery } from "../../../model/config/analysis";
import { parseStackConfig } from "../../../model/config/parse";
import { configProblems, validRawConfig } from "../../helpers/fixtures";

function withAnalysis(analysis: unknown) {
  const raw = validRawConfig();
  raw.analysis = analysis;
  return parseStackConfig(raw);
}

const problemsOf = (analysis: unknown) => configProblems(() => withAnalysis(analysis));

describe("switchyard:analysis", () => {
  it("is optional", () => expect(parseStackConfig(validRawConfig()).analysis).toBeUndefined());

  it("fills every default from the Prometheus URL alone", () => {
    expect(withAnalysis({ prometheus: "http://prometheus.monitoring:9090/" }).analysis).toEqual({
      prometheus: "http://prometheus.monitoring:9090",
      requestsQuery: ANALYSIS_DEFAULTS.requestsQuery,
      errorRateQuery: ANALYSIS_DEFAULTS.errorRateQuery,
      maxErrorRate: 0.005,
      window: "2m",
      minRequests: 100,
      timeoutSeconds: 10,
    });
  });

  it("accepts numbers written as text, as pulumi config set --path stores decimals", () => {
    expect(withAnalysis({ prometheus: "http://p:9090", maxErrorRate: "0.01", minRequests: "50" }).analysis).toMatchObject({
      maxErrorRate: 0.01,
      minRequests: 50,
    });
  });

  it.each([
    [{ prometheus: "prometheus:9090" }, "analysis.prometheus", "the base URL of a Prometheus server's HTTP API"],
    [{ prometheus: "http://p", maxErrorRate: 2 }, "analysis.maxErrorRate", "a fraction from 0 to 1"],
    [{ prometheus: "http://p", window: "2 minutes" }, "analysis.window", "a Prometheus duration"],
    [{ prometheus: "http://p", minRequests: -1 }, "analysis.minRequests", "an integer from 0 to"],
    [{ prometheus: "http://p", latencyQuery: "histogram_quantile(0.99, x)" }, "analysis.maxLatencySeconds", "a number of seconds: analysis.latencyQuery is set"],
    [{ prometheus: "http://p", maxLatencySeconds: 0.5 }, "analysis.latencyQuery", "a PromQL query returning seconds"],
    [{ prometheus: "http://p", treshold: 1 }, "analysis.treshold", "no such setting"],
  ])("%j is refused at %s", (analysis, key, allowed) => {
    const [problem] = problemsOf(analysis);
    expect(problem!.key).toBe(key);
    expect(problem!.allowed).toContain(allowed);
  });
});

describe("query templates", () => {
  const target = { namespace: "shop", service: "checkout", color: "green", version: "1.5.0", window: "2m" };

  it("the default queries read Istio's request metric of the canary's Deployment", () => {
    expect(renderQuery(ANALYSIS_DEFAULTS.requestsQuery, target)).toBe(
      'sum(increase(istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout-green"}[2m]))',
    );
    expect(renderQuery(ANALYSIS_DEFAULTS.errorRateQuery, target)).toBe(
      '(sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout-green",response_code=~"5.."}[2m])) or vector(0))' +
        ' / sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="checkout-green"}[2m]))',
    );
  });

  it("replaces every placeholder, spaces allowed", () => {
    expect(renderQuery('x{app="{{ service }}",v="{{version}}"}[{{window}}]', target)).toBe('x{app="checkout",v="1.5.0"}[2m]');
  });

  it("refuses an unknown placeholder instead of sending an empty label", () => {
    expect(() => renderQuery('x{pod="{{pod}}"}', target)).toThrow(
      "analysis query placeholder {{pod}} is unknown; known: {{namespace}}, {{service}}, {{color}}, {{version}}, {{window}}",
    );
  });
});
