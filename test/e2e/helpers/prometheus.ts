import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { PROMETHEUS } from "../../../dev/lib/prometheus";

/** A free loopback port: bound and released, for a server that takes its port as a flag. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A real Prometheus (Debian's package, installed by the bootstrap) on
 * loopback, scraping the given targets every second, with its data in a
 * temporary folder that `stop` removes.
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly process: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(targets: readonly string[]): Promise<PrometheusServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-prometheus-"));
    const config = [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: mesh",
      "    static_configs:",
      `      - targets: [${targets.map((target) => `"${target}"`).join(", ")}]`,
    ].join("\n");
    fs.writeFileSync(path.join(dir, "prometheus.yml"), `${config}\n`);
    const port = await freePort();
    const child = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "ignore", fs.openSync(path.join(dir, "prometheus.log"), "w")] },
    );
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir);
    await server.waitReady();
    return server;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) break;
      const ready = await fetch(`${this.url}/-/ready`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const log = fs.readFileSync(path.join(this.dir, "prometheus.log"), "utf8");
    await this.stop();
    throw new Error(`Prometheus did not become ready on ${this.url}:\n${log.slice(-2000)}`);
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once("exit", resolve));
      this.process.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Points a test project's `switchyard:analysis` at `prometheus`, judging over a short window as the rollout tests do. */
export function useAnalysis(project: { configSet(key: string, value: string | number): void }, prometheus: PrometheusServer, window = "10s", minRequests = 20): void {
  project.configSet("analysis.prometheus", prometheus.url);
  project.configSet("analysis.window", window);
  project.configSet("analysis.minRequests", minRequests);
  project.configSet("analysis.timeoutSeconds", 5);
}
