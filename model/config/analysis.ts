import type { ConfigProblem } from "./problems";
import type { RawAnalysis } from "./schema";

/**
 * How `switchyard rollout` judges a canary: PromQL queries against one
 * Prometheus, templated per service, color and version, and the thresholds
 * a canary must stay within (requirement B3).
 */
export interface AnalysisSettings {
  /** Base URL of the Prometheus HTTP API. */
  readonly prometheus: string;
  /** Requests the canary served in the window; below `minRequests` the result is inconclusive. */
  readonly requestsQuery: string;
  /** Fraction (0..1) of the canary's requests that failed in the window. */
  readonly errorRateQuery: string;
  /** Optional latency figure in seconds (for example a p99), judged against `maxLatencySeconds`. */
  readonly latencyQuery?: string;
  readonly maxErrorRate: number;
  readonly maxLatencySeconds?: number;
  /** Prometheus range each query looks back over, e.g. `2m`. */
  readonly window: string;
  readonly minRequests: number;
  /** Per HTTP request to Prometheus. */
  readonly timeoutSeconds: number;
}

/**
 * Istio's standard sidecar metric, as every meshed workload reports it: the
 * destination workload is the color's Deployment, `<service>-<color>`.
 */
const CANARY_LABELS = 'reporter="destination",destination_workload_namespace="{{namespace}}",destination_workload="{{service}}-{{color}}"';
const ISTIO_CANARY_REQUESTS = `istio_requests_total{${CANARY_LABELS}}`;
const ISTIO_CANARY_ERRORS = `istio_requests_total{${CANARY_LABELS},response_code=~"5.."}`;

/** Defaults of every optional `switchyard:analysis` key. */
export const ANALYSIS_DEFAULTS = {
  requestsQuery: `sum(increase(${ISTIO_CANARY_REQUESTS}[{{window}}]))`,
  // `or vector(0)`: without a single 5xx there is no error series at all, which means a rate of 0, not "no data".
  errorRateQuery:
    `(sum(rate(${ISTIO_CANARY_ERRORS}[{{window}}])) or vector(0))` +
    ` / sum(rate(${ISTIO_CANARY_REQUESTS}[{{window}}]))`,
  maxErrorRate: 0.005,
  window: "2m",
  minRequests: 100,
  timeoutSeconds: 10,
} as const;

export function resolveAnalysis(raw: RawAnalysis): AnalysisSettings {
  return {
    prometheus: raw.prometheus.replace(/\/+$/, ""),
    requestsQuery: raw.requestsQuery ?? ANALYSIS_DEFAULTS.requestsQuery,
    errorRateQuery: raw.errorRateQuery ?? ANALYSIS_DEFAULTS.errorRateQuery,
    ...(raw.latencyQuery === undefined ? {} : { latencyQuery: raw.latencyQuery }),
    maxErrorRate: raw.maxErrorRate ?? ANALYSIS_DEFAULTS.maxErrorRate,
    ...(raw.maxLatencySeconds === undefined ? {} : { maxLatencySeconds: raw.maxLatencySeconds }),
    window: raw.window ?? ANALYSIS_DEFAULTS.window,
    minRequests: raw.minRequests ?? ANALYSIS_DEFAULTS.minRequests,
    timeoutSeconds: raw.timeoutSeconds ?? ANALYSIS_DEFAULTS.timeoutSeconds,
  };
}

/**
 * No user or password in the Prometheus URL: the command prints the URL (in
 * progress lines, errors and reports) and Node's fetch refuses credentials in
 * a URL anyway. The value in the problem is shown with its password redacted.
 * Reads the raw config, so it also runs when the shape has other problems.
 */
export function prometheusCredentialProblems(raw: Readonly<Record<string, unknown>>): ConfigProblem[] {
  const url = (raw.analysis as { prometheus?: unknown } | undefined)?.prometheus;
  if (typeof url !== "string" || !hasCredentials(url)) return [];
  return [
    {
      key: "analysis.prometheus",
      value: url,
      allowed:
        "a URL without a user or password, such as http://prometheus.monitoring:9090: switchyard sends no credentials and prints this URL; " +
        "reach an authenticated Prometheus through a proxy on the cluster network, and keep passwords out of plain stack config",
    },
  ];
}

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(url);
  }
}

/** A latency query is only useful with a threshold, and a threshold only with a query. */
export function analysisProblems(raw: RawAnalysis): ConfigProblem[] {
  if (raw.latencyQuery !== undefined && raw.maxLatencySeconds === undefined) {
    return [
      {
        key: "analysis.maxLatencySeconds",
        value: undefined,
        allowed: "a number of seconds: analysis.latencyQuery is set and needs a threshold to judge it against",
      },
    ];
  }
  if (raw.latencyQuery === undefined && raw.maxLatencySeconds !== undefined) {
    return [
      {
        key: "analysis.latencyQuery",
        value: undefined,
        allowed: "a PromQL query returning seconds: analysis.maxLatencySeconds is set and needs a latency figure to judge",
      },
    ];
  }
  return [];
}

/** What a query's placeholders stand for when one canary is judged. */
export interface QueryTarget {
  readonly namespace: string;
  readonly service: string;
  readonly color: string;
  readonly version: string;
  readonly window: string;
}

/** Replaces `{{name}}` placeholders; an unknown placeholder is an error rather than a silent empty label. */
export function renderQuery(template: string, target: QueryTarget): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, name: string) => {
    if (!Object.hasOwn(target, name)) {
      throw new Error(
        `analysis query placeholder ${placeholder} is unknown; known: ${Object.keys(target)
          .map((key) => `{{${key}}}`)
          .join(", ")}`,
      );
    }
    return target[name as keyof QueryTarget];
  });
}
