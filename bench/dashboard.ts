import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { kubectl, startCluster, stopCluster } from "../dev/lib/cluster";
import { installKubernetesProvider, pulumiEnvironment } from "../dev/lib/environment";
import { PROJECT_ROOT } from "../dev/lib/toolchain";
import { loadAverage } from "./machine";
import { BenchProject } from "./project";

/**
 * npm run bench:dashboard: what `switchyard dashboard` costs while it runs,
 * against one `switchyard status` on the same stack (the peer: a person
 * re-running status instead), and how soon a traffic change on the API
 * server reaches a connected page. Cluster of its own, stopped at the end.
 */

const CLUSTER = process.env.SWITCHYARD_BENCH_CLUSTER ?? "switchyard-bench";
const SERVICES = Number(process.env.BENCH_SERVICES ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const MOVES = Number(process.env.BENCH_MOVES ?? 10);
const log = (line: string) => console.error(`[bench:dashboard] ${line}`);
const BIN = path.join(PROJECT_ROOT, "bin", "switchyard.js");

/** User + system seconds of a process and of the children it has waited for (pulumi runs), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) / 100;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const cluster = startCluster(CLUSTER, log);
  const project = new BenchProject("switchyard", SERVICES, CLUSTER, "bench-dashboard");
  let dashboard: ChildProcess | undefined;
  try {
    installKubernetesProvider(pulumiEnvironment());
    log(`deploying ${SERVICES} services`);
    await project.timed(["up", "--yes", "--skip-preview"]);
    const env = { ...project.environment.env, SWITCHYARD_PULUMI: project.environment.pulumi };
    const args = ["--cwd", project.dir, "--stack", "bench"];

    const status = [1, 2, 3].map(() => {
      const run = spawnSync("/usr/bin/time", ["-f", "%e %U %S", process.execPath, BIN, ...args, "status"], { env, encoding: "utf8" });
      const [wall, user, system] = run.stderr.trim().split("\n").pop()!.split(" ").map(Number);
      return { wall: wall!, cpu: user! + system! };
    });

    dashboard = spawn(process.execPath, [BIN, ...args, "dashboard", "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
    const url = await new Promise<string>((resolve) => {
      let out = "";
      dashboard!.stdout!.on("data", (chunk) => {
        out += chunk;
        const found = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
        if (found !== undefined) resolve(found);
      });
    });
    const events: { at: number; data: string }[] = [];
    http.get(`${url}api/events`, (response) => response.on("data", (chunk) => events.push({ at: Date.now(), data: String(chunk) })));
    const weight = await pageWeight(url);

    log(`idle for ${IDLE_SECONDS} s with one page connected`);
    const before = cpuSeconds(dashboard.pid!);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleCpuPerMinute = ((cpuSeconds(dashboard.pid!) - before) / IDLE_SECONDS) * 60;

    const latencies: number[] = [];
    for (let move = 0; move < MOVES; move++) {
      const canary = move % 2 === 0 ? 10 : 0;
      const patch = JSON.stringify([
        { op: "replace", path: "/spec/http/2/route/0/weight", value: 100 - canary },
        { op: "replace", path: "/spec/http/2/route/1/weight", value: canary },
      ]);
      // At a random point of the dashboard's read cycle: moving right after an event would always land just after a read.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
      kubectl(CLUSTER, ["-n", "bench-dashboard", "patch", "virtualservice", "svc-001", "--type=json", "-p", patch]);
      const applied = Date.now();
      const seen = await waitFor(() => events.find((event) => event.at >= applied - 50 && event.data.includes(`"weights":{"blue":${100 - canary},"green":${canary}}`)));
      latencies.push(seen.at - applied);
    }

    const status1 = median(status.map((run) => run.cpu));
    console.log(
      [
        `## switchyard dashboard, ${SERVICES} services (load average ${loadAverage().toFixed(2)} at the end, ${require("node:os").cpus().length} cores)`,
        "",
        "| measure | figure |",
        "|---|---|",
        `| one \`switchyard status\` (peer): CPU, wall | ${status1.toFixed(2)} s, ${median(status.map((run) => run.wall)).toFixed(2)} s (median of 3) |`,
        `| dashboard idle, one page connected: CPU per minute (node and its pulumi reads) | ${idleCpuPerMinute.toFixed(1)} s |`,
        `| ratio: a minute of dashboard costs | ${(idleCpuPerMinute / status1).toFixed(1)} status runs |`,
        `| traffic change on the API server -> event at the page, median / max of ${MOVES} | ${median(latencies)} ms / ${Math.max(...latencies)} ms |`,
        `| page weight (html + js + css): raw / gzip | ${(weight.raw / 1024).toFixed(1)} KiB / ${(weight.gzip / 1024).toFixed(1)} KiB |`,
      ].join("\n"),
    );
  } finally {
    dashboard?.kill("SIGINT");
    project.remove();
    if (cluster.started) stopCluster(CLUSTER);
  }
}

async function pageWeight(url: string): Promise<{ raw: number; gzip: number }> {
  const bodies = await Promise.all(["", "assets/main.js", "assets/main.css"].map(async (file) => Buffer.from(await (await fetch(`${url}${file}`)).arrayBuffer())));
  return { raw: bodies.reduce((sum, body) => sum + body.length, 0), gzip: bodies.reduce((sum, body) => sum + zlib.gzipSync(body).length, 0) };
}

async function waitFor<T>(find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("the dashboard sent no event for the change within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:dashboard] ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
