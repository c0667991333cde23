import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import type { RolloutOutcome, StepRecord } from "./run";

/**
 * What a rollout measured, kept beside the stack in the project's ignored
 * `.switchyard/` folder so `switchyard dashboard` can chart it: one file per
 * stack and service, rewritten whole after each judged step. This module owns
 * the file's shape; the rollout writes it and the dashboard reads it.
 */

const thresholdsSchema = z.object({
  maxErrorRate: z.number(),
  maxLatencySeconds: z.number().optional(),
  minRequests: z.number(),
  window: z.string(),
});

/** `null` where the query returned no data; absent where Prometheus could not be asked. */
const figure = z.number().nullable().optional();

const pointSchema = z.object({
  /** When the step was judged (ISO time). */
  at: z.string(),
  canary: z.number(),
  requests: figure,
  errorRate: figure,
  latencySeconds: figure,
  verdict: z.enum(["pass", "fail", "inconclusive"]),
  reason: z.string(),
});

const recordSchema = z.object({
  stack: z.string(),
  service: z.string(),
  canaryColor: z.enum(["blue", "green"]),
  version: z.string(),
  steps: z.array(z.number()),
  intervalMs: z.number(),
  thresholds: thresholdsSchema,
  startedAt: z.string(),
  /** The rollout's process, so a reader can tell a running rollout from one that was killed. */
  pid: z.number().optional(),
  host: z.string().optional(),
  /** `running` until the rollout ends, then its outcome's kind, or `failed` when the command itself failed (the reason says how). */
  state: z.enum(["running", "promoted", "rolled-back", "halted", "superseded", "interrupted", "failed"]),
  reason: z.string().optional(),
  finishedAt: z.string().optional(),
  /** One per judged interval, oldest first. */
  points: z.array(pointSchema),
});

export type RolloutAnalysis = z.infer<typeof recordSchema>;
export type AnalysisPoint = z.infer<typeof pointSchema>;

function recordsDir(projectDir: string, stack: string): string {
  return path.join(projectDir, ".switchyard", "rollouts", stack);
}

/** Writes a rollout's figures as it goes; a failed write never stops the rollout, it is only said. */
export class AnalysisRecorder {
  private record: RolloutAnalysis;

  constructor(
    private readonly projectDir: string,
    start: Omit<RolloutAnalysis, "state" | "points" | "startedAt" | "pid" | "host">,
    private readonly warn: (line: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.record = { ...start, startedAt: this.now().toISOString(), pid: process.pid, host: os.hostname(), state: "running", points: [] };
    this.write();
  }

  judged(step: StepRecord): void {
    const { figures, verdict } = step;
    const value = (measured: number | undefined) => (measured === undefined || Number.isNaN(measured) ? null : measured);
    const point: AnalysisPoint = {
      at: this.now().toISOString(),
      canary: step.canary,
      ...(figures === undefined
        ? {}
        : {
            requests: value(figures.requests),
            errorRate: value(figures.errorRate),
            ...("latencySeconds" in figures ? { latencySeconds: value(figures.latencySeconds) } : {}),
          }),
      verdict: verdict.kind,
      reason: verdict.reason,
    };
    this.record = { ...this.record, points: [...this.record.points, point] };
    this.write();
  }

  finished(outcome: RolloutOutcome): void {
    const reason = "reason" in outcome ? { reason: outcome.reason } : {};
    this.record = { ...this.record, state: outcome.kind, ...reason, finishedAt: this.now().toISOString() };
    this.write();
  }

  /** The command failed before the rollout reached an outcome (an update or Prometheus threw). */
  failed(error: unknown): void {
    const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    this.record = { ...this.record, state: "failed", reason, finishedAt: this.now().toISOString() };
    this.write();
  }

  private write(): void {
    const dir = recordsDir(this.projectDir, this.record.stack);
    const file = path.join(dir, `${this.record.service}.json`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      // Written aside and renamed: a reader never sees half a file.
      fs.writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(this.record, null, 2)}\n`);
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
    } catch (error) {
      this.warn(`(the rollout's figures could not be written to ${file} for the dashboard: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

/** The last rollout of each service of the stack, by service name; a file that is not a record is reported, not thrown. */
export function readRolloutAnalyses(projectDir: string, stack: string): { readonly records: RolloutAnalysis[]; readonly problems: string[] } {
  const dir = recordsDir(projectDir, stack);
  if (!fs.existsSync(dir)) return { records: [], problems: [] };
  const records: RolloutAnalysis[] = [];
  const problems: string[] = [];
  for (const name of fs.readdirSync(dir).filter((entry) => entry.endsWith(".json")).sort()) {
    const file = path.join(dir, name);
    try {
      const parsed = recordSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
      if (parsed.success) records.push(unlessGone(parsed.data));
      else problems.push(`${file}: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { records, problems };
}

/** A record still `running` whose process on this machine is gone (killed) is shown as failed, with why. */
function unlessGone(record: RolloutAnalysis): RolloutAnalysis {
  if (record.state !== "running" || record.pid === undefined || record.host !== os.hostname() || isAlive(record.pid)) return record;
  return { ...record, state: "failed", reason: `the rollout's process (pid ${record.pid}) ended without recording an outcome (killed?)` };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
