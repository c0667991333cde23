import * as fs from "node:fs";
import * as path from "node:path";
import type { CurrentConfig, StackSession } from "../pulumi/session";
import { stackUpdates } from "../reports/history";
import { kubeconfigSetting } from "../kube/kubeconfig";
import { readLiveCluster } from "../reports/livePods";
import { readRolloutAnalyses } from "../rollout/analysisRecord";
import { dashboardView, type DashboardSources, type Reading } from "./view";

/** How often each source is read again; the cluster is cheap to ask, the stack costs a `pulumi` process per read. */
export interface FeedTiming {
  readonly clusterEveryMs: number;
  readonly stackEveryMs: number;
  /** An API server that does not answer within this is reported unavailable, not waited for. */
  readonly clusterTimeoutMs: number;
}

export const DEFAULT_TIMING: FeedTiming = { clusterEveryMs: 1000, stackEveryMs: 5000, clusterTimeoutMs: 3000 };

type Listener = (json: string) => void;

/**
 * Keeps the dashboard's view current: reads the stack (config, outputs,
 * history) and the cluster (pods, VirtualService weights) and the rollout
 * figures on their own clocks, and tells subscribers the view's JSON only
 * when something in it changed. Read-only: it never writes anything.
 */
export class DashboardFeed {
  private current?: CurrentConfig;
  /** What the last read of the stack saw: the stack file's size and time, and the latest update's version and result. */
  private seen: { stackFile?: string; update?: string | undefined } = {};
  private sources: { -readonly [K in keyof DashboardSources]: DashboardSources[K] };
  private json = "";
  private shownKey = "";
  private readonly listeners = new Set<Listener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly session: StackSession,
    private readonly timing: FeedTiming = DEFAULT_TIMING,
  ) {
    const pending: Reading<never> = { ok: false, reason: "not read yet" };
    this.sources = { stack: session.stackName, config: pending, outputs: pending, history: pending, pods: pending, routes: pending, rollouts: pending };
  }

  /** Reads everything once, then keeps reading until `stop`. */
  async start(): Promise<void> {
    await this.readStack();
    await this.readLive();
    this.publish();
    this.every(this.timing.stackEveryMs, () => this.readStack());
    this.every(this.timing.clusterEveryMs, () => this.readLive());
  }

  /** The view as last read, as JSON. */
  view(): string {
    return this.json;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  /** Runs `read` every `ms` after the previous read finished: a slow source never piles reads up. */
  private every(ms: number, read: () => Promise<void>): void {
    const tick = () => {
      const timer = setTimeout(async () => {
        this.timers.delete(timer);
        await read();
        if (this.stopped) return;
        this.publish();
        tick();
      }, ms);
      this.timers.add(timer);
    };
    tick();
  }

  /**
   * Each `pulumi` read costs a process start, so each tick asks only for the
   * stack's latest update, and reads the outputs and the history again only
   * when that changed; the config only when the stack file did.
   */
  private async readStack(): Promise<void> {
    const stackFile = fileStamp(path.join(this.session.projectDir, `Pulumi.${this.session.stackName}.yaml`));
    const configChanged = stackFile !== this.seen.stackFile || !this.sources.config.ok;
    const latest = await reading(this.session.recentUpdates(1));
    // A file backend numbers every update 0: its start time, kind, result and message tell one from the next.
    const update = latest.ok ? JSON.stringify(latest.value.map(({ version, startTime, kind, result, message }) => [version, startTime, kind, result, message])) : undefined;
    const stackChanged = update === undefined || update !== this.seen.update || !this.sources.outputs.ok || !this.sources.history.ok;
    const [config, outputs, history] = await Promise.all([
      configChanged ? reading(this.session.readConfig()) : undefined,
      stackChanged ? reading(this.session.servicesOutput()) : undefined,
      stackChanged ? reading(this.session.history().then(stackUpdates)) : undefined,
    ]);
    this.seen = { stackFile, update };
    if (config?.ok) this.current = config.value;
    if (config !== undefined) this.sources.config = config.ok ? { ok: true, value: config.value.config } : config;
    if (outputs !== undefined) this.sources.outputs = outputs;
    if (history !== undefined) this.sources.history = history;
  }

  private async readLive(): Promise<void> {
    const { records, problems } = readRolloutAnalyses(this.session.projectDir, this.session.stackName);
    this.sources.rollouts = problems.length > 0 && records.length === 0 ? { ok: false, reason: problems.join("; ") } : { ok: true, value: records };
    const current = this.current;
    const noCluster = current === undefined ? "the stack config could not be read, so neither could its cluster" : current.context.renderMode ? "render mode: the stack writes YAML files, there is no cluster to read" : undefined;
    if (noCluster !== undefined) {
      Object.assign(this.sources, { pods: { ok: false, reason: noCluster }, routes: { ok: false, reason: noCluster } });
      return;
    }
    const live = await reading(this.withinTimeout(readLiveCluster(kubeconfigSetting(this.session.projectDir, current!), current!.config.namespace)));
    if (live.ok) Object.assign(this.sources, { pods: { ok: true, value: live.value.pods }, routes: { ok: true, value: live.value.weights } });
    else {
      const unreadable = { ok: false, reason: `the API server could not be read: ${live.reason}` };
      Object.assign(this.sources, { pods: unreadable, routes: unreadable });
    }
  }

  private withinTimeout<T>(promise: Promise<T>): Promise<T> {
    const ms = this.timing.clusterTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private publish(): void {
    const view = dashboardView(this.sources, new Date());
    // When it was read changes every time; only a change in what was read is news.
    const key = JSON.stringify({ ...view, readAt: undefined });
    this.json = JSON.stringify(view);
    if (key === this.shownKey) return;
    this.shownKey = key;
    for (const listener of this.listeners) listener(this.json);
  }
}

function fileStamp(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "absent";
  }
}

async function reading<T>(promise: Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? firstLines(error.message) : String(error) };
  }
}

/** Pulumi's errors can run to pages; the page needs what went wrong. */
function firstLines(message: string): string {
  const lines = message.trim().split("\n");
  return lines.length <= 3 ? lines.join(" ") : `${lines.slice(0, 3).join(" ")} ...`;
}
