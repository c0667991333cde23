import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AnalysisRecorder, readRolloutAnalyses } from "../../../cli/rollout/analysisRecord";

const dirs: string[] = [];
const projectDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-analysis-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const start = {
  stack: "dev",
  service: "checkout",
  canaryColor: "green" as const,
  version: "1.5.0",
  steps: [5, 50],
  intervalMs: 60_000,
  thresholds: { maxErrorRate: 0.005, minRequests: 20, window: "1m" },
};

describe("a rollout's figures, written beside the stack for the dashboard", () => {
  it("records one point per judged interval as it goes, then the outcome", () => {
    const dir = projectDir();
    let clock = Date.UTC(2026, 10, 30, 10);
    const recorder = new AnalysisRecorder(dir, start, () => {}, () => new Date((clock += 60_000)));
    expect(readRolloutAnalyses(dir, "dev").records[0]).toMatchObject({ state: "running", points: [] });

    recorder.judged({ canary: 5, figures: { requests: 1200, errorRate: 0.001 }, verdict: { kind: "pass", reason: "ok" } });
    expect(readRolloutAnalyses(dir, "dev").records[0]!.points).toEqual([
      { at: "2026-11-30T10:02:00.000Z", canary: 5, requests: 1200, errorRate: 0.001, verdict: "pass", reason: "ok" },
    ]);

    recorder.judged({ canary: 50, figures: { requests: 900, errorRate: undefined, latencySeconds: Number.NaN }, verdict: { kind: "inconclusive", reason: "no data" } });
    recorder.finished({ kind: "halted", canary: 50, reason: "no data", steps: [] });
    const { records, problems } = readRolloutAnalyses(dir, "dev");
    expect(problems).toEqual([]);
    expect(records[0]).toMatchObject({ state: "halted", reason: "no data", finishedAt: "2026-11-30T10:04:00.000Z" });
    expect(records[0]!.points[1]).toMatchObject({ canary: 50, requests: 900, errorRate: null, latencySeconds: null });
  });

  it("marks a rollout whose command failed as failed, with the first line of the error", () => {
    const dir = projectDir();
    new AnalysisRecorder(dir, start, () => {}).failed(new Error("pulumi up failed: the stack is locked\nmore"));
    expect(readRolloutAnalyses(dir, "dev").records[0]).toMatchObject({ state: "failed", reason: "pulumi up failed: the stack is locked" });
  });

  it("shows a rollout whose process is gone without an outcome as failed", () => {
    const dir = projectDir();
    new AnalysisRecorder(dir, start, () => {});
    const file = path.join(dir, ".switchyard", "rollouts", "dev", "checkout.json");
    expect(readRolloutAnalyses(dir, "dev").records[0]!.state).toBe("running");
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), pid: Number(gone.stdout) }));
    expect(readRolloutAnalyses(dir, "dev").records[0]).toMatchObject({ state: "failed", reason: `the rollout's process (pid ${gone.stdout}) ended without recording an outcome (killed?)` });
  });

  it("keeps a step Prometheus could not be asked about as a point without figures", () => {
    const dir = projectDir();
    new AnalysisRecorder(dir, start, () => {}).judged({ canary: 5, verdict: { kind: "inconclusive", reason: "Prometheus at x is unreachable" } });
    const point = readRolloutAnalyses(dir, "dev").records[0]!.points[0]!;
    expect(point).not.toHaveProperty("errorRate");
    expect(point.verdict).toBe("inconclusive");
  });

  it("reports a file that is not a record instead of failing, and reads none for a stack without rollouts", () => {
    const dir = projectDir();
    expect(readRolloutAnalyses(dir, "dev")).toEqual({ records: [], problems: [] });
    fs.mkdirSync(path.join(dir, ".switchyard", "rollouts", "dev"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".switchyard", "rollouts", "dev", "checkout.json"), "{\"stack\": 1}");
    const { records, problems } = readRolloutAnalyses(dir, "dev");
    expect(records).toEqual([]);
    expect(problems[0]).toMatch(/checkout\.json: stack: /);
  });

  it("says so, and does not throw, when the file cannot be written", () => {
    const dir = projectDir();
    fs.writeFileSync(path.join(dir, ".switchyard"), "a file where the folder should be");
    const warnings: string[] = [];
    new AnalysisRecorder(dir, start, (line) => warnings.push(line));
    expect(warnings[0]).toMatch(/the rollout's figures could not be written to .*checkout\.json for the dashboard/);
  });
});
