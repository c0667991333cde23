import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** The traffic one workload (`<service>-<color>`) serves, as the test sets it. */
export interface WorkloadTraffic {
  readonly namespace: string;
  readonly version: string;
  readonly requestsPerSecond: number;
  /** Fraction of requests answered with a 500. */
  readonly errorRate: number;
}

/**
 * Stands in for Istio's sidecars: serves `istio_requests_total` counters per
 * destination workload on loopback, growing at the rates the test sets, in
 * Prometheus' text format, for a real Prometheus to scrape.
 */
export class MetricsSource {
  private readonly server = http.createServer((request, response) => this.serve(request, response));
  private readonly traffic = new Map<string, WorkloadTraffic>();
  private readonly counts = new Map<string, { ok: number; errors: number }>();
  private readonly ticker: NodeJS.Timeout;
  private last = Date.now();

  private constructor() {
    this.ticker = setInterval(() => this.advance(), 200);
  }

  static async start(): Promise<MetricsSource> {
    const source = new MetricsSource();
    await new Promise<void>((resolve) => source.server.listen(0, "127.0.0.1", resolve));
    return source;
  }

  /** `127.0.0.1:<port>`, for a scrape config. */
  get target(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  set(workload: string, traffic: WorkloadTraffic): void {
    this.advance();
    this.traffic.set(workload, traffic);
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private advance(): void {
    const now = Date.now();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    for (const [workload, traffic] of this.traffic) {
      const count = this.counts.get(workload) ?? { ok: 0, errors: 0 };
      const requests = traffic.requestsPerSecond * seconds;
      this.counts.set(workload, {
        ok: count.ok + requests * (1 - traffic.errorRate),
        errors: count.errors + requests * traffic.errorRate,
      });
    }
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    this.advance();
    const lines = ["# TYPE istio_requests_total counter"];
    for (const [workload, count] of this.counts) {
      const traffic = this.traffic.get(workload)!;
      const labels = (code: string) =>
        `reporter="destination",destination_workload_namespace="${traffic.namespace}",destination_workload="${workload}",destination_version="${traffic.version}",response_code="${code}"`;
      lines.push(`istio_requests_total{${labels("200")}} ${Math.floor(count.ok)}`);
      lines.push(`istio_requests_total{${labels("500")}} ${Math.floor(count.errors)}`);
    }
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`${lines.join("\n")}\n`);
  }
}
