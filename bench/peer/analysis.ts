import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ensurePrometheus } from "../../dev/lib/prometheus";
import { ANALYSIS_DEFAULTS, renderQuery } from "../../model/config/analysis";
import { MetricsSource } from "../../test/e2e/helpers/metricsSource";
import { PrometheusServer } from "../../test/e2e/helpers/prometheus";
import { now } from "./clusterView";

/**
 * The automatic rollback's judge, the same for both tools: a real Prometheus
 * (Debian's) scraping Istio-style request counters that the benchmark sets
 * (the e2e tests' metrics source), where the canary of the first service
 * answers half its requests with a 500. Both tools reach Prometheus through
 * a loopback proxy that notes when each answer left it: the benchmark's own
 * clock for "the tool had the failing figure in hand".
 */

/** Short, so a fresh canary has a full window at once; a failing canary fails every evaluation. */
export const ANALYSIS_WINDOW = "10s";
export const FAILING_ERROR_RATE = 0.5;
const REQUESTS_PER_SECOND = 20;

/** One answer Prometheus gave a tool, passed on by the proxy. */
export interface QueryAnswer {
  /** Request path, e.g. `/api/v1/query`. */
  readonly path: string;
  /** When the proxy finished sending the answer (bench clock, ms). */
  readonly endMs: number;
}

const isQuery = (answer: QueryAnswer) => answer.path.startsWith("/api/v1/query");

/**
 * The failing verdict's time: the end of the last query answer in
 * [fromMs, toMs], where toMs is when the watch saw the weights go back.
 * Both tools decide right after the answer that completes their evaluation
 * (switchyard asks for the request count, then the error rate; Argo asks its
 * one metric), so anything after that answer is the tool's own reaction.
 */
export function verdictAt(answers: readonly QueryAnswer[], fromMs: number, toMs: number): number {
  const inWindow = answers.filter((answer) => isQuery(answer) && answer.endMs >= fromMs && answer.endMs <= toMs);
  if (inWindow.length === 0) throw new Error("no Prometheus query was answered between the start and the rollback: nothing failed a verdict");
  return Math.max(...inWindow.map((answer) => answer.endMs));
}

/** switchyard's default error-rate query for a canary workload, as both tools run it. */
export function errorRateQuery(namespace: string, service: string, color: string): string {
  return renderQuery(ANALYSIS_DEFAULTS.errorRateQuery, { namespace, service, color, version: "", window: ANALYSIS_WINDOW });
}

/** The stack's `switchyard:analysis` for the benchmark: the proxy, the short window, a request floor the source clears. */
export function switchyardAnalysis(prometheusUrl: string): Record<string, unknown> {
  return { prometheus: prometheusUrl, window: ANALYSIS_WINDOW, minRequests: 20, timeoutSeconds: 5 };
}

export class AnalysisBench {
  private constructor(
    private readonly seen: QueryAnswer[],
    private readonly metrics: MetricsSource,
    private readonly prometheus: PrometheusServer,
    private readonly proxy: http.Server,
  ) {}

  static async start(log: (line: string) => void): Promise<AnalysisBench> {
    ensurePrometheus(log);
    const metrics = await MetricsSource.start();
    const prometheus = await PrometheusServer.start([metrics.target]);
    const upstream = new URL(prometheus.url);
    const seen: QueryAnswer[] = [];
    const proxy = http.createServer((request, response) => {
      const forwarded = http.request(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on("error", (error) => response.writeHead(502).end(String(error)));
      response.on("finish", () => seen.push({ path: request.url ?? "", endMs: now() }));
      request.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    return new AnalysisBench(seen, metrics, prometheus, proxy);
  }

  /** The proxy's URL: what both tools are given as their Prometheus. */
  get url(): string {
    return `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  /** The canary workload `<workload>` in `namespace` serves traffic and fails half of it, from now on. */
  failing(namespace: string, workload: string): void {
    this.metrics.set(workload, { namespace, version: "canary", requestsPerSecond: REQUESTS_PER_SECOND, errorRate: FAILING_ERROR_RATE });
  }

  answers(): readonly QueryAnswer[] {
    return [...this.seen];
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
    await this.prometheus.stop();
    await this.metrics.stop();
  }
}
